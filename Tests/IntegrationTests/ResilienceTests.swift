import Foundation
import Testing

/// Bad input and operators' signals never take the agents down: manifests whose numbers
/// overflow are refused by `check` and by `reload` (the daemon keeps answering and every
/// agent keeps its pid), SIGHUP reloads, and no other catchable signal ends the supervisor.
@Suite("nothing takes the agents down", .serialized)
struct ResilienceTests {
    typealias Session = ControlCommandLineTests.Session

    static func manifest(_ extra: String = "", port: String = "7200") -> String {
        """
        defaults:
          host: mainpc
          health: {kind: none, start_period: 200ms}
        agents:
          one:
            command: ["/bin/sleep", "1000"]
            port: \(port)
          two:
            command: ["/bin/sleep", "1000"]
            depends_on: [one]
        \(extra)
        """
    }

    /// Each file with the key and the words its `check` message must hold.
    static let overflowing: [(name: String, text: String, key: String, words: String)] = [
        ("port sum", manifest(port: "9223372036854775807+1"), "key 'port'", "out of range 1...65535"),
        ("backoff 1e308", manifest("    restart: {backoff: {initial: 1e308}}"), "restart.backoff.initial", "at most 8760h"),
        ("backoff 2^63", manifest("    restart: {backoff: {initial: 9223372036854775808}}"), "restart.backoff.initial", "at most 8760h"),
        ("backoff 1e30 s", manifest("    restart: {backoff: {initial: 1000000000000000000000000000000s}}"), "restart.backoff.initial", "at most 8760h"),
        ("cpu 1e308", manifest("    limits: {cpu: 1e308}"), "limits.cpu", "out of range"),
        ("defaults 10 000 deep", manifest("    env: {DEEP: \"" + String(repeating: "${X:-", count: 10_000) + "v"
            + String(repeating: "}", count: 10_000) + "\"}"), "env.DEEP", "nest more than 16 deep"),
    ]

    @Test("check refuses each overflowing manifest with exit 1 and a message naming file, agent and key")
    func checkRefusesOverflow() throws {
        for entry in Self.overflowing {
            let session = try Session(manifest: entry.text)
            defer { session.close() }
            let started = Date()
            let check = try session.cli(["check"])
            #expect(check.status == 1, "\(entry.name): \(check)")
            let line = check.stdout.split(separator: "\n").first { $0.contains("error:") }.map(String.init) ?? ""
            #expect(line.hasPrefix("agents.yaml:") && line.contains(entry.key) && line.contains(entry.words),
                    "\(entry.name): \(check.stdout)")
            #expect(Date().timeIntervalSince(started) < 30, "\(entry.name): check took too long")
        }
    }

    @Test("PORT_OFFSET so large that ${PORT_OFFSET}+7200 overflows: check says so, up refuses to start")
    func overflowingOffset() throws {
        let session = try Session(manifest: Self.manifest(port: "${PORT_OFFSET}+7200"))
        defer { session.close() }
        let check = try session.harness.run(["check"], environment: ["PORT_OFFSET": "9223372036854775807"])
        #expect(check.status == 1, "\(check.output)")
        #expect(check.output.contains("key 'port': \"9223372036854775807+7200\" is out of range 1...65535"), "\(check.output)")
        let up = try session.harness.run(["up", "mainpc"], environment: ["PORT_OFFSET": "9223372036854775807"])
        #expect(up.status == 2, "\(up.output)")
    }

    @Test("reload of an overflowing manifest is an error reply: the daemon answers and no agent is restarted")
    func reloadRefusesOverflow() throws {
        let session = try Session(manifest: Self.manifest())
        defer { session.close() }
        try session.up()
        let before = try session.waitForStates(["one": "ready", "two": "ready"])
        let pids = [before.pid("one"), before.pid("two")]
        for entry in Self.overflowing {
            try entry.text.write(to: session.directory.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)
            let reload = try session.cli(["reload", "mainpc"], timeout: 60)
            #expect(reload.status != 0 && !reload.timedOut, "\(entry.name): \(reload)")
            #expect(reload.stderr.contains("nothing was changed") || reload.stdout.contains("nothing was changed"), "\(entry.name): \(reload)")
            let after = try #require(try session.snapshot(), "\(entry.name): no status after reload")
            #expect([after.pid("one"), after.pid("two")] == pids, "\(entry.name): pids changed")
        }
        #expect(pids.compactMap { $0 }.allSatisfy(processIsAlive))
    }

    @Test("SIGHUP reloads (foreground): unchanged agents keep their pids, an added one starts, a bad file changes nothing")
    func hangUpReloads() throws {
        let session = try Session(manifest: Self.manifest())
        defer { session.close() }
        try session.up()
        let before = try session.waitForStates(["one": "ready", "two": "ready"])
        let supervisor = try #require(session.harness.process?.processIdentifier)
        kill(supervisor, SIGHUP)
        try session.harness.waitForLine("received SIGHUP: reloading")
        try session.harness.waitForLine("reloaded: added none; removed none; changed none")
        let same = try session.waitForStates(["one": "ready", "two": "ready"])
        #expect(same.pid("one") == before.pid("one") && same.pid("two") == before.pid("two"))

        let added = Self.manifest() + "  three:\n    command: [\"/bin/sleep\", \"1000\"]\n"
        try added.write(to: session.directory.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)
        kill(supervisor, SIGHUP)
        let after = try session.waitForStates(["one": "ready", "two": "ready", "three": "ready"])
        #expect(after.pid("one") == before.pid("one") && after.pid("two") == before.pid("two"))

        try Self.overflowing[0].text.write(to: session.directory.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)
        kill(supervisor, SIGHUP)
        try session.harness.waitForLine("reload refused: ")
        let unchanged = try session.waitForStates(["one": "ready", "two": "ready", "three": "ready"])
        #expect(unchanged.pid("three") == after.pid("three"))
    }

    @Test("a detached supervisor survives SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGTSTP, SIGTTOU, SIGPIPE and a real-time signal")
    func detachedSurvivesSignals() throws {
        let session = try Session(manifest: Self.manifest())
        defer { session.close() }
        let up = try session.cli(["up", "mainpc", "--detach"])
        #expect(up.status == 0, "\(up)")
        let supervisor = try #require(session.adoptDetached(from: up.stdout + up.stderr), "\(up)")
        let before = try session.waitForStates(["one": "ready", "two": "ready"])
        let realtime = __libc_current_sigrtmin() + 3
        for number in [SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGTSTP, SIGTTOU, SIGPIPE, realtime] {
            kill(supervisor, number)
            let ping = try session.cli(["ping", "mainpc"], timeout: 30)
            #expect(ping.status == 0, "after signal \(number): \(ping)")
            #expect(processIsAlive(supervisor) && !Self.isStopped(supervisor), "signal \(number) ended or stopped the supervisor")
        }
        let after = try session.waitForStates(["one": "ready", "two": "ready"])
        #expect(after.pid("one") == before.pid("one") && after.pid("two") == before.pid("two"))
        let down = try session.cli(["down", "mainpc"])
        #expect(down.status == 0, "\(down)")
    }

    @Test("SIGUSR2 opens the moved logs anew, as after logrotate: the old files keep their lines, new lines go to new files")
    func userSignalReopensLogs() throws {
        let session = try Session(manifest: """
            agents:
              ticker:
                host: mainpc
                command: ["/bin/sh", "-c", "while :; do echo tick; sleep 0.1; done"]
                health: {kind: none, start_period: 200ms}
            """)
        defer { session.close() }
        try session.up()
        try session.waitForStates(["ticker": "ready"])
        let logs = session.directory.appendingPathComponent("logs/mainpc")
        let agentLog = logs.appendingPathComponent("ticker.log"), supervisorLog = logs.appendingPathComponent("supervisor.log")
        #expect(eventually { ((try? String(contentsOf: agentLog, encoding: .utf8)) ?? "").contains("tick") })
        for file in [agentLog, supervisorLog] {
            try FileManager.default.moveItem(at: file, to: file.appendingPathExtension("rotated"))
        }
        kill(try #require(session.harness.process?.processIdentifier), SIGUSR2)
        #expect(eventually { ((try? String(contentsOf: supervisorLog, encoding: .utf8)) ?? "").contains("received SIGUSR2: reopened 2 moved log file(s)") },
                "\(session.harness.logText())")
        #expect(eventually { ((try? String(contentsOf: agentLog, encoding: .utf8)) ?? "").contains("tick") }, "no new lines in a new ticker.log")
        let rotated = (try? String(contentsOf: agentLog.appendingPathExtension("rotated"), encoding: .utf8)) ?? ""
        #expect(rotated.contains("tick"))
        #expect(try session.snapshot()?.state("ticker") == "ready")
    }

    @Test("check warns about a program that does not exist (an error with --strict)")
    func checkFindsMissingProgram() throws {
        let text = """
            agents:
              ghost:
                host: mainpc
                command: ["/nonexistent/agent"]
              fine:
                host: mainpc
                command: ["sleep", "1"]
            """
        let session = try Session(manifest: text)
        defer { session.close() }
        let check = try session.cli(["check"])
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout.contains("agents.yaml:4: warning: agent 'ghost', key 'command': cannot run /nonexistent/agent: No such file or directory"),
                "\(check)")
        #expect(!check.stdout.contains("agent 'fine'"), "\(check)")
        let strict = try session.cli(["check", "--strict"])
        #expect(strict.status == 1, "\(strict)")
        #expect(strict.stdout.contains("error: agent 'ghost', key 'command'"), "\(strict)")
    }

    static func isStopped(_ pid: Int32) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "T"
    }
}

import Foundation
import Testing

/// Issue 14's command-line habits against a running supervisor: one exit-code table, colour
/// decided by --color, NO_COLOR and TERM, `status --watch` in a pipe, the HOST column and the
/// footer's scope.
extension ControlCommandLineTests {
    static let escape = "\u{1B}"

    @Test("exit codes: unknown agent, group or host 4, bad flag 2, named host not running 3; the advice names a flag that exists")
    func exitCodeTable() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.statusManifest(ports), avoiding: ports)
        defer { session.close() }
        // `spare` runs nothing; `store` is a host and an agent: the agent wins.
        try session.writeHosts(extra: ["spare", "store"])
        try session.up()
        _ = try session.waitForStates(["store": "ready", "api": "ready", "oneshot": "failed"])

        for (arguments, code) in [
            (["status", "apx"], 4), (["status", "mainpc", "apx"], 4), (["status", "nohost"], 4),
            (["stop", "apx"], 4), (["restart", "group:nope"], 4), (["ping", "nohost"], 4),
            (["logs", "store", "--host", "nohost"], 4), (["logs", "apx"], 4), (["plan", "nohost"], 4),
            (["status", "--bogus"], 2), (["stop"], 2), (["status", "--color", "sometimes"], 2), (["logs", "store", "-n", "x"], 2),
            (["status", "spare"], 3), (["ping", "spare"], 3),
            (["status", "store"], 0),
        ] as [([String], Int32)] {
            let result = try session.cli(arguments)
            #expect(result.status == code, "\(arguments): \(result)")
        }
        // status has no --host: its advice says how status asks a host; stop's names --host.
        let status = try session.cli(["status", "apx"])
        #expect(!status.stderr.contains("--host") && status.stderr.contains("supervisor status HOST NAME"), "\(status)")
        #expect(status.stderr.contains("Did you mean api?"), "\(status)")
        let stop = try session.cli(["stop", "apx"])
        #expect(stop.stderr.contains("--host HOST"), "\(stop)")
        #expect(try session.cli(["stop", "apx", "--host", "mainpc"]).status == 4)

        // `store` is read as the agent, not as the host of that name (which runs nothing).
        let agent = try session.cli(["status", "store"])
        #expect(StatusTableText(agent.stdout)?.rows.map { $0["NAME"] } == ["store"], "\(agent)")

        let help = try session.cli(["--help"])
        #expect(help.stdout.contains("4 not found: unknown agent,"), "\(help)")
        try session.harness.stop()
    }

    @Test("colour: --color always through a pipe colours, never/NO_COLOR/TERM=dumb do not; --watch in a pipe has no clear-screen codes")
    func colourAndWatch() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.statusManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.writeHosts(extra: ["spare"])
        try session.up()
        _ = try session.waitForStates(["store": "ready", "api": "ready", "oneshot": "failed"])

        let always = try session.cli(["status", "mainpc", "--color", "always"], environment: ["NO_COLOR": "1"])
        #expect(always.status == 0 && always.stdout.contains("\(Self.escape)[32m"), "\(always)")
        for (arguments, environment) in [
            (["--color", "never"], [:]), ([], ["NO_COLOR": "1"]), ([], ["TERM": "dumb"]), ([], [:]),
        ] as [([String], [String: String])] {
            let plain = try session.cli(["status", "mainpc"] + arguments, environment: environment)
            #expect(plain.status == 0 && !plain.stdout.contains(Self.escape), "\(arguments) \(environment): \(plain)")
        }

        // On a terminal (a pty from script(1)), auto colours unless NO_COLOR or TERM=dumb says no.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/script") {
            let command = "'\(SupervisorHarness.supervisorPath)' status mainpc"
            for (environment, coloured) in [
                (["NO_COLOR": "", "TERM": "xterm"], true), (["NO_COLOR": "1", "TERM": "xterm"], false),
                (["NO_COLOR": "", "TERM": "dumb"], false),
            ] as [([String: String], Bool)] {
                let output = try session.underTerminal(command, environment: environment)
                #expect(output.contains("\(Self.escape)[32m") == coloured, "\(environment): \(output)")
                #expect(output.contains("store"), "\(environment): \(output)")
            }
        }

        // Through a pipe --watch prints snapshots, a blank line between them, and no ESC[2J.
        let watch = try session.background(["status", "mainpc", "--watch"])
        #expect(eventually(timeout: 60) { watch.text.components(separatedBy: "\nNAME").count >= 3 }, "\(watch.text)")
        watch.terminate()
        #expect(!watch.text.contains(Self.escape), "\(watch.text)")
        #expect(watch.text.contains("\n\nNAME"), "\(watch.text)")
        let painted = try session.background(["status", "mainpc", "--watch", "--color", "always"])
        #expect(eventually(timeout: 60) { painted.text.components(separatedBy: "\(Self.escape)[2J").count >= 3 }, "\(painted.text)")
        painted.terminate()

        // One host's agents shown: no HOST column, although the hosts file has two hosts.
        let all = try session.cli(["status"])
        let table = try #require(StatusTableText(all.stdout), "\(all)")
        #expect(table.columns.first == "NAME", "\(all)")
        #expect(table.footer.contains { $0.hasPrefix("mainpc: 3 agents shown: 2 ready, 1 failed; RSS of the agents shown ") }, "\(all)")
        #expect(table.footer.contains { $0.hasPrefix("spare: ") }, "\(all)")
        let some = try session.cli(["status", "mainpc", "api"])
        let footer = StatusTableText(some.stdout)?.footer.first ?? ""
        #expect(footer.hasPrefix("mainpc: 1 of 3 agents shown: 1 ready; RSS of the agents shown "), "\(some)")
        #expect(footer.contains("; on the host 2/3 ready; supervisor pid "), "\(some)")
        try session.harness.stop()
    }
}

extension ControlCommandLineTests.Session {
    /// The output of a shell command run on a pseudo-terminal by script(1).
    func underTerminal(_ command: String, environment: [String: String]) throws -> String {
        try harness.runProgram("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment, nullInput: true).output
    }

    /// Rewrites `hosts`: mainpc, then each extra name on loopback with ports nothing listens on.
    func writeHosts(extra names: [String]) throws {
        var lines = ["mainpc 127.0.0.1 \(controlPort)"]
        var taken = [controlPort]
        for name in names {
            var port = try PortAllocator.free()
            while taken.contains(where: { abs($0 - port) < 3 }) { port = try PortAllocator.free() }
            taken.append(port)
            lines.append("\(name) 127.0.0.1 \(port)")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
    }
}

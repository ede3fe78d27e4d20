import Foundation
import Testing

/// Real agents that die as the legacy ones do (a SyntaxError, a NameError at import, a port
/// already in use, `Error in main:` with exit 0, a shell program's last words): the cause is
/// in the start-up summary, `status --json`, the status table and the events.
@Suite("failure causes of real agents", .serialized)
struct AgentCauseTests {
    static let legacy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("legacy")

    static func script(_ name: String) -> String { legacy.appendingPathComponent(name).path }

    @Test("every failed agent's cause, with its file:line, in the summary, status, the table and the events",
          .timeLimit(.minutes(4)))
    func causesEverywhere() throws {
        let port = try PortAllocator.free()
        let holder = try HeldPort(port)
        defer { holder.close() }
        let python = TestPython.path
        let harness = try SupervisorHarness(manifest: """
            defaults:
              host: mainpc
              health: {kind: none, start_period: 5s}
              restart: {max_restarts: 1, window: 60s, backoff: {initial: 100ms}}
            agents:
              Syntax: {command: ["\(python)", "\(Self.script("syntax_error_agent.py"))"], required: true}
              Names: {command: ["\(python)", "\(Self.script("name_error_agent.py"))"]}
              Clash: {command: ["\(python)", "\(Self.script("port_clash_agent.py"))"], port: \(port)}
              Quitter: {command: ["\(python)", "\(Self.script("error_in_main_agent.py"))"]}
              Shell: {command: [/bin/sh, -c, "echo starting; echo 'fatal: no configuration at /etc/shell-agent.conf' >&2; exit 3"]}
              Waiter: {command: [/bin/sleep, "60"], depends_on: [Clash]}
            """)
        defer { harness.cleanUp() }
        try harness.start()
        let summary = try harness.waitForLine("ready: ", " agents in ", timeout: 180)
        #expect(summary.contains("ready: 0/6 agents"), "\(summary)")

        // The start-up summary: the cause first, then the supervisor's account.
        let log = harness.logText()
        for expected in [
            "failed: Syntax: SyntaxError: unmatched ')' (syntax_error_agent.py:10); exit code 1",
            "failed: Names: NameError: name 'join_path' is not defined (name_error_agent.py:6); exit code 1",
            "failed: Clash: OSError: [Errno 98] Address already in use (port_clash_agent.py:14); exit code 1",
            "failed: Quitter: Error in main: model manager did not answer at 127.0.0.1:5570; exited 0 before becoming ready",
            "failed: Shell: fatal: no configuration at /etc/shell-agent.conf; exit code 3",
            "blocked: Waiter (waits for Clash)",
        ] {
            #expect(log.contains(expected), "missing \(expected) in\n\(log.suffix(4000))")
        }
        // State changes in supervisor.log say it too.
        #expect(!harness.lines("Names: starting -> failed", "cause: NameError: name 'join_path' is not defined").isEmpty)

        // status --json: a typed cause per agent.
        let reply = try harness.run(["status", "mainpc", "--json"])
        #expect(reply.status == 0, "\(reply.output)")
        let data = try #require(try JSONSerialization.jsonObject(with: Data(reply.output.utf8)) as? [String: Any])
        let agents = try #require(data["agents"] as? [[String: Any]])
        func cause(_ name: String) -> [String: Any] {
            agents.first { $0["name"] as? String == name }?["cause"] as? [String: Any] ?? [:]
        }
        #expect(cause("Syntax")["message"] as? String == "SyntaxError: unmatched ')'")
        #expect(cause("Syntax")["location"] as? String == "syntax_error_agent.py:10")
        #expect(cause("Syntax")["kind"] as? String == "python_exception")
        #expect(cause("Names")["exception"] as? String == "NameError")
        #expect(cause("Names")["location"] as? String == "name_error_agent.py:6")
        #expect(cause("Clash")["text"] as? String == "OSError: [Errno 98] Address already in use (port_clash_agent.py:14)")
        #expect(cause("Quitter")["kind"] as? String == "error_in_main")
        #expect(cause("Shell")["kind"] as? String == "last_line")
        #expect(cause("Shell")["stream"] as? String == "stderr")
        #expect(cause("Waiter").isEmpty, "an agent that never ran has no cause")

        // The table has a CAUSE column.
        let table = try harness.run(["status", "mainpc"])
        let header = try #require(table.output.split(separator: "\n").first)
        #expect(header.hasSuffix("CAUSE"), "\(table.output)")
        #expect(table.output.split(separator: "\n").contains {
            $0.hasPrefix("Names ") && $0.contains("NameError: name 'join_path' is not defined (name_error_agent.py:6)")
        }, "\(table.output)")

        // Events: once subscribed (the event of a `supervisor ping` has come), a restart of Names crashes
        // again and both agent.state and agent.errors carry the cause.
        let events = try harness.background(["events", "--topic", "agent.", "--topic", "system.commands"])
        #expect(eventually(timeout: 30) {
            _ = try? harness.run(["ping"])
            return events.linesSoFar.contains { $0.contains("\"system.commands\"") }
        })
        #expect(try harness.run(["restart", "Names"]).status == 0)
        #expect(eventually(timeout: 60) { events.linesSoFar.contains { $0.contains("\"agent.errors\"") && $0.contains("\"failed\"") } })
        let published = events.linesSoFar.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let errors = published.filter { $0["topic"] as? String == "agent.errors" && $0["agent"] as? String == "Names" }
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { ($0["cause"] as? [String: Any])?["location"] as? String == "name_error_agent.py:6" })
        let states = published.filter { $0["topic"] as? String == "agent.state" && $0["to"] as? String == "failed" }
        #expect(states.contains { ($0["cause"] as? [String: Any])?["message"] as? String == "NameError: name 'join_path' is not defined" })
        #expect(try harness.stop() == 0)
    }

    @Test("up --detach names each failed agent with its cause", .timeLimit(.minutes(2)))
    func detachedStartupNamesCauses() throws {
        let harness = try SupervisorHarness(manifest: """
            defaults:
              host: mainpc
              health: {kind: none, start_period: 5s}
              restart: {policy: never}
            agents:
              Names: {command: ["\(TestPython.path)", "\(Self.script("name_error_agent.py"))"]}
              Fine: {command: [/bin/sleep, "60"], health: {start_period: 200ms}}
            """)
        defer { harness.cleanUp() }
        let up = try harness.run(["up", "mainpc", "--detach"], environment: [SupervisorHarness.runMarker: harness.directory.path])
        #expect(up.status == 0, "\(up.output)")
        #expect(up.output.contains("agents: 1/2 ready"), "\(up.output)")
        #expect(up.output.contains("failed: Names: NameError: name 'join_path' is not defined (name_error_agent.py:6)"), "\(up.output)")
        #expect(try harness.run(["down", "mainpc"]).status == 0)
    }
}

/// A TCP port on loopback held by the test (bound and listening), so an agent's bind fails.
struct HeldPort {
    let fd: Int32

    init(_ port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else {
            Foundation.close(fd)
            throw HarnessError.timeout(waitingFor: "port \(port) to hold", log: String(cString: strerror(errno)))
        }
    }

    func close() {
        Foundation.close(fd)
    }
}

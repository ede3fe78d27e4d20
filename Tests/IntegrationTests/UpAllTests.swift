import Foundation
import Testing

/// `supervisor up --all` starts every loopback host of the hosts file, each in the background.
@Suite("up --all", .serialized)
struct UpAllTests {
    @Test("both hosts of one machine start, answer status, and stop with down")
    func bothHostsComeUp() throws {
        let ports = try PortAllocator.free(2)
        let harness = try SupervisorHarness(
            manifest: """
                agents:
                  a: {host: mainpc, command: [/bin/sleep, "1000"], health: {kind: none, start_period: 100ms}}
                  b: {host: pc2, command: [/bin/sleep, "1000"], health: {kind: none, start_period: 100ms}}
                """,
            hostsText: "mainpc 127.0.0.1 \(ports[0])\npc2 127.0.0.1 \(ports[1])\n")
        defer { Self.killDetachedSupervisors(of: harness) }
        let up = try harness.run(["up", "--all"])
        #expect(up.status == 0, "\(up.output)")
        #expect(up.output.contains("supervisor for mainpc running in the background"))
        #expect(up.output.contains("supervisor for pc2 running in the background"))

        let status = try harness.run(["status"])
        #expect(status.status == 0, "\(status.output)")
        #expect(status.output.contains("mainpc: 1 agent shown: 1 ready; RSS of the agents shown "), "\(status.output)")
        #expect(status.output.contains("pc2: 1 agent shown: 1 ready"), "\(status.output)")
        // The agents shown are on two hosts: a HOST column; one host's agents: none.
        #expect(status.output.hasPrefix("HOST  "), "\(status.output)")
        #expect(try harness.run(["status", "pc2"]).output.hasPrefix("NAME  "))

        let down = try harness.run(["down"])
        #expect(down.status == 0, "\(down.output)")
        #expect(try harness.run(["status"]).status == 3)

        let both = try harness.run(["up", "mainpc", "--all"])
        #expect(both.status == 2)
    }

    @Test("up --all does not hang when the first host waits (directly or through a local agent) for an agent of a later one")
    func firstHostWaitsForLaterHost() throws {
        let ports = try PortAllocator.free(2)
        let harness = try SupervisorHarness(
            manifest: """
                agents:
                  a: {host: mainpc, command: [/bin/sleep, "1000"], health: {kind: none, start_period: 100ms}, depends_on: [pc2/b]}
                  c: {host: mainpc, command: [/bin/sleep, "1000"], health: {kind: none, start_period: 100ms}, depends_on: [a]}
                  b: {host: pc2, command: [/bin/sleep, "1000"], health: {kind: none, start_period: 100ms}}
                """,
            hostsText: "mainpc 127.0.0.1 \(ports[0])\npc2 127.0.0.1 \(ports[1])\n")
        defer { Self.killDetachedSupervisors(of: harness) }
        let up = try harness.run(["up", "--all"])
        #expect(up.status == 0, "\(up.output)")
        #expect(up.output.contains("waiting for other hosts: pc2/b"), "\(up.output)")
        #expect(eventually(timeout: 60) { (try? harness.run(["status"]).output.contains("mainpc: 2 agents shown: 2 ready")) == true })
        #expect(try harness.run(["down"]).status == 0)
    }

    /// The detached supervisors are not the harness's process: kill them by their locks, then
    /// clean up.
    static func killDetachedSupervisors(of harness: SupervisorHarness) {
        for host in ["mainpc", "pc2"] {
            let lock = harness.directory.appendingPathComponent("run/\(host).lock")
            if let pid = harness.text(of: lock).split(separator: "\n").first.flatMap({ Int32($0) }) { kill(pid, SIGKILL) }
        }
        harness.cleanUp()
    }
}

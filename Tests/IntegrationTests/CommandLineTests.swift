import Foundation
import Testing

/// `check`, `plan` and bad input, through the built binary.
@Suite("command line")
struct CommandLineTests {
    static let defaultManifest = SupervisorHarness.packageRoot.appendingPathComponent("agents.yaml").path
    static let defaultHosts = SupervisorHarness.packageRoot.appendingPathComponent("hosts").path

    @Test("check on the default manifest: 84 agents, the TTSService cycle as a warning only")
    func checkDefaultManifest() throws {
        let harness = try SupervisorHarness(manifest: "agents: {}")
        defer { harness.cleanUp() }
        let result = try harness.run(["check", "--manifest", Self.defaultManifest, "--hosts", Self.defaultHosts])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("warning:"))
        #expect(result.output.contains("TTSService -> StreamingInterruptHandler -> StreamingTTSAgent -> TTSService"))
        #expect(result.output.contains("84 agents (mainpc: 58, pc2: 26); 0 error(s), 1 warning(s)"))

        let strict = try harness.run(["check", "--strict", "--manifest", Self.defaultManifest, "--hosts", Self.defaultHosts])
        #expect(strict.status == 1)
    }

    @Test("plan shows 8 levels and a 16 s critical path for each host at 2 s per agent")
    func planDefaultManifest() throws {
        let harness = try SupervisorHarness(manifest: "agents: {}")
        defer { harness.cleanUp() }
        for (host, count) in [("mainpc", 58), ("pc2", 26)] {
            let result = try harness.run(["plan", host, "--manifest", Self.defaultManifest, "--hosts", Self.defaultHosts],
                                         environment: ["SIM_READY": "2s"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("host \(host): \(count) agents in 8 levels"))
            #expect(result.output.contains("predicted start-up: 16.00 s (critical path)"))
        }
    }

    @Test("check reports every problem at once, with file, line, agent and key")
    func checkReportsEverything() throws {
        let harness = try SupervisorHarness(manifest: """
            agents:
              a:
                host: mainpc
                command: [x]
                helth: {kind: zmq}
                depends_on: [bb]
              b:
                host: nowhere
                command: [x]
                restart: {backoff: {initial: 5x}}
            """)
        defer { harness.cleanUp() }
        let result = try harness.run(["check"])
        #expect(result.status == 1)
        #expect(result.output.contains("agents.yaml:5: error: agent 'a', key 'helth': unknown key 'helth'; did you mean 'health'?"))
        #expect(result.output.contains("agent 'a', key 'depends_on.bb'"))
        #expect(result.output.contains("did you mean 'b'?"))
        #expect(result.output.contains("agent 'b', key 'host': host 'nowhere' is not in hosts"))
        #expect(result.output.contains("key 'restart.backoff.initial': bad duration \"5x\""))
        #expect(result.output.contains("4 error(s)"))
    }

    @Test("one malformed hosts line is one error, not one more per agent on that host")
    func badHostsLineIsOneError() throws {
        let agents = (1...20).map { "  p\($0): {host: pc2, command: [/bin/true]}" }.joined(separator: "\n")
        let harness = try SupervisorHarness(
            manifest: "agents:\n  a: {host: mainpc, command: [/bin/true]}\n\(agents)\n",
            hostsText: "mainpc 127.0.0.1 7700\npc2 10.0.0.2 77x0\n")
        defer { harness.cleanUp() }
        for arguments in [["check"], ["up", "pc2"], ["plan", "mainpc"], ["status"]] {
            let result = try harness.run(arguments)
            let errors = result.output.split(separator: "\n").filter { $0.contains("error") && !$0.contains("error(s)") }
            #expect(errors == ["hosts:2: error: host 'pc2': control port \"77x0\" is not a number in 1...65534 (the event stream uses port + 1)"],
                    "\(arguments): \(result.output)")
            #expect(result.status == (arguments == ["check"] ? 1 : 2), "\(arguments): \(result.output)")
        }
    }

    @Test("up refuses a missing manifest, a manifest with errors and an unknown host")
    func upRefusesBadInput() throws {
        let harness = try SupervisorHarness(manifest: """
            agents:
              a: {host: mainpc, command: [/bin/true], port: 70000}
            """)
        defer { harness.cleanUp() }
        let missing = try harness.run(["up", "mainpc", "--manifest", "nope.yaml"])
        #expect(missing.status == 2)
        #expect(missing.output.contains("manifest nope.yaml does not exist"))

        let broken = try harness.run(["up", "mainpc"])
        #expect(broken.status == 2)
        #expect(broken.output.contains("70000 is out of range"))
        #expect(broken.output.contains("nothing was started"))
        #expect(!FileManager.default.fileExists(atPath: harness.supervisorLog.path))

        try "agents:\n  a: {host: mainpc, command: [/bin/true]}\n"
            .write(to: harness.directory.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)
        let unknown = try harness.run(["up", "mainpx"])
        #expect(unknown.status == 4)
        #expect(unknown.output.contains("unknown host 'mainpx'"))
        #expect(unknown.output.contains("Did you mean 'mainpc'?"))
    }
}

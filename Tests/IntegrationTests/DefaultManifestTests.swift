import Foundation
import Testing

/// The default 84-agent manifest under the real supervisor.
@Suite("default manifest", .serialized)
struct DefaultManifestTests {
    @Test("up mainpc with the default manifest reaches 58/58 ready", .timeLimit(.minutes(5)))
    func mainpcComesUp() throws {
        let text = try String(contentsOf: SupervisorHarness.packageRoot.appendingPathComponent("agents.yaml"), encoding: .utf8)
        let controlPorts = try PortAllocator.free(2)
        let harness = try SupervisorHarness(
            manifest: text, hostsText: "mainpc 127.0.0.1 \(controlPorts[0])\npc2 127.0.0.1 \(controlPorts[1])\n")
        defer { harness.cleanUp() }
        // Shift every agent port away from the defaults, staying clear of the test port range
        // (10000-19999) and the kernel's ephemeral ports (32768 and up): 5562-9100 and
        // 26002-27002 become 5862-9868 and 26302-27770 at most.
        let offset = 300 + Int.random(in: 0..<5) * 100
        try harness.start(environment: ["SIM_READY": "100ms", "PORT_OFFSET": String(offset)])
        let summary = try harness.waitForLine("ready: ", " agents in ", timeout: 240)
        #expect(summary.contains("ready: 58/58 agents"), "\(summary)\n\(harness.logText().suffix(3000))")
        #expect(try harness.stop() == 0)
        // Nothing crashed on the way: every agent went from stopping to stopped.
        #expect(harness.lines(": stopping -> stopped").count == 58)
        #expect(harness.lines("-> backoff").isEmpty)
        #expect(harness.lines("-> failed").isEmpty)
    }
}

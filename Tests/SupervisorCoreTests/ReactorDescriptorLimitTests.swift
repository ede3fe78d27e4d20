import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// The reactor raises its own open-file limit; its agents and health commands get back the one
/// the supervisor started with.
@Suite("Reactor's open-file limit")
struct ReactorDescriptorLimitTests {
    @Test("an agent and its health command see the original soft limit, not the raised one")
    func agentsGetOriginalLimit() throws {
        let original = try #require(DescriptorLimit.original)
        let harness = try ReactorHarness(manifest: """
            agents:
              counter:
                host: testhost
                command: ["/bin/sh", "-c", "ulimit -Sn > agent-limit; exec sleep 1000"]
                health: {kind: exec, command: ["/bin/sh", "-c", "ulimit -Sn > health-limit"], start_period: 30s}
            """)
        defer { harness.cleanup() }
        harness.start()
        let summary = try #require(harness.waitForStartup())
        #expect(summary.ready == 1)
        let raised = try #require(DescriptorLimit.current())
        let expected = original.soft == Int64.max ? "unlimited" : String(original.soft)
        #expect(harness.directory.read("agent-limit") == "\(expected)\n", "raised to \(raised.soft) in the supervisor")
        #expect(harness.directory.read("health-limit") == "\(expected)\n")
        #expect(harness.shutDown() == 0)
    }
}

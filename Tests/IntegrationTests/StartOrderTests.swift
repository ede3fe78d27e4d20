import Foundation
import Testing

/// `supervisor up` starts each agent the moment its dependencies are ready, as seen in its log.
@Suite("start order", .serialized)
struct StartOrderTests {
    /// The index of the first log line containing every fragment.
    private func index(_ lines: [String], _ fragments: String...) -> Int? {
        lines.firstIndex { line in fragments.allSatisfy { line.contains($0) } }
    }

    @Test("dependencies are ready before dependents start; a fast branch does not wait for a slow sibling")
    func startOrderFollowsReadiness() throws {
        let ports = try PortAllocator.free(4)
        let harness = try SupervisorHarness(manifest: """
            version: 1
            defaults:
              host: mainpc
              command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
              health: {kind: zmq, interval: 1s}
            agents:
              base:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "300ms"]
                health: {port: \(ports[0])}
              fast:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "200ms"]
                health: {port: \(ports[1])}
                depends_on: [base]
              slow:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "4s"]
                health: {port: \(ports[2])}
                depends_on: [base]
              leaf:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "200ms"]
                health: {port: \(ports[3])}
                depends_on: [fast]
            """)
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("ready: 4/4 agents")
        let lines = harness.logText().split(separator: "\n").map(String.init)

        // Every dependent starts only after each of its dependencies became ready.
        for (agent, dependency) in [("fast", "base"), ("slow", "base"), ("leaf", "fast")] {
            let ready = try #require(index(lines, "\(dependency): starting -> ready"))
            let started = try #require(index(lines, "\(agent): waiting -> starting"))
            #expect(ready < started, "\(agent) started before \(dependency) was ready")
            #expect(try timestamp(lines[ready]) <= timestamp(lines[started]))
        }
        // leaf (level 3) is ready before slow (level 2) is: no level-by-level waiting.
        let leafReady = try #require(index(lines, "leaf: starting -> ready"))
        let slowReady = try #require(index(lines, "slow: starting -> ready"))
        #expect(leafReady < slowReady)
        #expect(try harness.stop() == 0)
    }

    @Test("readiness is seen within tens of milliseconds of the agent becoming ready")
    func readinessIsDetectedQuickly() throws {
        let port = try PortAllocator.free()
        let harness = try SupervisorHarness(manifest: """
            agents:
              one:
                host: mainpc
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "1s"]
                health: {kind: zmq, port: \(port)}
            """)
        defer { harness.cleanUp() }
        try harness.start()
        let line = try harness.waitForLine("one: starting -> ready")
        // "ready after X s", measured from spawn: 1 s of agent time plus detection.
        let seconds = try #require(line.components(separatedBy: "ready after ").last?.split(separator: " ").first.flatMap { Double($0) })
        #expect(seconds >= 1.0)
        #expect(seconds < 1.5, "readiness detected late: \(line)")
        try harness.stop()
    }

    @Test("members of a dependency cycle start together once their outside dependencies are ready")
    func cycleMembersStartTogether() throws {
        let ports = try PortAllocator.free(3)
        let harness = try SupervisorHarness(manifest: """
            defaults:
              host: mainpc
              health: {kind: zmq}
            agents:
              root:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "200ms"]
                health: {port: \(ports[0])}
              a:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
                health: {port: \(ports[1])}
                depends_on: [root, b]
              b:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
                health: {port: \(ports[2])}
                depends_on: [a]
            """)
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("ready: 3/3 agents")
        let lines = harness.logText().split(separator: "\n").map(String.init)
        let rootReady = try #require(index(lines, "root: starting -> ready"))
        let aStarts = try #require(index(lines, "a: waiting -> starting"))
        let bStarts = try #require(index(lines, "b: waiting -> starting"))
        #expect(rootReady < aStarts && rootReady < bStarts)
        try harness.stop()
    }

    private func timestamp(_ line: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return try #require(formatter.date(from: String(line.prefix(24))))
    }
}

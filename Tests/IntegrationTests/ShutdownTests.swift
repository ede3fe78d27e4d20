import Foundation
import Testing

/// How agents end when the supervisor does.
@Suite("shutdown", .serialized)
struct ShutdownTests {
    private func chainManifest(_ ports: [Int], extra: String = "") -> String {
        """
        defaults:
          host: mainpc
          command: ["${SUPERVISOR_BIN_DIR}/agent-sim"\(extra)]
          health: {kind: zmq}
        agents:
          store:
            health: {port: \(ports[0])}
          cache:
            health: {port: \(ports[1])}
            depends_on: [store]
          api:
            health: {port: \(ports[2])}
            depends_on: [cache]
          web:
            health: {port: \(ports[3])}
            depends_on: [cache]
        """
    }

    @Test("SIGTERM: every agent gone, dependents stopped before their dependencies, exit 0")
    func sigtermStopsInReverseOrder() throws {
        let harness = try SupervisorHarness(manifest: chainManifest(try PortAllocator.free(4)))
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("ready: 4/4")
        let pids = ["store", "cache", "api", "web"].compactMap { harness.pids(of: $0).first }
        #expect(pids.count == 4)
        #expect(try harness.stop(signal: SIGTERM) == 0)
        for pid in pids { #expect(!processIsAlive(pid)) }

        let lines = harness.logText().split(separator: "\n").map(String.init)
        func first(_ fragment: String) -> Int? { lines.firstIndex { $0.contains(fragment) } }
        let cacheStops = try #require(first("cache: ready -> stopping"))
        let storeStops = try #require(first("store: ready -> stopping"))
        for dependent in ["api", "web"] {
            let exited = try #require(first("\(dependent): stopping -> stopped"))
            #expect(exited < cacheStops, "\(dependent) must be gone before cache is stopped")
        }
        let cacheExited = try #require(first("cache: stopping -> stopped"))
        #expect(cacheExited < storeStops)
        #expect(harness.logText().contains("supervisor stopped"))
    }

    @Test("an agent that ignores its stop signal is killed after stop.timeout")
    func stubbornAgentIsKilled() throws {
        let port = try PortAllocator.free()
        let harness = try SupervisorHarness(manifest: """
            agents:
              stubborn:
                host: mainpc
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ignore-sigterm"]
                health: {kind: zmq, port: \(port)}
                stop: {signal: SIGTERM, timeout: 500ms}
            """)
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("ready: 1/1")
        let pid = try #require(harness.pids(of: "stubborn").first)
        #expect(try harness.stop(signal: SIGINT) == 0)
        #expect(!processIsAlive(pid))
        #expect(!harness.lines("sent SIGKILL to stubborn").isEmpty)
    }

    @Test("SIGKILL of the supervisor: no agent process survives it")
    func sigkillLeavesNoAgent() throws {
        let harness = try SupervisorHarness(manifest: chainManifest(try PortAllocator.free(4), extra: #", "--children", "2""#))
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("ready: 4/4")
        let pids = ["store", "cache", "api", "web"].compactMap { harness.pids(of: $0).first }
        #expect(pids.count == 4)
        _ = try harness.stop(signal: SIGKILL)
        #expect(eventually { pids.allSatisfy { !processIsAlive($0) } }, "agents outlived a SIGKILLed supervisor")
    }
}

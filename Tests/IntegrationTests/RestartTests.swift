import Foundation
import Testing

/// Crashes, failed health checks and crash loops with real processes.
@Suite("restarts", .serialized)
struct RestartTests {
    @Test("kill -9 of an agent: respawned and ready again")
    func killedAgentIsRespawned() throws {
        let port = try PortAllocator.free()
        let harness = try SupervisorHarness(manifest: """
            agents:
              worker:
                host: mainpc
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "100ms"]
                health: {kind: zmq, port: \(port)}
            """)
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("ready: 1/1")
        let first = try #require(harness.pids(of: "worker").first)
        kill(first, SIGKILL)
        try harness.waitForLine("worker exited: signal 9")
        #expect(eventually { harness.lines("worker: starting -> ready").count == 2 })
        let pids = harness.pids(of: "worker")
        #expect(pids.count == 2)
        let second = try #require(pids.last)
        #expect(second != first)
        #expect(processIsAlive(second))
        try harness.stop()
    }

    @Test("a crash-looping agent is marked failed while the others keep running")
    func crashLoopEndsInFailed() throws {
        let ports = try PortAllocator.free(2)
        let harness = try SupervisorHarness(manifest: """
            defaults:
              host: mainpc
              health: {kind: zmq}
              restart: {backoff: {initial: 100ms, max: 200ms}, max_restarts: 2, window: 1m}
            agents:
              steady:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
                health: {port: \(ports[0])}
              crashy:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "1h", "--crash-after", "50ms", "--exit-code", "7"]
                health: {port: \(ports[1])}
              dependent:
                command: ["/bin/sleep", "1000"]
                health: {kind: none}
                depends_on: [crashy]
            """)
        defer { harness.cleanUp() }
        try harness.start()
        let failed = try harness.waitForLine("crashy: ", "-> failed")
        #expect(failed.contains("exit code 7"))
        #expect(harness.pids(of: "crashy").count == 3, "one start plus max_restarts 2")
        let summary = try harness.waitForLine("ready: 1/3 agents")
        #expect(summary.contains("ready: 1/3"))
        try harness.waitForLine("blocked: dependent (waits for crashy)")
        let steady = try #require(harness.pids(of: "steady").first)
        #expect(processIsAlive(steady))
        #expect(harness.pids(of: "dependent").isEmpty)
        try harness.stop()
    }

    @Test("failed liveness checks restart the agent")
    func unhealthyAgentIsRestarted() throws {
        let port = try PortAllocator.free()
        let harness = try SupervisorHarness(manifest: """
            agents:
              flaky:
                host: mainpc
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--unhealthy-after", "500ms"]
                health: {kind: zmq, port: \(port), interval: 200ms, retries: 2}
                restart: {backoff: {initial: 100ms}}
            """)
        defer { harness.cleanUp() }
        try harness.start()
        let stopping = try harness.waitForLine("flaky: ready -> stopping", "health check failed 2 times")
        #expect(stopping.contains("unhealthy"))
        #expect(eventually { harness.pids(of: "flaky").count >= 2 })
        try harness.stop()
    }

    @Test("an agent not ready within start_period is a failed start and restarts")
    func startTimeoutRestarts() throws {
        let port = try PortAllocator.free()
        let harness = try SupervisorHarness(manifest: """
            agents:
              sleepy:
                host: mainpc
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "1h"]
                health: {kind: zmq, port: \(port), start_period: 500ms}
                restart: {backoff: {initial: 100ms}, max_restarts: 1}
            """)
        defer { harness.cleanUp() }
        try harness.start()
        let line = try harness.waitForLine("sleepy: starting -> stopping", "not ready within 500ms")
        #expect(line.contains("initializing"))
        try harness.waitForLine("sleepy: ", "-> failed")
        #expect(harness.pids(of: "sleepy").count == 2)
        try harness.stop()
    }

    @Test("a command that does not exist is that agent's failed start, not a crash of the supervisor")
    func missingCommandIsAFailedStart() throws {
        let harness = try SupervisorHarness(manifest: """
            agents:
              ghost:
                host: mainpc
                command: ["/nonexistent/agent"]
                restart: {policy: never}
              alive:
                host: mainpc
                command: ["/bin/sleep", "1000"]
            """)
        defer { harness.cleanUp() }
        try harness.start()
        let failed = try harness.waitForLine("ghost: starting -> failed")
        #expect(failed.contains("No such file or directory (errno 2)"))
        try harness.waitForLine("ready: 1/2 agents")
        #expect(try harness.stop() == 0)
    }
}

import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// The reactor in-process, with real agent processes, from start-up to shutdown.
@Suite("Reactor starts, supervises and stops real agents")
struct ReactorTests {
    private static let sleepers = """
        agents:
          base:
            host: testhost
            command: ["/bin/sleep", "1000"]
            health: {kind: none, start_period: 200ms}
          dependent:
            host: testhost
            command: ["/bin/sleep", "1000"]
            health: {kind: none, start_period: 200ms}
            depends_on: [base]
          loner:
            host: testhost
            command: ["/bin/sleep", "1000"]
            health: {kind: none, start_period: 200ms}
        """

    private func index(_ transitions: [AgentTransition], _ agent: String, to state: AgentState) -> Int? {
        transitions.firstIndex { $0.agent == agent && $0.to == state }
    }

    @Test("start-up readies every agent in dependency order; shutdown stops dependents first and leaves no process")
    func startAndShutDown() throws {
        let harness = try ReactorHarness(manifest: Self.sleepers)
        defer { harness.cleanup() }
        harness.start()
        let summary = try #require(harness.waitForStartup())
        #expect(summary.ready == 3)
        #expect(summary.total == 3)
        #expect(summary.failed.isEmpty)

        let started = harness.transitions
        let pids = harness.readyPids
        #expect(Set(started.filter { $0.to == .ready }.map(\.agent)) == ["base", "dependent", "loner"])
        try #require(pids.count == 3)
        for pid in pids {
            #expect(ProcessState.isAlive(pid), "agent pid \(pid) runs")
            #expect(getpgid(pid) == pid, "agent pid \(pid) leads its own process group")
        }
        let baseReady = try #require(index(started, "base", to: .ready))
        let dependentStarting = try #require(index(started, "dependent", to: .starting))
        #expect(baseReady < dependentStarting, "the dependent starts only once its dependency is ready")

        #expect(harness.shutDown() == 0)
        for pid in pids { #expect(!ProcessState.isAlive(pid), "agent pid \(pid) is gone after shutdown") }

        let all = harness.transitions
        for agent in ["base", "dependent", "loner"] {
            let stopping = try #require(index(all, agent, to: .stopping), "\(agent) was asked to stop")
            let stopped = try #require(index(all, agent, to: .stopped), "\(agent) stopped")
            #expect(stopping < stopped)
            #expect(all[stopped].from == .stopping)
        }
        let dependentStopped = try #require(index(all, "dependent", to: .stopped))
        let baseStopping = try #require(index(all, "base", to: .stopping))
        #expect(dependentStopped < baseStopping, "the dependent is stopped before its dependency is asked to stop")
        #expect(harness.supervisorLog.contains("supervisor stopped"))
    }

    @Test("an agent that keeps crashing ends in failed, and supervisor.log says so")
    func crashLoopEndsInFailed() throws {
        let harness = try ReactorHarness(manifest: """
            agents:
              crasher:
                host: testhost
                command: ["/bin/sh", "-c", "echo about to fail; echo bad >&2; exit 1"]
                restart: {max_restarts: 1, backoff: {initial: 50ms}}
            """)
        defer { harness.cleanup() }
        harness.start()
        let failed = try #require(harness.waitForTransition { $0.agent == "crasher" && $0.to == .failed })
        #expect(failed.reason.contains("exit code 1"))
        let summary = try #require(harness.waitForStartup())
        #expect(summary.ready == 0)
        #expect(summary.failed.map(\.agent) == ["crasher"])
        // One start and one restart before giving up.
        #expect(harness.transitions.filter { $0.agent == "crasher" && $0.to == .starting }.count == 2)

        #expect(waitUntil { harness.supervisorLog.contains("crasher: starting -> failed") })
        // Both runs' output reaches the agent's log, line by line, with its stream.
        #expect(waitUntil {
            let log = harness.agentLog("crasher")
            return log.components(separatedBy: " out about to fail\n").count == 3
                && log.components(separatedBy: " err bad\n").count == 3
        }, "agent log: \(harness.agentLog("crasher"))")
        #expect(harness.shutDown() == 0)
    }

    @Test("an agent that cannot be started fails, blocks its dependent, and its log says why")
    func spawnFailureBlocksDependent() throws {
        let harness = try ReactorHarness(manifest: """
            agents:
              broken:
                host: testhost
                command: ["no-such-agent-binary"]
                restart: {policy: never}
              waiter:
                host: testhost
                command: ["/bin/sleep", "1000"]
                depends_on: [broken]
            """)
        defer { harness.cleanup() }
        harness.start()
        let summary = try #require(harness.waitForStartup())
        #expect(summary.ready == 0)
        #expect(summary.failed.map(\.agent) == ["broken"])
        #expect(summary.blocked.map(\.agent) == ["waiter"])
        #expect(summary.blocked.map(\.blockedBy) == ["broken"])
        #expect(!harness.transitions.contains { $0.agent == "waiter" && $0.to == .starting })
        #expect(harness.agentLog("broken").contains("err supervisor: cannot start broken: no-such-agent-binary"))
        #expect(harness.shutDown() == 0)
        let waiterStopped = harness.transitions.last { $0.agent == "waiter" }
        #expect(waiterStopped?.to == .stopped)
    }

    /// An agent that printed a line without newline and then waits to be stopped.
    private static func talker(_ script: String) -> String {
        """
        agents:
          talker:
            host: testhost
            command: ["/bin/sh", "-c", "\(script)"]
            health: {kind: none, start_period: 100ms}
        """
    }

    @Test("the trailing partial line of an agent stopped at shutdown reaches its log")
    func partialLineAtShutdown() throws {
        let harness = try ReactorHarness(manifest: Self.talker("printf 'last words'; exec sleep 1000"))
        defer { harness.cleanup() }
        harness.start()
        _ = try #require(harness.waitForStartup())
        #expect(harness.shutDown() == 0)
        #expect(harness.agentLog("talker").contains(" out last words\n"), "log: \(harness.agentLog("talker"))")
    }

    @Test("the trailing partial line is logged even when a child of the agent held the pipe")
    func partialLineAtShutdownWithChild() throws {
        // The child ignores SIGTERM, so the pipe reaches end of file only after the reap's group
        // SIGKILL, after the last agent is reaped: the reactor drains such pipes before it returns.
        let harness = try ReactorHarness(manifest: Self.talker("printf 'last words'; (trap '' TERM; exec sleep 1000) & wait"))
        defer { harness.cleanup() }
        harness.start()
        _ = try #require(harness.waitForStartup())
        #expect(harness.shutDown() == 0)
        #expect(harness.agentLog("talker").contains(" out last words\n"), "log: \(harness.agentLog("talker"))")
    }
}

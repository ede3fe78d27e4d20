import Foundation
import Testing
@testable import SupervisorModel

/// The cause the I/O layer reads from an agent's output reaches the exit record, status, the
/// state changes, the error actions and the start-up summary, when the exit was not asked for.
@Suite("HostSupervisor failure causes")
struct HostSupervisorCauseTests {
    static let yaml = """
        defaults:
          host: h
          command: [/usr/bin/python3, agent.py]
          health: {kind: none, start_period: 1s}
          restart: {max_restarts: 1, window: 60s, backoff: {initial: 1s}}
        agents:
          Registry: {required: true}
          Twin: {depends_on: [Registry]}
          Quiet: {restart: {policy: on-failure}}
        """

    static let addressInUse = FailureCause(
        kind: .pythonException, message: "OSError: [Errno 98] Address already in use", location: "base_agent.py:778",
        exception: "OSError", stream: .stderr)

    static let lastLine = FailureCause(kind: .lastLine, message: "shutting down", stream: .stderr)

    private func announced(_ actions: [SupervisorAction]) -> [AgentTransition] {
        actions.compactMap { if case .announce(let change) = $0 { change } else { nil } }
    }

    @Test("a crash keeps its cause in the exit record and status, and says it on the state change and error")
    func crashCarriesCause() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        let actions = driver.send(.exited(agent: "Registry", status: .code(1), cause: Self.addressInUse))
        #expect(driver.runtime("Registry")?.lastExit?.cause == Self.addressInUse)
        let restart = try #require(announced(actions).first { $0.agent == "Registry" })
        #expect(restart.to == .starting)
        #expect(restart.cause == Self.addressInUse)
        let failures = actions.compactMap { if case .agentFailed(_, _, let givingUp, let cause) = $0 { (givingUp, cause) } else { nil } }
        #expect(failures.count == 1)
        #expect(failures.first?.0 == false)
        #expect(failures.first?.1 == Self.addressInUse)

        let status = driver.supervisor.status(of: ["Registry"], now: driver.now, supervisorPid: 1)
        #expect(status.agents.first?.cause == Self.addressInUse)
    }

    @Test("giving up: the failed state change, the error and the start-up summary name the cause")
    func givingUpNamesCause() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        driver.send(.exited(agent: "Registry", status: .code(1), cause: Self.addressInUse))
        let actions = driver.send(.exited(agent: "Registry", status: .code(1), cause: Self.addressInUse))
        #expect(driver.state("Registry") == .failed)
        #expect(announced(actions).first { $0.to == .failed }?.cause == Self.addressInUse)
        #expect(actions.contains(.agentFailed(agent: "Registry", summary: "exit code 1", givingUp: true, cause: Self.addressInUse)))
        driver.advance(to: 5)
        let summary = try #require(driver.summaries.first)
        #expect(summary.failed.map(\.agent) == ["Registry"])
        #expect(summary.failed.first?.cause == Self.addressInUse)
        #expect(summary.blocked.map(\.agent) == ["Twin"])
    }

    @Test("an exit 0 that the policy does not restart keeps the `Error in main:` cause")
    func cleanExitWithErrorInMain() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        driver.advance(to: 2)
        let cause = FailureCause(kind: .errorInMain, message: "Error in main: [Errno 98] Address already in use", stream: .stderr)
        let actions = driver.send(.exited(agent: "Quiet", status: .code(0), cause: cause))
        #expect(driver.state("Quiet") == .exited)
        #expect(announced(actions).first?.cause == cause)
        #expect(driver.supervisor.status(of: ["Quiet"], now: driver.now, supervisorPid: 1).agents.first?.cause == cause)
    }

    @Test("a stop or restart that was asked for has no cause, whatever the agent said last")
    func requestedEndsHaveNoCause() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        driver.advance(to: 2)
        _ = driver.supervisor.apply(.stop(selection: ["Quiet"]), now: driver.now)
        let stopped = driver.send(.exited(agent: "Quiet", status: .signal(15, coreDumped: false), cause: Self.lastLine))
        #expect(driver.state("Quiet") == .stopped)
        #expect(driver.runtime("Quiet")?.lastExit?.cause == nil)
        #expect(announced(stopped).allSatisfy { $0.cause == nil })

        let (_, restartActions) = driver.supervisor.apply(.restart(selection: ["Twin"]), now: driver.now)
        #expect(announced(restartActions).first?.to == .stopping)
        driver.send(.exited(agent: "Twin", status: .signal(15, coreDumped: false), cause: Self.addressInUse))
        #expect(driver.runtime("Twin")?.lastExit?.reason == "restarted")
        #expect(driver.runtime("Twin")?.lastExit?.cause == nil)
    }

    @Test("an exit the supervisor caused (start timeout) keeps only a cause that names an error")
    func startTimeoutKeepsOnlyNamedErrors() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {host: h, command: [/bin/a], health: {kind: tcp, start_period: 5s}}
            agents:
              Slow: {health: {port: 7000}}
              Stuck: {health: {port: 7001}}
            """)
        driver.send(.startAll)
        driver.advance(to: 5)
        #expect(driver.state("Slow") == .stopping)
        driver.send(.exited(agent: "Slow", status: .signal(15, coreDumped: false), cause: Self.lastLine))
        #expect(driver.runtime("Slow")?.lastExit?.reason == "start_timeout")
        #expect(driver.runtime("Slow")?.lastExit?.cause == nil)
        driver.send(.exited(agent: "Stuck", status: .signal(15, coreDumped: false), cause: Self.addressInUse))
        #expect(driver.runtime("Stuck")?.lastExit?.cause == Self.addressInUse)
    }

    @Test("a failed start: the launcher's reason is the cause")
    func spawnFailure() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.failingSpawns["Registry"] = "no such file or directory: /usr/bin/python3"
        driver.send(.startAll)
        let cause = try #require(driver.runtime("Registry")?.lastExit?.cause)
        #expect(cause.kind == .spawnFailed)
        #expect(cause.message == "no such file or directory: /usr/bin/python3")
    }

    @Test("an OOM kill by the kernel keeps a traceback but not a stray last line")
    func outOfMemory() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        driver.send(.oomKilled(agent: "Registry", status: .signal(9, coreDumped: false), cause: Self.lastLine))
        #expect(driver.runtime("Registry")?.lastExit?.reason == "oom")
        #expect(driver.runtime("Registry")?.lastExit?.cause == nil)
        let memoryError = FailureCause(kind: .pythonException, message: "MemoryError", location: "loader.py:12", exception: "MemoryError")
        driver.send(.oomKilled(agent: "Registry", status: .signal(9, coreDumped: false), cause: memoryError))
        #expect(driver.runtime("Registry")?.lastExit?.cause == memoryError)
    }
}

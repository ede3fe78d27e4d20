import Foundation
import Testing
@testable import SupervisorModel

/// Start order and readiness: agents start the moment their dependencies are ready.
@Suite("HostSupervisor start-up")
struct HostSupervisorTests {
    /// Agents of host `h` running `/bin/a`, ready after 1 s by default (no health check).
    static let header = """
        defaults:
          host: h
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
        agents:

        """

    @Test("an agent starts only when all its dependencies are ready")
    func waitsForAllDependencies() throws {
        var driver = try SupervisorDriver(yaml: Self.header + """
              A: {}
              B: {health: {start_period: 3s}}
              C: {depends_on: [A, B]}
            """)
        #expect(driver.send(.startAll).spawned == ["A", "B"])
        #expect(driver.state("C") == .waiting)
        driver.advance(to: 1)
        #expect(driver.state("A") == .ready)
        #expect(driver.state("C") == .waiting)
        #expect(driver.supervisor.blockers(of: "C") == ["B"])
        #expect(driver.advance(to: 3).spawned == ["C"])
        #expect(driver.spawnTimes("C") == [3])
    }

    @Test("start-up is not level by level: a fast branch goes on while a slow sibling starts")
    func notLevelByLevel() throws {
        var driver = try SupervisorDriver(yaml: Self.header + """
              Root: {}
              Slow: {depends_on: [Root], health: {start_period: 10s}}
              Fast: {depends_on: [Root]}
              AfterFast: {depends_on: [Fast]}
              AfterSlow: {depends_on: [Slow]}
            """)
        driver.send(.startAll)
        driver.advance(to: 2)
        #expect(driver.spawnTimes("AfterFast") == [2])
        #expect(driver.state("Slow") == .starting)
        driver.advance(to: 20)
        #expect(driver.spawnTimes("Root") == [0])
        #expect(driver.spawnTimes("Slow") == [1])
        #expect(driver.spawnTimes("Fast") == [1])
        #expect(driver.spawnTimes("AfterSlow") == [11])
        let summary = try #require(driver.summaries.first)
        #expect(driver.summaries.count == 1)
        #expect(summary.ready == 5 && summary.total == 5)
        #expect(summary.elapsed == 12)
        #expect(summary.criticalPath == 12)
        #expect(summary.criticalChain == ["Root", "Slow", "AfterSlow"])
        #expect(summary.failed.isEmpty && summary.blocked.isEmpty && summary.requiredMissing.isEmpty)
        #expect(summary.headline == "ready: 5/5 agents in 12.00 s (critical path 12.00 s)")
        #expect(driver.supervisor.phase == .running)
    }

    @Test("members of a cycle spawn together once their outside dependencies are ready")
    func cycleStartsTogether() throws {
        var driver = try SupervisorDriver(yaml: Self.header + """
              Base: {health: {start_period: 2s}}
              X: {depends_on: [Y, Base]}
              Y: {depends_on: [Z]}
              Z: {depends_on: [X]}
              Top: {depends_on: [Z]}
            """)
        #expect(driver.send(.startAll).spawned == ["Base"])
        #expect(driver.advance(to: 1.5).spawned.isEmpty)
        #expect(driver.advance(to: 2).spawned == ["X", "Y", "Z"])
        #expect(driver.advance(to: 3).spawned == ["Top"])
        driver.advance(to: 4)
        #expect(driver.summaries.first?.ready == 5)
    }

    @Test("a dependency that crashes before its dependent started holds it back until ready again")
    func dependencyCrashHoldsBack() throws {
        var driver = try SupervisorDriver(yaml: Self.header + """
              A: {}
              B: {health: {start_period: 3s}}
              C: {depends_on: [A, B]}
            """)
        driver.send(.startAll)
        driver.advance(to: 2.5)
        #expect(driver.exit("A", code: 1).spawned == ["A"])
        #expect(driver.advance(to: 3).spawned.isEmpty, "B is ready, but A is starting again")
        #expect(driver.supervisor.blockers(of: "C") == ["A"])
        #expect(driver.advance(to: 3.5).spawned == ["C"])
    }

    static let probed = """
        defaults: {host: h, command: [/bin/a]}
        agents:
          Service: {health: {kind: zmq, port: 7000, start_period: 30s, interval: 5s}}
          Client: {depends_on: [Service]}
        """

    @Test("a probed agent: probe at spawn, again 10 ms after not-ready, ready when healthy")
    func probeFlow() throws {
        var driver = try SupervisorDriver(yaml: Self.probed)
        let started = driver.send(.startAll)
        #expect(started.spawned == ["Service"])
        #expect(started.contains(.probe(agent: "Service", generation: 1)))
        #expect(started.contains(.setTimer(TimerKey(agent: "Service", kind: .startDeadline, generation: 1), after: 30)))
        #expect(driver.runtime("Service")?.pid == 1000)

        let notReady = try driver.answerProbe("Service", .notReady("initializing"))
        let probeKey = TimerKey(agent: "Service", kind: .probe, generation: 1)
        #expect(notReady == [.setTimer(probeKey, after: HostSupervisor.startupProbeInterval)])
        #expect(HostSupervisor.startupProbeInterval == 0.005)
        #expect(driver.state("Service") == .starting)
        #expect(driver.runtime("Service")?.lastProbeProblem == "initializing")

        #expect(driver.advance(to: 0.005) == [.probe(agent: "Service", generation: 1)])
        let healthy = try driver.answerProbe("Service", .healthy)
        #expect(healthy.transitions == ["Service:ready", "Client:starting"])
        #expect(healthy.contains(.setTimer(probeKey, after: 5)))
        #expect(healthy.spawned == ["Client"])
        #expect(driver.runtime("Service")?.lastReadyDuration == 0.005)
        #expect(driver.runtime("Service")?.readyAt == 0.005)
    }

    @Test("an unhealthy answer during start-up is retried too, until the deadline")
    func unhealthyDuringStartup() throws {
        var driver = try SupervisorDriver(yaml: Self.probed)
        driver.send(.startAll)
        let actions = try driver.answerProbe("Service", .unhealthy("connection refused"))
        #expect(actions.timers.map(\.after) == [HostSupervisor.startupProbeInterval])
        #expect(driver.state("Service") == .starting)
    }

    @Test("an agent without a check is ready once it stayed up for start_period")
    func noCheckReadyAfterStartPeriod() throws {
        var driver = try SupervisorDriver(yaml: Self.header + """
              Quiet: {health: {start_period: 2s}}
            """)
        let started = driver.send(.startAll)
        #expect(started.timers.map(\.key) == [TimerKey(agent: "Quiet", kind: .startPeriodPassed, generation: 1)])
        #expect(started.timers.map(\.after) == [2])
        #expect(!started.contains { if case .probe = $0 { true } else { false } })
        driver.advance(to: 1.99)
        #expect(driver.state("Quiet") == .starting)
        let ready = driver.advance(to: 2)
        #expect(ready.transitions == ["Quiet:ready"])
        #expect(ready.timers.isEmpty, "no liveness probes without a check")
    }

    @Test("probe results and timers of an older generation are ignored")
    func staleGenerationIgnored() throws {
        var driver = try SupervisorDriver(yaml: Self.probed)
        driver.send(.startAll)
        #expect(driver.exit("Service", code: 1).spawned == ["Service"])
        #expect(driver.runtime("Service")?.generation == 2)
        #expect(driver.send(.probed(agent: "Service", generation: 1, outcome: .healthy)).isEmpty)
        #expect(driver.state("Service") == .starting)
        let oldDeadline = TimerKey(agent: "Service", kind: .startDeadline, generation: 1)
        #expect(driver.send(.timerFired(oldDeadline)).isEmpty)
        #expect(driver.state("Service") == .starting)
        try driver.answerProbe("Service", .healthy)
        #expect(driver.state("Service") == .ready)
    }

    @Test("the start deadline of a start that became ready is ignored")
    func deadlineAfterReadyIgnored() throws {
        var driver = try SupervisorDriver(yaml: Self.probed)
        driver.send(.startAll)
        try driver.answerProbe("Service", .healthy)
        driver.advance(to: 29)
        try driver.answerProbe("Service", .healthy)
        let atDeadline = driver.advance(to: 30)
        #expect(atDeadline.signals.isEmpty)
        #expect(driver.state("Service") == .ready)
    }

    @Test("a second startAll and events for unknown agents change nothing")
    func ignoredEvents() throws {
        var driver = try SupervisorDriver(yaml: Self.header + "  A: {}\n")
        driver.send(.startAll)
        #expect(driver.send(.startAll).isEmpty)
        #expect(driver.send(.spawned(agent: "Ghost", pid: 1)).isEmpty)
        #expect(driver.send(.exited(agent: "Ghost", status: .code(1))).isEmpty)
        #expect(driver.send(.probed(agent: "Ghost", generation: 1, outcome: .healthy)).isEmpty)
        #expect(driver.spawnTimes("A") == [0])
    }

    @Test("the supervisor of one host only sees that host's agents")
    func oneHost() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {command: [/bin/a]}
            agents:
              Here: {host: h}
              There: {host: other}
            """)
        #expect(driver.supervisor.order == ["Here"])
        #expect(driver.send(.startAll).spawned == ["Here"])
    }
}

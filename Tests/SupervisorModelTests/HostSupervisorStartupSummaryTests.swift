import Foundation
import Testing
@testable import SupervisorModel

/// The end of start-up: who is ready, who failed, who is blocked by whom.
@Suite("HostSupervisor start-up summary")
struct HostSupervisorStartupSummaryTests {
    static let yaml = """
        defaults:
          host: h
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
        agents:
          Broken: {required: true, restart: {policy: never}}
          Needs: {depends_on: [Broken], required: true}
          Further: {depends_on: [Needs]}
          Fine: {}
          Slowish: {health: {start_period: 4s}}
        """

    func startedDriver() throws -> SupervisorDriver {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.failingSpawns["Broken"] = "permission denied"
        driver.send(.startAll)
        return driver
    }

    @Test("dependents of a failed agent stay waiting")
    func dependentsWait() throws {
        var driver = try startedDriver()
        driver.advance(to: 100)
        #expect(driver.state("Broken") == .failed)
        #expect(driver.state("Needs") == .waiting)
        #expect(driver.state("Further") == .waiting)
        #expect(driver.spawnTimes("Needs").isEmpty && driver.spawnTimes("Further").isEmpty)
        #expect(driver.supervisor.blockers(of: "Needs") == ["Broken"])
    }

    @Test("the summary waits for every agent that can still become ready")
    func summaryWaitsForPending() throws {
        var driver = try startedDriver()
        #expect(driver.summaries.isEmpty)
        driver.advance(to: 3.9)
        #expect(driver.summaries.isEmpty)
        #expect(driver.supervisor.phase == .starting)
        driver.advance(to: 4)
        #expect(driver.summaries.count == 1)
        #expect(driver.supervisor.phase == .running)
    }

    @Test("the summary lists the failed agent, the blocked ones with their root cause, and the ready count")
    func summaryContents() throws {
        var driver = try startedDriver()
        driver.advance(to: 10)
        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == 2)
        #expect(summary.total == 5)
        #expect(summary.elapsed == 4)
        #expect(summary.failed.map(\.agent) == ["Broken"])
        #expect(summary.failed.first?.reason == "failed to start: permission denied")
        #expect(summary.blocked.map(\.agent) == ["Needs", "Further"])
        #expect(summary.blocked.map(\.blockedBy) == ["Broken", "Broken"])
        #expect(summary.requiredMissing == ["Broken", "Needs"])
        #expect(summary.criticalPath == 4)
        #expect(summary.criticalChain == ["Slowish"])
        #expect(summary.headline == "ready: 2/5 agents in 4.00 s (critical path 4.00 s)")
    }

    @Test("the summary is emitted exactly once, whatever happens afterwards")
    func summaryOnce() throws {
        var driver = try startedDriver()
        driver.advance(to: 5)
        #expect(driver.summaries.count == 1)
        driver.exit("Fine", code: 1)
        driver.advance(to: 20)
        driver.exit("Slowish", code: 0)
        driver.advance(to: 40)
        #expect(driver.state("Fine") == .ready)
        #expect(driver.summaries.count == 1)
        driver.send(.shutdown)
        #expect(driver.summaries.count == 1)
    }

    @Test("an agent given up on during start-up is listed with its crash-loop reason")
    func crashLoopDuringStartup() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {host: h, command: [/bin/a], health: {kind: none, start_period: 1s}}
            agents:
              Flaky: {restart: {max_restarts: 1, window: 60s, backoff: {initial: 1s}}}
              User: {depends_on: [Flaky]}
            """)
        driver.send(.startAll)
        driver.exit("Flaky", code: 3)
        #expect(driver.summaries.isEmpty)
        driver.exit("Flaky", code: 3)
        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == 0)
        #expect(summary.failed.map(\.agent) == ["Flaky"])
        #expect(summary.failed.first?.reason.contains("exit code 3") == true)
        #expect(summary.failed.first?.reason.contains("giving up") == true)
        #expect(summary.blocked.map(\.agent) == ["User"])
        #expect(summary.requiredMissing.isEmpty)
    }

    @Test("the critical path is weighed with measured spawn-to-ready times")
    func measuredCriticalPath() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {host: h, command: [/bin/a], health: {kind: none}}
            agents:
              A: {health: {start_period: 1s}}
              B: {depends_on: [A], health: {start_period: 1s}}
              C: {depends_on: [B], health: {start_period: 1s}}
              Long: {health: {start_period: 2500ms}}
            """)
        driver.send(.startAll)
        driver.advance(to: 10)
        let summary = try #require(driver.summaries.first)
        #expect(summary.criticalChain == ["A", "B", "C"])
        #expect(summary.criticalPath == 3)
        #expect(summary.elapsed == 3)
        #expect(driver.runtime("Long")?.lastReadyDuration == 2.5)
    }
}

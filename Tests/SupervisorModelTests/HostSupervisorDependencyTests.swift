import Foundation
import Testing
@testable import SupervisorModel

/// Dependency conditions: `required: false` lets go of a dependency that failed, cannot start
/// or was not ready within its start period; `condition: started` waits only for the spawn;
/// `keepGoing` lets go of every dependency that failed.
@Suite("HostSupervisor dependency conditions")
struct HostSupervisorDependencyTests {
    /// Agents of host `h`, ready after 1 s; one restart allowed, so a spawn that always fails
    /// gives up at once.
    static let header = """
        defaults:
          host: h
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
          restart: {max_restarts: 1, window: 1m, backoff: {initial: 1s}}
        agents:

        """

    /// A driver whose `Root` can never be spawned.
    func brokenRoot(_ agents: String, keepGoing: Bool = false) throws -> SupervisorDriver {
        var driver = try SupervisorDriver(yaml: Self.header + "  Root: {}\n" + agents, keepGoing: keepGoing)
        driver.failingSpawns["Root"] = "No such file or directory"
        return driver
    }

    @Test("a failed dependency that is not required no longer holds back; a required one does")
    func optionalFailed() throws {
        var driver = try brokenRoot("""
              Optional: {depends_on: [{name: Root, required: false}]}
              Strict: {depends_on: [Root]}
            """)
        driver.send(.startAll)
        #expect(driver.state("Root") == .failed)
        #expect(driver.state("Optional") == .starting)
        #expect(driver.reasons("Optional", to: .starting) == ["started without Root (failed)"])
        #expect(driver.state("Strict") == .waiting)
        #expect(driver.supervisor.blockers(of: "Strict") == ["Root"])
        #expect(driver.supervisor.blockers(of: "Optional").isEmpty)

        driver.advance(to: 1)
        #expect(driver.state("Optional") == .ready)
        let status = try #require(driver.status("Optional"))
        #expect(status.startedWithout == ["Root"])
        #expect(status.startedWithoutDetail == "started without Root (failed)")
        #expect(driver.status("Strict")?.startedWithout == nil)

        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == 1 && summary.total == 3)
        #expect(summary.failed.map(\.agent) == ["Root"])
        #expect(summary.blocked.map(\.agent) == ["Strict"] && summary.blocked.map(\.blockedBy) == ["Root"])
        #expect(summary.startedWithout.map(\.agent) == ["Optional"])
        #expect(summary.startedWithout.first?.skipped == [SkippedDependency(agent: "Root", why: .down(.failed))])
    }

    @Test("a dependency that is not required is waited for while it can still become ready in time")
    func optionalInTime() throws {
        var driver = try SupervisorDriver(yaml: Self.header + """
              Root: {health: {kind: tcp, port: 7000, start_period: 5s}}
              Optional: {depends_on: [{name: Root, required: false}]}
            """)
        #expect(driver.send(.startAll).spawned == ["Root"])
        driver.advance(to: 4.9)
        #expect(driver.state("Optional") == .waiting)
        #expect(driver.supervisor.blockers(of: "Optional") == ["Root"])
        #expect(try driver.answerProbe("Root", .healthy).spawned == ["Optional"])
        #expect(driver.reasons("Optional", to: .starting) == ["dependencies ready"])
        driver.advance(to: 6)
        #expect(driver.status("Optional")?.startedWithout == nil)
        #expect(driver.summaries.first?.startedWithout.isEmpty == true)
    }

    @Test("a dependency that is not required and not ready within its start period no longer holds back")
    func optionalTooSlow() throws {
        var driver = try SupervisorDriver(yaml: Self.header + """
              Root: {health: {kind: tcp, port: 7000, start_period: 5s}}
              Optional: {depends_on: [{name: Root, required: false}]}
              Strict: {depends_on: [Root]}
            """)
        driver.send(.startAll)
        #expect(driver.advance(to: 5).spawned == ["Optional"])
        #expect(driver.state("Root") == .stopping)
        #expect(driver.reasons("Optional", to: .starting) == ["started without Root (not ready within 5s)"])
        #expect(driver.state("Strict") == .waiting)
        // Root restarts and comes up late: the required dependent starts then, the other is left alone.
        #expect(driver.kill("Root", signal: 15).spawned == ["Root"])
        #expect(try driver.answerProbe("Root", .healthy).spawned == ["Strict"])
        #expect(driver.spawnTimes("Optional") == [5])
    }

    @Test("an agent that waits behind a failure counts as down for dependents that do not require it")
    func optionalBlocked() throws {
        var driver = try brokenRoot("""
              Mid: {depends_on: [Root]}
              Top: {depends_on: [{name: Mid, required: false}]}
            """)
        driver.send(.startAll)
        #expect(driver.state("Mid") == .waiting)
        #expect(driver.reasons("Top", to: .starting) == ["started without Mid (waits for Root, which failed)"])
        driver.advance(to: 1)
        let summary = try #require(driver.summaries.first)
        #expect(summary.blocked.map(\.agent) == ["Mid"])
        #expect(summary.startedWithout.first?.skipped == [SkippedDependency(agent: "Mid", why: .blocked(by: "Root", state: .failed))])
    }

    @Test("condition started: the dependent starts once the dependency's process runs, ready or not")
    func conditionStarted() throws {
        var driver = try SupervisorDriver(yaml: Self.header + """
              Root:
                health: {kind: tcp, port: 7000, start_period: 10s}
                restart: {max_restarts: 5, backoff: {initial: 1s}}
              Early: {depends_on: [{name: Root, condition: started}]}
              Late: {depends_on: [Root]}
            """)
        driver.failingSpawns["Root"] = "Resource temporarily unavailable"
        driver.send(.startAll)
        // Not spawned (the launcher failed twice): not started either.
        #expect(driver.state("Root") == .backoff)
        #expect(driver.state("Early") == .waiting)
        #expect(driver.supervisor.blockers(of: "Early") == ["Root"])
        driver.failingSpawns = [:]
        #expect(driver.advance(to: 1).spawned == ["Root", "Early"])
        #expect(driver.reasons("Early", to: .starting) == ["dependencies ready"])
        #expect(driver.state("Late") == .waiting)
        #expect(try driver.answerProbe("Root", .healthy).spawned == ["Late"])
    }

    @Test("keep-going: a failed dependency lets its dependents start, required or not")
    func keepGoing() throws {
        var driver = try brokenRoot("""
              Strict: {depends_on: [Root]}
              After: {depends_on: [Strict]}
            """, keepGoing: true)
        driver.send(.startAll)
        #expect(driver.reasons("Strict", to: .starting) == ["started without Root (failed; --keep-going)"])
        #expect(driver.state("After") == .waiting, "a dependency that can still become ready is waited for")
        #expect(driver.advance(to: 1).spawned == ["After"])
        #expect(driver.reasons("After", to: .starting) == ["dependencies ready"])
        driver.advance(to: 2)
        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == 2 && summary.blocked.isEmpty)
        #expect(summary.startedWithout.map(\.agent) == ["Strict"])
        #expect(driver.status("Strict")?.startedWithoutDetail == "started without Root (failed; --keep-going)")
    }

    @Test("keep-going waits for a required dependency that is only slow, until it fails")
    func keepGoingWaitsForSlow() throws {
        var driver = try SupervisorDriver(yaml: Self.header + """
              Root: {health: {kind: tcp, port: 7000, start_period: 5s}, restart: {max_restarts: 1, backoff: {initial: 0s}}}
              Strict: {depends_on: [Root]}
            """, keepGoing: true)
        driver.send(.startAll)
        driver.advance(to: 5)
        driver.kill("Root", signal: 15)
        #expect(driver.state("Root") == .starting)
        #expect(driver.state("Strict") == .waiting)
        driver.advance(to: 10)
        #expect(driver.kill("Root", signal: 15).spawned == ["Strict"])
        #expect(driver.state("Root") == .failed)
        #expect(driver.reasons("Strict", to: .starting) == ["started without Root (failed; --keep-going)"])
    }

    @Test("start of an agent whose failed dependency is not required is accepted; a required one is refused unless keep-going")
    func startCommand() throws {
        for keepGoing in [false, true] {
            var driver = try brokenRoot("""
                  Optional: {depends_on: [{name: Root, required: false}]}
                  Strict: {depends_on: [Root]}
                """, keepGoing: keepGoing)
            driver.send(.startAll)
            driver.advance(to: 2)
            typealias Commands = HostSupervisorCommandTests
            try Commands.stopAndExit(["Optional"], &driver)
            let optional = Commands.apply(.start(selection: ["Optional"], withDependencies: false), &driver)
            #expect(try Commands.outcomes(optional.result) == ["Optional: starting"])
            let reasons = optional.actions.compactMap { action -> String? in
                if case .announce(let change) = action, change.to == .starting { change.reason } else { nil }
            }
            #expect(reasons == ["started without Root (failed)"])
            let strict = Commands.apply(.start(selection: ["Strict"], withDependencies: false), &driver)
            if keepGoing {
                #expect(try Commands.outcomes(strict.result) == ["Strict: already ready"])
            } else {
                guard case .failure(let error) = strict.result else {
                    Issue.record("start Strict was accepted")
                    continue
                }
                #expect(error.code == .dependencyNotReady)
                #expect(error.message.contains("Strict depends on Root, which is not running"))
            }
        }
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// Shutdown: dependents before their dependencies, siblings together, `.exit` once at the end.
@Suite("HostSupervisor shutdown")
struct HostSupervisorShutdownTests {
    /// Base <- Left <- Top, and Base <- Right. Ready at 1, 2, 3 s.
    static let chain = """
        defaults:
          host: h
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
          stop: {timeout: 10s}
        agents:
          Base: {}
          Left: {depends_on: [Base]}
          Right: {depends_on: [Base]}
          Top: {depends_on: [Left]}
        """

    func readyChain() throws -> SupervisorDriver {
        var driver = try SupervisorDriver(yaml: Self.chain)
        driver.send(.startAll)
        driver.advance(to: 5)
        #expect(driver.summaries.first?.ready == 4)
        return driver
    }

    @Test("dependents are signalled first; a dependency only after all its dependents exited")
    func reverseDependencyOrder() throws {
        var driver = try readyChain()
        let first = driver.send(.shutdown)
        #expect(driver.supervisor.phase == .shuttingDown)
        #expect(first.signals.map(\.agent) == ["Right", "Top"])
        #expect(first.signals.allSatisfy { $0.signal == 15 })
        #expect(first.transitions == ["Right:stopping", "Top:stopping"])

        #expect(driver.exit("Top", code: 0).signals.map(\.agent) == ["Left"])
        #expect(driver.exit("Right", code: 0).signals.isEmpty, "Left still runs, so Base waits")
        #expect(driver.signals(to: "Base").isEmpty)
        let last = driver.exit("Left", code: 0)
        #expect(last.signals.map(\.agent) == ["Base"])
        #expect(driver.exitCount == 0)

        let done = driver.kill("Base", signal: 15)
        #expect(done.last == .exit)
        #expect(driver.exitCount == 1)
        for agent in ["Base", "Left", "Right", "Top"] {
            #expect(driver.state(agent) == .stopped)
            #expect(driver.runtime(agent)?.lastExit?.reason == "stopped")
        }
        driver.advance(to: 100)
        #expect(driver.exitCount == 1, "stale stop deadlines change nothing after the exit")
    }

    @Test("siblings are stopped in parallel")
    func siblingsTogether() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {host: h, command: [/bin/a], health: {kind: none, start_period: 1s}}
            agents:
              Base: {}
              A: {depends_on: [Base]}
              B: {depends_on: [Base]}
              C: {depends_on: [Base]}
            """)
        driver.send(.startAll)
        driver.advance(to: 3)
        #expect(driver.send(.shutdown).signals.map(\.agent) == ["A", "B", "C"])
        driver.exit("B", code: 0)
        driver.exit("A", code: 0)
        #expect(driver.exit("C", code: 0).signals.map(\.agent) == ["Base"])
    }

    @Test("waiting and backoff agents become stopped and never start")
    func waitingAndBackoffStop() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {host: h, command: [/bin/a], health: {kind: none, start_period: 1s}, stop: {timeout: 10s}}
            agents:
              Slow: {health: {start_period: 10s}}
              Waiter: {depends_on: [Slow]}
              Crashy: {restart: {backoff: {initial: 5s}}}
            """)
        driver.send(.startAll)
        driver.advance(to: 1)
        driver.exit("Crashy", code: 1)
        driver.exit("Crashy", code: 1)
        #expect(driver.state("Crashy") == .backoff)

        let actions = driver.send(.shutdown)
        #expect(actions.transitions == ["Waiter:stopped", "Crashy:stopped", "Slow:stopping"])
        #expect(actions.signals.map(\.agent) == ["Slow"])
        #expect(driver.advance(to: 10.9).spawned.isEmpty, "the backoff timer and start period change nothing")
        #expect(driver.state("Slow") == .stopping)
        #expect(driver.advance(to: 11).signals.map(\.signal) == [9], "SIGKILL at the stop deadline")
        #expect(driver.kill("Slow", signal: 9).last == .exit)
        #expect(driver.spawnTimes("Waiter").isEmpty)
        #expect(driver.spawnTimes("Crashy").count == 2)
        #expect(driver.exitCount == 1)
    }

    @Test("the stop deadline sends SIGKILL after the stop timeout, with the configured stop signal first")
    func stopDeadline() throws {
        var driver = try SupervisorDriver(yaml: """
            agents:
              Stubborn: {host: h, command: [/bin/a], stop: {signal: SIGINT, timeout: 3s}}
            """)
        driver.send(.startAll)
        driver.advance(to: 1)
        let stop = driver.send(.shutdown)
        #expect(stop.signals.map(\.signal) == [2])
        #expect(stop.timers.map(\.key) == [TimerKey(agent: "Stubborn", kind: .stopDeadline, generation: 1)])
        #expect(driver.advance(to: 3.9).signals.isEmpty)
        #expect(driver.advance(to: 4).signals.map(\.signal) == [9])
        #expect(driver.signals(to: "Stubborn") == [2, 9])
    }

    @Test("a second shutdown sends SIGKILL to every remaining process at once")
    func secondShutdownKills() throws {
        var driver = try readyChain()
        driver.send(.shutdown)
        driver.exit("Right", code: 0)
        let second = driver.send(.shutdown)
        #expect(second.signals.map(\.agent) == ["Base", "Left", "Top"])
        #expect(second.signals.allSatisfy { $0.signal == 9 })
        driver.kill("Base", signal: 9)
        driver.kill("Top", signal: 9)
        #expect(driver.exitCount == 0)
        #expect(driver.kill("Left", signal: 9).last == .exit)
        #expect(driver.exitCount == 1)
        #expect(["Base", "Left", "Right", "Top"].allSatisfy { driver.state($0) == .stopped })
    }

    @Test("an agent that crashes during shutdown is not restarted")
    func crashDuringShutdown() throws {
        var driver = try readyChain()
        driver.send(.shutdown)
        let crash = driver.exit("Base", code: 1)
        #expect(crash.spawned.isEmpty)
        #expect(driver.state("Base") == .stopped)
        #expect(driver.runtime("Base")?.lastExit?.reason == "crashed")
    }

    @Test("shutdown before start-up exits at once")
    func shutdownWhenIdle() throws {
        var driver = try SupervisorDriver(yaml: Self.chain)
        let actions = driver.send(.shutdown)
        #expect(actions.last == .exit)
        #expect(actions.transitions == ["Base:stopped", "Left:stopped", "Right:stopped", "Top:stopped"])
        #expect(driver.send(.startAll).isEmpty, "no start-up after shutdown")
        driver.send(.shutdown)
        #expect(driver.exitCount == 1)
    }

    @Test("a cycle's members are stopped together, after their dependents")
    func cycleStopsTogether() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {host: h, command: [/bin/a], health: {kind: none, start_period: 1s}}
            agents:
              X: {depends_on: [Y]}
              Y: {depends_on: [X]}
              User: {depends_on: [X]}
            """)
        driver.send(.startAll)
        driver.advance(to: 3)
        #expect(driver.send(.shutdown).signals.map(\.agent) == ["User"])
        #expect(driver.exit("User", code: 0).signals.map(\.agent) == ["X", "Y"])
    }
}

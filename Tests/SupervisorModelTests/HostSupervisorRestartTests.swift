import Foundation
import Testing
@testable import SupervisorModel

/// Crashes, failed starts and failed liveness checks: restart with backoff, or give up.
@Suite("HostSupervisor restarts")
struct HostSupervisorRestartTests {
    static func manifest(restart: String = "{max_restarts: 3, window: 60s, backoff: {initial: 1s, factor: 2, max: 8s}}") -> String {
        """
        defaults:
          host: h
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
          restart: \(restart)
        agents:
          Crashy: {}
          Steady: {}
        """
    }

    @Test("a crash restarts at once, then with growing delays, then gives up; others keep running")
    func crashLoop() throws {
        var driver = try SupervisorDriver(yaml: Self.manifest())
        driver.send(.startAll)
        driver.advance(to: 2)
        #expect(driver.state("Crashy") == .ready)

        let first = driver.exit("Crashy", code: 1)
        #expect(first.spawned == ["Crashy"], "the first restart is immediate")
        #expect(!first.timers.contains { $0.key.kind == .restart })
        #expect(driver.runtime("Crashy")?.restarts == 1)
        #expect(driver.runtime("Crashy")?.lastExit?.status == .code(1))
        #expect(driver.runtime("Crashy")?.lastExit?.reason == "crashed")

        let second = driver.exit("Crashy", code: 1)
        #expect(second.spawned.isEmpty)
        #expect(driver.state("Crashy") == .backoff)
        #expect(second.timers.filter { $0.key.kind == .restart }.map(\.after) == [1])
        #expect(driver.runtime("Crashy")?.restartDueAt == 3)
        #expect(driver.advance(to: 3).spawned == ["Crashy"])

        let third = driver.exit("Crashy", code: 1)
        #expect(third.timers.filter { $0.key.kind == .restart }.map(\.after) == [2])
        #expect(driver.advance(to: 5).spawned == ["Crashy"])

        let fourth = driver.exit("Crashy", code: 1)
        #expect(fourth.spawned.isEmpty)
        #expect(driver.state("Crashy") == .failed)
        #expect(driver.runtime("Crashy")?.failureReason?.contains("3 restarts within 1m0s, giving up") == true)
        #expect(driver.spawnTimes("Crashy") == [0, 2, 3, 5])

        driver.advance(to: 100)
        #expect(driver.spawnTimes("Crashy").count == 4, "a failed agent stays down")
        #expect(driver.state("Steady") == .ready)
        #expect(driver.spawnTimes("Steady") == [0])
        #expect(driver.signals(to: "Steady").isEmpty)
    }

    @Test("consecutive crashes wait 0, 1, 2, 4, 8, 8 seconds")
    func growingDelays() throws {
        var driver = try SupervisorDriver(yaml: Self.manifest(
            restart: "{max_restarts: 10, window: 60s, backoff: {initial: 1s, factor: 2, max: 8s}}"))
        driver.send(.startAll)
        var delays: [TimeInterval] = []
        for _ in 0..<6 {
            let actions = driver.exit("Crashy", code: 1)
            if actions.spawned == ["Crashy"] {
                delays.append(0)
            } else {
                let delay = try #require(actions.timers.first { $0.key.kind == .restart }?.after)
                delays.append(delay)
                #expect(driver.advance(to: driver.now + delay).spawned == ["Crashy"])
            }
        }
        #expect(delays == [0, 1, 2, 4, 8, 8])
        #expect(driver.runtime("Crashy")?.restarts == 6)
    }

    @Test("a restart after being ready for reset_after is immediate again")
    func backoffResetsAfterStableRun() throws {
        var driver = try SupervisorDriver(yaml: Self.manifest(
            restart: "{max_restarts: 10, window: 10s, reset_after: 30s, backoff: {initial: 1s}}"))
        driver.send(.startAll)
        driver.exit("Crashy", code: 1)
        driver.exit("Crashy", code: 1)
        driver.advance(to: 1)
        #expect(driver.state("Crashy") == .starting)
        driver.advance(to: 2)
        #expect(driver.state("Crashy") == .ready)
        driver.advance(to: 32)
        #expect(driver.exit("Crashy", code: 1).spawned == ["Crashy"])
    }

    @Test("exit 0 under on-failure is final: exited, not restarted")
    func cleanExitOnFailure() throws {
        var driver = try SupervisorDriver(yaml: Self.manifest())
        driver.send(.startAll)
        driver.advance(to: 1)
        let actions = driver.exit("Crashy", code: 0)
        #expect(actions.transitions == ["Crashy:exited"])
        #expect(actions.spawned.isEmpty)
        #expect(driver.runtime("Crashy")?.lastExit?.reason == "exited")
        driver.advance(to: 100)
        #expect(driver.spawnTimes("Crashy") == [0])
    }

    @Test("exit 0 under always is restarted")
    func cleanExitAlways() throws {
        var driver = try SupervisorDriver(yaml: Self.manifest(restart: "{policy: always}"))
        driver.send(.startAll)
        driver.advance(to: 1)
        #expect(driver.exit("Crashy", code: 0).spawned == ["Crashy"])
        #expect(driver.state("Crashy") == .starting)
    }

    @Test("under policy never nothing restarts: a crash fails, a clean exit exits", arguments: [Int32(1), 0])
    func policyNever(code: Int32) throws {
        var driver = try SupervisorDriver(yaml: Self.manifest(restart: "{policy: never}"))
        driver.send(.startAll)
        driver.advance(to: 1)
        let actions = driver.exit("Crashy", code: code)
        #expect(actions.spawned.isEmpty)
        #expect(driver.state("Crashy") == (code == 0 ? .exited : .failed))
        if code != 0 {
            #expect(driver.runtime("Crashy")?.failureReason == "exit code 1")
            let announced = driver.log.compactMap { if case .announce(let t) = $0.action, t.to == .failed { t.reason } else { nil } }
            #expect(announced.first?.contains("restart policy is never") == true)
        }
    }

    @Test("not ready by the start deadline: stop signal, SIGKILL after the stop timeout, then restart")
    func startDeadline() throws {
        var driver = try SupervisorDriver(yaml: """
            agents:
              Stuck:
                host: h
                command: [/bin/a]
                health: {kind: tcp, port: 7000, start_period: 5s}
                stop: {signal: SIGINT, timeout: 10s}
            """)
        driver.send(.startAll)
        try driver.answerProbe("Stuck", .notReady("connection refused"))
        driver.advance(to: 4.999)
        #expect(driver.state("Stuck") == .starting)
        let atDeadline = driver.advance(to: 5)
        #expect(atDeadline.transitions == ["Stuck:stopping"])
        #expect(atDeadline.signals.map(\.signal) == [2])
        #expect(atDeadline.timers.contains { $0.key.kind == .stopDeadline && $0.after == 10 })
        #expect(driver.runtime("Stuck")?.stopReason == .startTimeout)

        #expect(driver.advance(to: 14.9).signals.isEmpty)
        #expect(driver.advance(to: 15).signals.map(\.signal) == [9])
        let exited = driver.kill("Stuck", signal: 9)
        #expect(exited.spawned == ["Stuck"])
        #expect(driver.runtime("Stuck")?.lastExit?.reason == "start_timeout")
        #expect(driver.runtime("Stuck")?.lastExit?.detail == "connection refused")
        #expect(driver.runtime("Stuck")?.generation == 2)
    }

    static let live = """
        agents:
          Live:
            host: h
            command: [/bin/a]
            health: {kind: zmq, port: 7000, interval: 5s, retries: 3}
        """

    @Test("after ready, `retries` unhealthy probes in a row stop and restart the agent")
    func livenessFailure() throws {
        var driver = try SupervisorDriver(yaml: Self.live)
        driver.send(.startAll)
        try driver.answerProbe("Live", .healthy)
        var stopped: [SupervisorAction] = []
        for time in [5.0, 10, 15] {
            driver.advance(to: time)
            stopped = try driver.answerProbe("Live", .unhealthy("no reply"))
            if time < 15 {
                #expect(driver.state("Live") == .ready)
                #expect(stopped.timers.map(\.after) == [5])
            }
        }
        #expect(driver.state("Live") == .stopping)
        #expect(stopped.signals.map(\.signal) == [15])
        #expect(driver.runtime("Live")?.stopReason == .livenessFailed)
        let restarted = driver.kill("Live", signal: 15)
        #expect(restarted.spawned == ["Live"])
        #expect(driver.runtime("Live")?.lastExit?.reason == "liveness_failed")
        #expect(driver.runtime("Live")?.lastExit?.detail == "no reply")
    }

    @Test("a healthy probe in between resets the count of failures")
    func healthyProbeResetsCount() throws {
        var driver = try SupervisorDriver(yaml: Self.live)
        driver.send(.startAll)
        try driver.answerProbe("Live", .healthy)
        let answers: [ProbeOutcome] = [.unhealthy("a"), .notReady("b"), .healthy, .unhealthy("c"), .unhealthy("d")]
        for (index, outcome) in answers.enumerated() {
            driver.advance(to: Double(index + 1) * 5)
            try driver.answerProbe("Live", outcome)
        }
        #expect(driver.state("Live") == .ready)
        #expect(driver.runtime("Live")?.probeFailures == 2)
        driver.advance(to: 30)
        try driver.answerProbe("Live", .unhealthy("e"))
        #expect(driver.state("Live") == .stopping)
    }

    @Test("a failed spawn follows the restart policy like a crash")
    func spawnFailure() throws {
        var driver = try SupervisorDriver(yaml: Self.manifest(
            restart: "{max_restarts: 2, window: 60s, backoff: {initial: 1s}}"))
        driver.failingSpawns["Crashy"] = "no such file or directory"
        driver.send(.startAll)
        #expect(driver.state("Crashy") == .backoff)
        #expect(driver.spawnTimes("Crashy") == [0, 0])
        driver.advance(to: 1)
        #expect(driver.spawnTimes("Crashy") == [0, 0, 1])
        #expect(driver.state("Crashy") == .failed)
        let lastExit = try #require(driver.runtime("Crashy")?.lastExit)
        #expect(lastExit.status == nil)
        #expect(lastExit.reason == "spawn_failed")
        #expect(lastExit.detail == "no such file or directory")
        #expect(driver.runtime("Crashy")?.failureReason?.hasPrefix("failed to start: no such file or directory") == true)
        #expect(driver.runtime("Crashy")?.pid == nil)
    }
}

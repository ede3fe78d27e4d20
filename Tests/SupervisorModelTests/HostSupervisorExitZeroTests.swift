import Foundation
import Testing
@testable import SupervisorModel

/// An agent that exits 0 unasked: `always` restarts it like a crash (towards the crash-loop
/// limit); `on-failure` and `never` leave it `exited`. Either way the words say how long it had
/// been ready, never a clean stop.
@Suite("HostSupervisor exit 0")
struct HostSupervisorExitZeroTests {
    static func yaml(policy: String) -> String {
        """
        defaults:
          host: h
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
        agents:
          Server: {restart: {policy: \(policy), max_restarts: 2, window: 1m, backoff: {initial: 1s}}}
        """
    }

    func driver(_ policy: String) throws -> SupervisorDriver {
        var driver = try SupervisorDriver(yaml: Self.yaml(policy: policy))
        driver.send(.startAll)
        return driver
    }

    @Test("on-failure and never: exited, with how long it had been ready", arguments: ["on-failure", "never"])
    func exitedAfterReady(policy: String) throws {
        var driver = try driver(policy)
        driver.advance(to: 13)
        let actions = driver.exit("Server", code: 0)
        #expect(actions.transitions == ["Server:exited"])
        #expect(actions.spawned.isEmpty)
        let reason = "exited 0 after being ready 12 s; policy \(policy) does not restart it"
        #expect(driver.reasons("Server", to: .exited) == [reason])
        let status = try #require(driver.status("Server"))
        #expect(status.state == .exited)
        #expect(status.stateReason == reason)
        #expect(status.lastExit?.reason == "exited")
        #expect(status.lastExit?.detail == "after being ready 12 s")
        #expect(status.lastExit?.text == "exit code 0 (exited): after being ready 12 s")
        driver.advance(to: 100)
        #expect(driver.spawnTimes("Server") == [0])
    }

    @Test("on-failure: exit 0 during start-up says so, in the state and the start-up summary")
    func exitedBeforeReady() throws {
        var driver = try driver("on-failure")
        driver.advance(to: 0.5)
        driver.exit("Server", code: 0)
        let reason = "exited 0 before becoming ready; policy on-failure does not restart it"
        #expect(driver.status("Server")?.stateReason == reason)
        let summary = try #require(driver.summaries.first)
        #expect(summary.failed.map(\.agent) == ["Server"])
        #expect(summary.failed.map(\.reason) == [reason])
    }

    @Test("always: exit 0 restarts like a crash and counts towards the crash-loop limit")
    func alwaysRestarts() throws {
        var driver = try driver("always")
        driver.advance(to: 13)
        let first = driver.exit("Server", code: 0)
        #expect(first.spawned == ["Server"])
        #expect(first.contains(.agentFailed(agent: "Server", summary: "exited 0 after being ready 12 s", givingUp: false, cause: nil)))
        #expect(driver.reasons("Server", to: .starting).last == "exited 0 after being ready 12 s; restarting now")
        driver.advance(to: 13.5)
        driver.exit("Server", code: 0)
        #expect(driver.state("Server") == .backoff)
        #expect(driver.reasons("Server", to: .backoff) == ["exited 0 before becoming ready; restarting in 1s"])
        driver.advance(to: 15)
        driver.exit("Server", code: 0)
        #expect(driver.state("Server") == .failed)
        let given = "exited 0 before becoming ready; 2 restarts within 1m0s, giving up"
        #expect(driver.runtime("Server")?.failureReason == given)
        #expect(driver.status("Server")?.failureReason == given)
        #expect(driver.spawnTimes("Server") == [0, 13, 14.5])
    }

    @Test("durations are said as people read them", arguments: [
        (0.04, "0.0 s"), (0.44, "0.4 s"), (9.96, "10 s"), (12.4, "12 s"), (59.9, "1m0s"), (75, "1m15s"), (3725, "1h2m"),
    ])
    func spoken(seconds: Double, text: String) {
        #expect(HostSupervisor.spoken(seconds: seconds) == text)
    }
}

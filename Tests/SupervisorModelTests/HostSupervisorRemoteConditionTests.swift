import Foundation
import Testing
@testable import SupervisorModel

/// The long form of `depends_on` on another host's agent: `condition` and `required` apply as
/// they do locally, with what this host's supervisor hears from the other one.
@Suite("HostSupervisor remote dependency conditions")
struct HostSupervisorRemoteConditionTests {
    /// `Memory` runs on pc2, with a start period of 20 s. On mainpc, `Optional` does not require
    /// it, `Early` needs it started, `Strict` needs it ready.
    static let yaml = """
        defaults:
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
        agents:
          Memory: {host: pc2, health: {start_period: 20s}}
          Optional: {host: mainpc, depends_on: [{name: pc2/Memory, required: false}]}
          Early: {host: mainpc, depends_on: [{name: pc2/Memory, condition: started}]}
          Strict: {host: mainpc, depends_on: [pc2/Memory]}
        """
    static let memory = RemoteAgent(host: "pc2", name: "Memory")

    func started(keepGoing: Bool = false) throws -> SupervisorDriver {
        var driver = try SupervisorDriver(yaml: Self.yaml, host: "mainpc", keepGoing: keepGoing)
        #expect(driver.send(.startAll).spawned.isEmpty)
        return driver
    }

    @Test("condition started: a remote agent reported starting is enough")
    func remoteStarted() throws {
        var driver = try started()
        driver.send(.remoteHostChanged(host: "pc2", reachable: true))
        #expect(driver.send(.remoteAgentChanged(Self.memory, state: .starting)).spawned == ["Early"])
        #expect(driver.supervisor.blockers(of: "Strict") == ["pc2/Memory"])
        #expect(driver.send(.remoteAgentChanged(Self.memory, state: .ready)).spawned == ["Optional", "Strict"])
        #expect(driver.reasons("Optional", to: .starting) == ["dependencies ready"])
    }

    @Test("a remote agent that is not required and reported failed lets its dependents start")
    func remoteFailed() throws {
        var driver = try started()
        driver.send(.remoteHostChanged(host: "pc2", reachable: true))
        driver.send(.remoteAgentChanged(Self.memory, state: .starting))
        #expect(driver.send(.remoteAgentChanged(Self.memory, state: .failed)).spawned == ["Optional"])
        #expect(driver.reasons("Optional", to: .starting) == ["started without pc2/Memory (failed)"])
        #expect(driver.state("Strict") == .waiting)
        driver.advance(to: 2)
        #expect(driver.status("Optional")?.startedWithout == ["pc2/Memory"])
        // The other host may still bring it back: start-up goes on, waiting for it.
        #expect(driver.supervisor.phase == .starting)
        #expect(driver.supervisor.remoteAgentsAwaited == ["pc2/Memory"])
    }

    @Test("a remote agent that is not required is waited for as long as its start period, even with its host away")
    func remoteTooSlow() throws {
        var driver = try started()
        #expect(driver.advance(to: 19.9).spawned.isEmpty)
        #expect(driver.supervisor.blockers(of: "Optional") == ["pc2/Memory"])
        #expect(driver.advance(to: 20).spawned == ["Optional"])
        #expect(driver.reasons("Optional", to: .starting) == ["started without pc2/Memory (not ready within 20s)"])
        #expect(driver.state("Early") == .waiting && driver.state("Strict") == .waiting)
        // Once it is ready, the others start as usual.
        driver.send(.remoteHostChanged(host: "pc2", reachable: true))
        #expect(driver.send(.remoteAgentChanged(Self.memory, state: .ready)).spawned == ["Early", "Strict"])
        #expect(driver.supervisor.remoteOverdue.isEmpty)
    }

    @Test("a remote agent stopped on its host is down for good for dependents that do not require it")
    func remoteStopped() throws {
        var driver = try started()
        driver.send(.remoteHostChanged(host: "pc2", reachable: true))
        driver.send(.remoteAgentChanged(Self.memory, state: .ready))
        driver.advance(to: 5)
        driver.send(.remoteAgentChanged(Self.memory, state: .stopped))
        let commands = HostSupervisorCommandTests.self
        try commands.stopAndExit(["Optional"], &driver)
        _ = commands.apply(.start(selection: ["Optional"], withDependencies: false), &driver)
        // Stopped on its host: down for good there, so Optional starts without it at once.
        #expect(driver.state("Optional") == .starting)
        #expect(driver.status("Optional")?.startedWithoutDetail == "started without pc2/Memory (stopped)")
    }

    @Test("keep-going: a required remote agent reported failed lets its dependents start")
    func remoteKeepGoing() throws {
        var driver = try started(keepGoing: true)
        driver.send(.remoteHostChanged(host: "pc2", reachable: true))
        let actions = driver.send(.remoteAgentChanged(Self.memory, state: .failed))
        #expect(actions.spawned == ["Optional", "Early", "Strict"])
        #expect(driver.reasons("Strict", to: .starting) == ["started without pc2/Memory (failed; --keep-going)"])
        #expect(driver.reasons("Optional", to: .starting) == ["started without pc2/Memory (failed)"])
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// Dependencies on agents of another host: waited for, never a reason to stop local agents.
@Suite("HostSupervisor remote dependencies")
struct HostSupervisorRemoteTests {
    /// `Memory` runs on pc2; on mainpc `Local` needs it, `Chain` needs `Local`, `Free` needs nothing.
    static let yaml = """
        defaults:
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
        agents:
          Memory: {host: pc2}
          Free: {host: mainpc}
          Local: {host: mainpc, depends_on: [pc2/Memory]}
          Chain: {host: mainpc, depends_on: [Local]}
        """
    static let memory = RemoteAgent(host: "pc2", name: "Memory")

    func driver() throws -> SupervisorDriver {
        try SupervisorDriver(yaml: Self.yaml, host: "mainpc")
    }

    @Test("an agent waits for a remote dependency until its host reports it ready")
    func waitsForRemoteReady() throws {
        var driver = try driver()
        #expect(driver.send(.startAll).spawned == ["Free"])
        #expect(driver.supervisor.blockers(of: "Local") == ["pc2/Memory"])
        #expect(driver.supervisor.remoteDescription(Self.memory) == "host not heard from yet")
        driver.advance(to: 5)
        #expect(driver.state("Local") == .waiting)
        #expect(driver.supervisor.phase == .starting, "start-up is not over while an agent waits")

        driver.send(.remoteHostChanged(host: "pc2", reachable: true))
        #expect(driver.send(.remoteAgentChanged(Self.memory, state: .starting)).spawned.isEmpty)
        #expect(driver.supervisor.remoteDescription(Self.memory) == "starting")
        let actions = driver.send(.remoteAgentChanged(Self.memory, state: .ready))
        #expect(actions.spawned == ["Local"])
        #expect(actions.contains(.remoteDependencyChanged(Self.memory, ready: true, detail: "ready", dependents: [])))
        driver.advance(to: 7)
        #expect(driver.state("Chain") == .ready)
        #expect(driver.supervisor.phase == .running)
    }

    @Test("a ready report from a host not known to be reachable does not start anything")
    func readyWithoutReachableHost() throws {
        var driver = try driver()
        driver.send(.startAll)
        #expect(driver.send(.remoteAgentChanged(Self.memory, state: .ready)).spawned.isEmpty)
        #expect(driver.send(.remoteHostChanged(host: "pc2", reachable: true)).spawned == ["Local"])
    }

    @Test("a remote dependency going down or its host vanishing stops nothing here")
    func remoteLossKeepsLocalAgents() throws {
        var driver = try driver()
        driver.send(.startAll)
        driver.send(.remoteHostChanged(host: "pc2", reachable: true))
        driver.send(.remoteAgentChanged(Self.memory, state: .ready))
        driver.advance(to: 3)
        #expect(driver.state("Local") == .ready)
        let pid = driver.runtime("Local")?.pid

        let down = driver.send(.remoteAgentChanged(Self.memory, state: .backoff))
        #expect(down.contains(.remoteDependencyChanged(Self.memory, ready: false, detail: "backoff", dependents: ["Local"])))
        #expect(!down.contains { if case .signal = $0 { true } else { false } })

        let cut = driver.send(.remoteHostChanged(host: "pc2", reachable: false))
        #expect(cut.isEmpty == false)
        #expect(cut.contains(.remoteHostChanged(host: "pc2", reachable: false, waiting: [])))
        #expect(driver.signals(to: "Local").isEmpty)
        #expect(driver.state("Local") == .ready)
        #expect(driver.runtime("Local")?.pid == pid)
        let status = driver.supervisor.status(of: ["Local"], now: driver.now, supervisorPid: 1)
        #expect(status.remoteHosts == ["pc2": .unreachable])
        #expect(status.agents[0].remoteDependencies == [RemoteDependencyStatus(agent: "pc2/Memory", ready: false, detail: "host unreachable")])
    }

    @Test("losing the host reports the ready dependency as lost once, with the waiting agents")
    func unreachableWhileWaiting() throws {
        var driver = try driver()
        driver.send(.startAll)
        driver.send(.remoteHostChanged(host: "pc2", reachable: true))
        let cut = driver.send(.remoteHostChanged(host: "pc2", reachable: false))
        #expect(cut == [.remoteHostChanged(host: "pc2", reachable: false, waiting: ["Local"])])
        #expect(driver.supervisor.remoteDescription(Self.memory) == "host unreachable")
        // The same news twice changes nothing.
        #expect(driver.send(.remoteHostChanged(host: "pc2", reachable: false)).isEmpty)
        // Back, with the agent ready meanwhile: the reconciliation starts the waiting agent.
        driver.send(.remoteAgentChanged(Self.memory, state: .ready))
        #expect(driver.state("Local") == .waiting)
        #expect(driver.send(.remoteHostChanged(host: "pc2", reachable: true)).spawned == ["Local"])
    }

    @Test("reports about agents nobody here depends on are ignored")
    func unrelatedRemoteAgent() throws {
        var driver = try driver()
        driver.send(.startAll)
        #expect(driver.send(.remoteAgentChanged(RemoteAgent(host: "pc2", name: "Other"), state: .ready)).isEmpty)
        #expect(driver.send(.remoteHostChanged(host: "elsewhere", reachable: true)).isEmpty)
        #expect(driver.supervisor.remoteAgentsNeeded == [Self.memory])
    }

    @Test("reload: a remote dependency dropped from the manifest no longer holds its agent back")
    func reloadDropsRemoteDependency() throws {
        var driver = try driver()
        driver.send(.startAll)
        #expect(driver.state("Local") == .waiting)
        let edited = Self.yaml.replacingOccurrences(of: "Local: {host: mainpc, depends_on: [pc2/Memory]}", with: "Local: {host: mainpc}")
        let manifest = try ManifestTestSupport.loadValid(edited)
        let (result, actions) = driver.supervisor.reload(manifest, now: driver.now)
        #expect((try? result.get())?.changed == ["Local"])
        #expect(actions.spawned == ["Local"])
        #expect(driver.supervisor.remoteAgentsNeeded.isEmpty)
        #expect(driver.supervisor.remoteHosts.isEmpty)
    }

    @Test("start-up that waits only for other hosts, directly or through local agents, says which agents")
    func awaitingOnlyOtherHosts() throws {
        var driver = try driver()
        driver.send(.startAll)
        #expect(driver.supervisor.remoteAgentsAwaited == nil, "Free is still starting")
        driver.advance(to: 2)
        #expect(driver.state("Free") == .ready)
        #expect(driver.supervisor.remoteAgentsAwaited == ["pc2/Memory"], "Chain waits for Local, which waits for pc2")
        #expect(driver.supervisor.status(of: [], now: driver.now, supervisorPid: 1).awaitingRemote == ["pc2/Memory"])
        driver.send(.remoteHostChanged(host: "pc2", reachable: true))
        driver.send(.remoteAgentChanged(Self.memory, state: .ready))
        #expect(driver.supervisor.remoteAgentsAwaited == nil, "Local is starting")
    }

    @Test("plan names the remote dependencies an agent waits for")
    func planShowsRemote() throws {
        let manifest = try ManifestTestSupport.loadValid(Self.yaml)
        let text = StartPlan(manifest: manifest, host: "mainpc").rendered()
        #expect(text.contains("Local also waits for pc2/Memory"))
    }
}

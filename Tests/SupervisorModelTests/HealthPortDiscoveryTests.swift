import Foundation
import Testing
@testable import SupervisorModel

/// Health-port discovery in the pure model: the order ports are tried in, the adopted port for
/// one process generation, and what is said about it (and about port clashes), once.
@Suite("Health-port discovery")
struct HealthPortDiscoveryTests {
    static let yaml = """
        defaults: {host: h, command: [/bin/a]}
        agents:
          Responder:
            port: 5575
            health: {kind: zmq, port: 6575, discover: true, start_period: 30s, interval: 5s, retries: 3}
        """

    static func discoveries(_ actions: [SupervisorAction]) -> [HealthPortDiscovery] {
        actions.compactMap { if case .healthPortDiscovered(let found) = $0 { found } else { nil } }
    }

    static func clashes(_ actions: [SupervisorAction]) -> [PortClash] {
        actions.compactMap { if case .portClash(_, let clash) = $0 { clash } else { nil } }
    }

    @Test("candidates: the agent's port + 1, then the health port + 1, then the rest ascending; never the configured port")
    func candidateOrder() {
        #expect(HealthPortCandidates.order(listening: [9000, 6576, 5576, 5575, 6575], configured: 6575, agentPort: 5575)
            == [5576, 6576, 5575, 9000])
        #expect(HealthPortCandidates.order(listening: [9000, 6576], configured: 6575, agentPort: 5575) == [6576, 9000],
                "port + 1 only when the agent listens there")
        #expect(HealthPortCandidates.order(listening: [6575], configured: 6575, agentPort: 5575).isEmpty)
        #expect(HealthPortCandidates.order(listening: [3, 1, 2, 1], configured: nil, agentPort: nil) == [1, 2, 3])
        let many = Array(20_000..<20_100)
        #expect(HealthPortCandidates.order(listening: many, configured: nil, agentPort: nil).count == HealthPortCandidates.limit)
    }

    @Test("the manifest key: false by default, true or false, anything else an error")
    func manifestKey() throws {
        let plain = ManifestLoader.load(text: "defaults: {host: h, command: [/bin/a]}\nagents:\n  A: {health: {kind: zmq, port: 7000}}\n",
                                        file: "a.yaml", environment: [:])
        #expect(plain.manifest?["A"]?.health.discover == false)
        let on = ManifestLoader.load(text: "defaults: {host: h, command: [/bin/a], health: {discover: true}}\nagents:\n  A: {health: {kind: zmq, port: 7000}}\n",
                                     file: "a.yaml", environment: [:])
        #expect(on.manifest?["A"]?.health.discover == true, "set in defaults, merged key by key")
        let bad = ManifestLoader.load(text: "defaults: {host: h, command: [/bin/a]}\nagents:\n  A: {health: {kind: zmq, port: 7000, discover: maybe}}\n",
                                      file: "a.yaml", environment: [:])
        #expect(bad.issues.contains { $0.code == .badValue && $0.key == "health.discover" }, "\(bad.issues.map(\.description))")
    }

    @Test("an answer on a discovered port is said once, used for that process, and ready follows")
    func adoptedAndAnnounced() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        let first = try driver.answerProbe("Responder", onDiscoveredPort: 5576, .notReady("status initializing"))
        #expect(Self.discoveries(first) == [HealthPortDiscovery(agent: "Responder", configuredPort: 6575, discoveredPort: 5576, healthy: false)])
        #expect(Self.discoveries(first).first?.detail == "health port 6575 configured; agent answers on 5576")
        #expect(driver.runtime("Responder")?.discoveredHealthPort == 5576)
        #expect(driver.state("Responder") == .starting)
        driver.advance(to: 0.5)
        try driver.answerProbe("Responder", .healthy)
        #expect(driver.state("Responder") == .ready)
        let status = driver.supervisor.status(of: [], now: 1, supervisorPid: 1).agents[0]
        #expect(status.healthPortDiscovered == 5576)
        #expect(status.healthPort == 6575)
    }

    @Test("a restart probes the configured port again; finding the same port again is not said again")
    func restartStartsOver() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        try driver.answerProbe("Responder", onDiscoveredPort: 5576, .healthy)
        driver.exit("Responder", code: 1)
        #expect(driver.runtime("Responder")?.discoveredHealthPort == nil, "a new process: the configured port first")
        #expect(driver.supervisor.status(of: [], now: 1, supervisorPid: 1).agents[0].healthPortDiscovered == nil)
        #expect(Self.discoveries(try driver.answerProbe("Responder", onDiscoveredPort: 5576, .healthy)).isEmpty)
        #expect(driver.runtime("Responder")?.discoveredHealthPort == 5576)
        driver.exit("Responder", code: 1)
        driver.advance(to: 10)
        let other = try driver.answerProbe("Responder", onDiscoveredPort: 5577, .healthy)
        #expect(Self.discoveries(other).map(\.discoveredPort) == [5577], "another port is news")
    }

    @Test("a discovery result of an older process is ignored")
    func staleDiscovery() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        let old = try #require(driver.pendingProbes["Responder"])
        driver.exit("Responder", code: 1)
        let late = driver.send(.healthPortDiscovered(agent: "Responder", generation: old, port: 5576, outcome: .healthy))
        #expect(late.isEmpty)
        #expect(driver.runtime("Responder")?.discoveredHealthPort == nil)
    }

    @Test("a port clash keeps the agent starting, is said once, and names both agents in status and the timeout")
    func clashIsUnhealthy() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        let clash = PortClash(port: 6575, answeredAs: "ServiceRegistry", expected: "Responder")
        #expect(Self.clashes(try driver.answerProbe("Responder", .wrongAgent(clash))) == [clash])
        #expect(driver.state("Responder") == .starting)
        driver.advance(to: 0.02)
        #expect(Self.clashes(try driver.answerProbe("Responder", .wrongAgent(clash))).isEmpty, "said once")
        let health = driver.supervisor.status(of: [], now: 1, supervisorPid: 1).agents[0].health
        #expect(health == "starting: port 6575 answers as ServiceRegistry, not Responder: a port clash")
        let timedOut = driver.advance(to: 31)
        let reasons = timedOut.compactMap { if case .announce(let change) = $0 { change.reason } else { nil } }
        #expect(reasons.contains { $0.contains("not ready within 30s") && $0.contains("answers as ServiceRegistry, not Responder") },
                "\(reasons)")
    }

    @Test("a clash during liveness counts as a failed check")
    func clashWhileReady() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        try driver.answerProbe("Responder", .healthy)
        driver.advance(to: 5)
        let clash = PortClash(port: 6575, answeredAs: "Other", expected: "Responder")
        let actions = try driver.answerProbe("Responder", .wrongAgent(clash))
        #expect(Self.clashes(actions) == [clash])
        #expect(actions.contains(.healthChanged(agent: "Responder", healthy: false, detail: clash.description)))
        #expect(driver.runtime("Responder")?.probeFailures == 1)
    }

    @Test("the agent.health event bodies, as sent")
    func eventBodies() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let found = HealthPortDiscovery(agent: "Responder", configuredPort: 6575, discoveredPort: 5576, healthy: true)
        #expect(String(decoding: try encoder.encode(found), as: UTF8.self)
            == #"{"agent":"Responder","configured_port":6575,"detail":"health port 6575 configured; agent answers on 5576","discovered_port":5576,"healthy":true}"#)
        let clash = PortClash(port: 8100, answeredAs: "ServiceRegistry", expected: "TieredResponder")
        #expect(String(decoding: try encoder.encode(clash), as: UTF8.self)
            == #"{"agent":"TieredResponder","answered_as":"ServiceRegistry","detail":"port 8100 answers as ServiceRegistry, not TieredResponder: a port clash","healthy":false,"port":8100}"#)
    }
}

import CZeroMQ
import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// Health-port discovery in the probe runner, against real sockets: a configured port that does
/// not answer (or answers as another agent) leads to a round over the agent's listening ports,
/// which the test hands the runner instead of /proc.
@Suite("ProbeRunner discovers the port an agent answers on")
struct ProbeRunnerDiscoveryTests {
    private func makeRunner(_ directory: TemporaryDirectory, ports: @escaping () -> [Int]) -> ProbeRunner {
        let runner = ProbeRunner(launcher: AgentLauncher(baseDirectory: directory.path, inheritedEnvironment: [:]))
        runner.listeningPorts = { _ in ports() }
        return runner
    }

    private func spec(_ kind: HealthCheckSpec.Kind = .zmq, port: Int, agentPort: Int? = nil, discover: Bool = true,
                      timeout: TimeInterval = 0.3) -> AgentSpec {
        var spec = AgentSpec(name: "worker", host: "mainpc", command: ["/bin/true"])
        spec.port = agentPort
        spec.health.kind = kind
        spec.health.port = port
        spec.health.timeout = timeout
        spec.health.discover = discover
        return spec
    }

    /// Polls the responders and the runner, answering each responder's requests with its reply,
    /// expiring probes at their deadline, until the agent's probe has a result.
    private func drive(
        _ runner: ProbeRunner, _ responders: [(HealthResponder, String)], started: ProbeRunner.Result? = nil,
        timeout: TimeInterval = 20
    ) throws -> ProbeRunner.Result? {
        if let started { return started }
        let deadline = MonotonicClock.now() + timeout
        while MonotonicClock.now() < deadline {
            var items = responders.map(\.0.pollItem) + runner.pollItems().map(\.item)
            _ = zmq_poll(&items, Int32(items.count), 10)
            for (index, (responder, reply)) in responders.enumerated() where items[index].revents != 0 {
                try responder.answer(reply)
            }
            if items.dropFirst(responders.count).contains(where: { $0.revents != 0 }), let result = runner.complete("worker") {
                return result
            }
            if let result = runner.expire(now: MonotonicClock.now()).first { return result }
        }
        return nil
    }

    @Test("zmq: the configured port is silent; the agent's other port answers and is adopted")
    func adoptsAnsweringPort() throws {
        let directory = try TemporaryDirectory()
        let health = try HealthResponder()
        var asked = 0
        let runner = makeRunner(directory) { asked += 1; return [health.port] }
        let started = runner.start(spec(port: try unusedLoopbackPort()), generation: 4, now: MonotonicClock.now())
        let result = try #require(try drive(runner, [(health, #"{"status": "ok", "agent_name": "worker"}"#)], started: started))
        #expect(result.outcome == .healthy)
        #expect(result.discoveredPort == health.port)
        #expect(result.generation == 4)
        #expect(asked == 1, "the ports are read once the configured port has failed")
        #expect(runner.pollItems().isEmpty && runner.nextDeadline == nil)

        // The next probe of that generation goes straight to the found port, reusing the socket.
        #expect(runner.start(spec(port: 1), generation: 4, port: health.port, now: MonotonicClock.now()) == nil)
        let next = try #require(try drive(runner, [(health, #"{"status": "ok"}"#)]))
        #expect(next.outcome == .healthy && next.discoveredPort == nil)
        #expect(asked == 1)
        #expect(health.requests == [HealthReply.request, HealthReply.request])
    }

    @Test("the agent's port + 1 wins over an earlier-numbered port that also answers")
    func prefersPortPlusOne() throws {
        let directory = try TemporaryDirectory()
        let first = try HealthResponder()
        let second = try HealthResponder()
        let (low, high) = first.port < second.port ? (first, second) : (second, first)
        let runner = makeRunner(directory) { [low.port, high.port] }
        let spec = spec(port: try unusedLoopbackPort(), agentPort: high.port - 1)
        let started = runner.start(spec, generation: 1, now: MonotonicClock.now())
        let result = try #require(try drive(runner, [(low, #"{"status": "ok"}"#), (high, #"{"status": "initializing"}"#)], started: started))
        #expect(result.discoveredPort == high.port)
        #expect(result.outcome == .notReady("status initializing"), "not ready yet still speaks the protocol")
    }

    @Test("a port that answers with an error status or as another agent is passed over")
    func skipsWrongAnswers() throws {
        let directory = try TemporaryDirectory()
        let erring = try HealthResponder()
        let clashing = try HealthResponder()
        let healthy = try HealthResponder()
        let runner = makeRunner(directory) { [erring.port, clashing.port, healthy.port] }
        let spec = spec(port: try unusedLoopbackPort(), agentPort: erring.port - 1)
        let started = runner.start(spec, generation: 1, now: MonotonicClock.now())
        let result = try #require(try drive(runner, [
            (erring, #"{"status": "error", "message": "unknown action"}"#),
            (clashing, #"{"status": "ok", "message": "Other is healthy"}"#),
            (healthy, #"{"status": "ok"}"#),
        ], started: started))
        #expect(result.discoveredPort == healthy.port)
        #expect(result.outcome == .healthy)
    }

    @Test("when no port answers, the configured port's failure stands, naming what the others said")
    func nothingAnswers() throws {
        let directory = try TemporaryDirectory()
        let silent = try HealthResponder()
        let erring = try HealthResponder()
        let runner = makeRunner(directory) { [silent.port, erring.port] }
        let configured = try unusedLoopbackPort()
        let started = runner.start(spec(port: configured), generation: 1, now: MonotonicClock.now())
        let result = try #require(try drive(runner, [(erring, #"{"status": "degraded"}"#)], started: started))
        #expect(result.discoveredPort == nil)
        guard case .unhealthy(let message) = result.outcome else {
            Issue.record("expected unhealthy, got \(result.outcome)")
            return
        }
        #expect(message.hasPrefix("no answer within 300ms"), "\(message)")
        #expect(message.contains("\(silent.port) no answer") && message.contains("\(erring.port) status degraded"), "\(message)")
        #expect(runner.pollItems().isEmpty && runner.nextDeadline == nil, "every socket of the round is closed")
    }

    @Test("the configured port answering as another agent leads to discovery too")
    func clashLeadsToDiscovery() throws {
        let directory = try TemporaryDirectory()
        let impostor = try HealthResponder()
        let own = try HealthResponder()
        let runner = makeRunner(directory) { [own.port] }
        let started = runner.start(spec(port: impostor.port, timeout: 10), generation: 1, now: MonotonicClock.now())
        let result = try #require(try drive(runner, [
            (impostor, #"{"status": "ok", "message": "ServiceRegistry is healthy"}"#), (own, #"{"status": "ok"}"#),
        ], started: started))
        #expect(result.discoveredPort == own.port)
        #expect(result.outcome == .healthy)
    }

    @Test("without discover, a silent port is a timeout and a clash stays a clash; no ports are read")
    func discoverOff() throws {
        let directory = try TemporaryDirectory()
        let impostor = try HealthResponder()
        var asked = 0
        let runner = makeRunner(directory) { asked += 1; return [impostor.port] }
        let silent = runner.start(spec(port: try unusedLoopbackPort(), discover: false), generation: 1, now: MonotonicClock.now())
        let timedOut = try #require(try drive(runner, [], started: silent))
        #expect(timedOut.outcome == .unhealthy("no answer within 300ms"))
        let started = runner.start(spec(port: impostor.port, discover: false, timeout: 10), generation: 1, now: MonotonicClock.now())
        let clash = try #require(try drive(runner, [(impostor, #"{"status": "ok", "agent": "ServiceRegistry"}"#)], started: started))
        #expect(clash.outcome == .wrongAgent(PortClash(port: impostor.port, answeredAs: "ServiceRegistry", expected: "worker")))
        #expect(asked == 0)
    }

    @Test("tcp: a refused configured port; the agent's listening port connects and is adopted")
    func tcpDiscovery() throws {
        let directory = try TemporaryDirectory()
        let listener = try LoopbackListener()
        let runner = makeRunner(directory) { [listener.port] }
        let started = runner.start(spec(.tcp, port: try unusedLoopbackPort(), timeout: 5), generation: 2, now: MonotonicClock.now())
        let result = try #require(try drive(runner, [], started: started))
        #expect(result.discoveredPort == listener.port)
        #expect(result.outcome == .healthy)
    }

    @Test("no listening ports: the failure is reported at once, as without discover")
    func noCandidates() throws {
        let directory = try TemporaryDirectory()
        let runner = makeRunner(directory) { [] }
        let started = runner.start(spec(port: try unusedLoopbackPort()), generation: 1, now: MonotonicClock.now())
        let result = try #require(try drive(runner, [], started: started))
        #expect(result.outcome == .unhealthy("no answer within 300ms"))
        #expect(result.discoveredPort == nil)
    }
}

import CZeroMQ
import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// Health probes against real sockets and processes. Synchronous tests: libzmq sockets stay on
/// the thread that made them, and exec probes' parent thread outlives them.
@Suite("ProbeRunner runs zmq, tcp and exec health probes without blocking")
struct ProbeRunnerTests {
    private func makeRunner(_ directory: TemporaryDirectory) -> ProbeRunner {
        ProbeRunner(launcher: AgentLauncher(baseDirectory: directory.path, inheritedEnvironment: ["PATH": "/usr/bin:/bin"]))
    }

    private func spec(_ kind: HealthCheckSpec.Kind, port: Int? = nil, command: [String] = [], timeout: TimeInterval = 10) -> AgentSpec {
        var spec = AgentSpec(name: "worker", host: "mainpc", command: ["/bin/true"])
        spec.health.kind = kind
        spec.health.port = port
        spec.health.command = command
        spec.health.timeout = timeout
        return spec
    }

    /// One zmq probe answered with `reply`.
    private func zmqOutcome(_ reply: String) throws -> ProbeOutcome? {
        let directory = try TemporaryDirectory()
        let responder = try HealthResponder()
        let runner = makeRunner(directory)
        #expect(runner.start(spec(.zmq, port: responder.port), generation: 1, now: MonotonicClock.now()) == nil)
        let result = try responder.exchange(runner, agent: "worker", reply: reply)
        #expect(responder.requests == [HealthReply.request])
        return result?.outcome
    }

    @Test("zmq: initializing is not ready, then ok is healthy; the result keeps the generation")
    func zmqInitializingThenOK() throws {
        let directory = try TemporaryDirectory()
        let responder = try HealthResponder()
        let runner = makeRunner(directory)
        let spec = spec(.zmq, port: responder.port)
        #expect(runner.start(spec, generation: 7, now: MonotonicClock.now()) == nil)
        #expect(runner.pollItems().map(\.agent) == ["worker"])
        let first = try #require(try responder.exchange(runner, agent: "worker", reply: #"{"status": "initializing"}"#))
        #expect(first.generation == 7)
        #expect(first.outcome == .notReady("status initializing"))
        #expect(runner.pollItems().isEmpty, "a finished probe leaves nothing to poll")
        #expect(runner.nextDeadline == nil)
        #expect(runner.start(spec, generation: 7, now: MonotonicClock.now()) == nil)
        let second = try #require(try responder.exchange(runner, agent: "worker", reply: #"{"status": "ok"}"#))
        #expect(second.outcome == .healthy)
        #expect(responder.requests == [HealthReply.request, HealthReply.request])
    }

    @Test("zmq: ok (any case) is healthy")
    func zmqOK() throws {
        #expect(try zmqOutcome(#"{"status": "OK", "message": "all good"}"#) == .healthy)
    }

    @Test("zmq: degraded is unhealthy, with the agent's message")
    func zmqDegraded() throws {
        #expect(try zmqOutcome(#"{"status": "degraded", "message": "disk full"}"#) == .unhealthy("status degraded: disk full"))
    }

    @Test("zmq: a reply that is not JSON is unhealthy")
    func zmqNotJSON() throws {
        let outcome = try zmqOutcome("pong")
        guard case .unhealthy(let reason) = outcome else {
            Issue.record("expected unhealthy, got \(String(describing: outcome))")
            return
        }
        #expect(reason.contains("not a JSON object"))
    }

    @Test("zmq: a probe where nothing listens times out via expire(now:) at its deadline")
    func zmqTimeout() throws {
        let directory = try TemporaryDirectory()
        let runner = makeRunner(directory)
        let started = MonotonicClock.now()
        #expect(runner.start(spec(.zmq, port: try unusedLoopbackPort(), timeout: 0.5), generation: 3, now: started) == nil)
        #expect(runner.nextDeadline == started + 0.5)
        #expect(runner.expire(now: started + 0.49).isEmpty, "not expired before the timeout")
        var expired: [ProbeRunner.Result] = []
        try #require(waitUntil {
            var items = runner.pollItems().map(\.item)
            _ = zmq_poll(&items, Int32(items.count), 10)
            #expect(runner.complete("worker") == nil, "nothing can answer")
            expired = runner.expire(now: MonotonicClock.now())
            return !expired.isEmpty
        })
        #expect(MonotonicClock.now() - started >= 0.5)
        let result = try #require(expired.first)
        #expect(result.agent == "worker")
        #expect(result.generation == 3)
        guard case .unhealthy(let reason) = result.outcome else {
            Issue.record("expected unhealthy, got \(result.outcome)")
            return
        }
        #expect(reason.contains("no answer within"))
        #expect(runner.pollItems().isEmpty)
        #expect(runner.nextDeadline == nil)
    }

    @Test("zmq: after a timeout the next probe gets a fresh socket and its answer")
    func zmqAnswerAfterTimeout() throws {
        let directory = try TemporaryDirectory()
        let responder = try HealthResponder()
        let runner = makeRunner(directory)
        let spec = spec(.zmq, port: responder.port, timeout: 0.2)
        let started = MonotonicClock.now()
        #expect(runner.start(spec, generation: 1, now: started) == nil)
        // The responder stays silent: the probe times out and its REQ socket is stuck.
        #expect(runner.expire(now: started + 0.2).count == 1)
        var fresh = spec
        fresh.health.timeout = 10
        #expect(runner.start(fresh, generation: 1, now: MonotonicClock.now()) == nil)
        let result = try #require(try responder.exchange(runner, agent: "worker", reply: #"{"status": "ok"}"#))
        #expect(result.outcome == .healthy)
    }

    @Test("zmq: probes of one process reuse their socket; a new generation gets a new one")
    func zmqSocketReuse() throws {
        let directory = try TemporaryDirectory()
        let responder = try HealthResponder(.router)
        let runner = makeRunner(directory)
        let spec = spec(.zmq, port: responder.port)
        for generation in [1, 1, 2] {
            #expect(runner.start(spec, generation: generation, now: MonotonicClock.now()) == nil)
            let result = try #require(try responder.exchange(runner, agent: "worker", reply: #"{"status": "ok"}"#))
            #expect(result.outcome == .healthy)
            #expect(result.generation == generation)
        }
        try #require(responder.peers.count == 3)
        #expect(responder.peers[0] == responder.peers[1], "same generation, same REQ socket")
        #expect(responder.peers[1] != responder.peers[2], "a new process generation, a new REQ socket")
    }

    @Test("tcp: a listening port is healthy")
    func tcpListening() throws {
        let directory = try TemporaryDirectory()
        let listener = try LoopbackListener()
        let runner = makeRunner(directory)
        let outcome = runner.start(spec(.tcp, port: listener.port), generation: 1, now: MonotonicClock.now())?.outcome
            ?? awaitProbe(runner, agent: "worker")?.outcome
        #expect(outcome == .healthy)
    }

    @Test("tcp: a closed port is not ready")
    func tcpClosed() throws {
        let directory = try TemporaryDirectory()
        let runner = makeRunner(directory)
        let outcome = runner.start(spec(.tcp, port: try unusedLoopbackPort()), generation: 1, now: MonotonicClock.now())?.outcome
            ?? awaitProbe(runner, agent: "worker")?.outcome
        guard case .notReady(let reason) = outcome else {
            Issue.record("expected notReady, got \(String(describing: outcome))")
            return
        }
        #expect(reason.contains(String(cString: strerror(ECONNREFUSED))))
    }

    @Test("exec: /bin/true is healthy, /bin/false unhealthy")
    func execExitCode() throws {
        let directory = try TemporaryDirectory()
        let runner = makeRunner(directory)
        #expect(runner.start(spec(.exec, command: ["/bin/true"]), generation: 1, now: MonotonicClock.now()) == nil)
        #expect(awaitProbe(runner, agent: "worker")?.outcome == .healthy)
        #expect(runner.start(spec(.exec, command: ["false"]), generation: 1, now: MonotonicClock.now()) == nil)
        #expect(awaitProbe(runner, agent: "worker")?.outcome == .unhealthy("health command exit code 1"))
    }

    @Test("exec: a health command that cannot be found is unhealthy at once")
    func execMissingCommand() throws {
        let directory = try TemporaryDirectory()
        let runner = makeRunner(directory)
        let outcome = runner.start(spec(.exec, command: ["no-such-check"]), generation: 1, now: MonotonicClock.now())?.outcome
        guard case .unhealthy(let reason) = outcome else {
            Issue.record("expected unhealthy, got \(String(describing: outcome))")
            return
        }
        #expect(reason.contains("no-such-check"))
        #expect(runner.pollItems().isEmpty)
    }

    @Test("exec: a health command that hangs is killed when its probe expires")
    func execTimeoutKillsCommand() throws {
        let directory = try TemporaryDirectory()
        let runner = makeRunner(directory)
        let started = MonotonicClock.now()
        #expect(runner.start(spec(.exec, command: ["/bin/sleep", "100"], timeout: 1), generation: 1, now: started) == nil)
        guard case .exec(let pid, _)? = runner.flights["worker"]?.wait else {
            Issue.record("no exec probe in flight")
            return
        }
        defer { ProcessState.killIfAlive(pid) }
        #expect(ProcessState.isAlive(pid))
        let expired = runner.expire(now: started + 1)
        #expect(expired.map(\.agent) == ["worker"])
        #expect(!ProcessState.isAlive(pid), "the hanging health command is killed and reaped")
    }

    @Test("none: healthy at once, nothing in flight")
    func noneIsHealthy() throws {
        let directory = try TemporaryDirectory()
        let runner = makeRunner(directory)
        #expect(runner.start(spec(.none), generation: 1, now: MonotonicClock.now())?.outcome == .healthy)
        #expect(runner.pollItems().isEmpty)
    }
}

import Foundation
import SupervisorModel

/// Health-port discovery: when the configured port does not answer, every port the agent's
/// processes listen on is probed at once, each with a fresh socket, and the first in the order
/// of `HealthPortCandidates` that answers the health protocol (healthy, or not ready yet) is
/// adopted; an earlier port that may still answer is waited for, until the probe's timeout.
extension ProbeRunner {
    /// The configured port failed with `outcome`: with `discover`, starts a discovery round over
    /// the agent's other listening ports; else (or with none) the failure is the result.
    func failed(_ flight: Flight, _ outcome: ProbeOutcome, now: TimeInterval) -> Result? {
        let agent = flight.spec.name
        let failure = Result(agent: agent, generation: flight.generation, outcome: outcome)
        guard flight.mayDiscover else { return failure }
        let ports = HealthPortCandidates.order(
            listening: listeningPorts(flight.spec), configured: flight.port, agentPort: flight.spec.port)
        guard !ports.isEmpty else { return failure }
        let health = flight.spec.health
        let candidates = ports.map { port -> Candidate in
            switch health.kind {
            case .zmq:
                do {
                    let socket = try Self.requestSocket(address: health.probeAddress, port: port)
                    do {
                        try socket.send(HealthReply.request, dontWait: true)
                    } catch {
                        socket.close()
                        throw error
                    }
                    return Candidate(port: port, wait: .zmq(socket))
                } catch {
                    return Candidate(port: port, wait: .tcp(-1), answer: .unhealthy("cannot send the health request: \(error)"))
                }
            default:
                switch TCPConnectProbe.begin(address: health.probeAddress, port: port) {
                case .connected: return Candidate(port: port, wait: .tcp(-1), answer: .healthy)
                case .refused(let reason): return Candidate(port: port, wait: .tcp(-1), answer: .notReady(reason))
                case .pending(let fd): return Candidate(port: port, wait: .tcp(fd))
                }
            }
        }
        var round = Flight(spec: flight.spec, generation: flight.generation, port: nil, wait: .discovery(candidates),
                           deadline: now + health.timeout)
        round.failure = outcome
        store(round)
        return settleDiscovery(agent, final: false)
    }

    /// Reads the answers that have come in, then settles the round if it can be.
    func collectDiscoveryAnswers(_ agent: String) -> Result? {
        guard let flight = flights[agent], case .discovery(var candidates) = flight.wait else { return nil }
        let expected = flight.spec
        for index in candidates.indices where candidates[index].answer == nil {
            switch candidates[index].wait {
            case .zmq(let socket):
                guard let reply = try? socket.receiveMessage(dontWait: true) else { continue }
                candidates[index].answer = HealthReply.interpret(
                    reply.last ?? [], healthy: expected.health.healthyStatus, notReady: expected.health.notReadyStatus,
                    expecting: Self.expectation(expected, port: candidates[index].port))
                // Answered: kept open (it may be adopted) but no longer watched.
                unwatch(candidates[index].wait)
            case .tcp(let fd):
                guard let outcome = TCPConnectProbe.check(fd) else { continue }
                // `check` closed it.
                unwatch(candidates[index].wait)
                candidates[index].answer = outcome
                candidates[index].wait = .tcp(-1)
            default:
                continue
            }
        }
        flights[agent]?.wait = .discovery(candidates)
        return settleDiscovery(agent, final: false)
    }

    /// The round's result once it is known: the first port, in order, that answered the
    /// protocol, as soon as every port before it has failed; at the deadline (`final`), the
    /// ports still silent count as failed. Nil while it must wait.
    func settleDiscovery(_ agent: String, final: Bool) -> Result? {
        guard let flight = flights[agent], case .discovery(let candidates) = flight.wait else { return nil }
        var adopted: Candidate?
        for candidate in candidates {
            guard let answer = candidate.answer else {
                if final { continue }
                return nil
            }
            if Self.speaksProtocol(answer, kind: flight.spec.health.kind) {
                adopted = candidate
                break
            }
        }
        takeFlight(agent)
        for candidate in candidates where candidate.port != adopted?.port { Self.release(candidate.wait) }
        if let adopted, let answer = adopted.answer {
            if case .zmq(let socket) = adopted.wait {
                // It answered, so it is not stuck: the next probes of this port reuse it.
                closeIdleSocket(of: agent)
                idleSockets[agent] = (flight.generation, adopted.port, socket)
            }
            return Result(agent: agent, generation: flight.generation, outcome: answer, discoveredPort: adopted.port)
        }
        let tried = candidates.map { candidate in
            "\(candidate.port) \(candidate.answer?.problem ?? "no answer")"
        }.joined(separator: "; ")
        let outcome: ProbeOutcome
        switch flight.failure ?? .unhealthy("no answer") {
        case .notReady(let message): outcome = .notReady("\(message) (its other listening ports: \(tried))")
        case .unhealthy(let message): outcome = .unhealthy("\(message) (its other listening ports: \(tried))")
        case let other: outcome = other
        }
        return Result(agent: agent, generation: flight.generation, outcome: outcome)
    }

    /// A port is adopted when its answer is healthy, or (zmq) says it is not ready yet: that is
    /// the agent's health socket. An error status, garbage or another agent's name is not.
    static func speaksProtocol(_ answer: ProbeOutcome, kind: HealthCheckSpec.Kind) -> Bool {
        switch answer {
        case .healthy: true
        case .notReady: kind == .zmq
        case .unhealthy, .wrongAgent: false
        }
    }
}

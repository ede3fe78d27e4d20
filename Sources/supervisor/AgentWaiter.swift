import Foundation
import SupervisorCore
import SupervisorModel

/// `--wait`: after a command was accepted, asks each host for the status of the agents it
/// named until every one has reached the goal, settled elsewhere (failed, exited), or the
/// timeout has passed. The command's reply comes after the supervisor acted (a restarted agent
/// is already stopping), so a `ready` seen afterwards is the new process's.
struct AgentWaiter {
    let context: ClientContext
    let goal: WaitGoal
    let timeout: Double

    /// One agent's outcome, as the text and `--json` output give it.
    struct Outcome: Codable, Equatable {
        var host: String
        var agent: String
        /// The command's answer ("restarting", "stopping", "added", ...).
        var result: String
        var state: String?
        var verdict: WaitVerdict?
        var cause: String?
    }

    /// Waits for `outcomes` (each agent as the command's reply named it) and returns them with
    /// state and verdict filled in. `gone` names agents a reload removed: reached once the host
    /// no longer reports them.
    func wait(for outcomes: [Outcome], gone: Set<String> = []) throws -> [Outcome] {
        var results = outcomes
        let deadline = MonotonicClock.now() + timeout
        var pending = Set(results.indices)
        while !pending.isEmpty {
            for (hostName, indices) in Dictionary(grouping: pending, by: { results[$0].host }) {
                guard let host = context.hosts[hostName] else { continue }
                // Asking for an agent the host no longer has is an error: with removed agents
                // about, ask for all and look for them.
                let names = indices.contains { gone.contains(results[$0].agent) } ? [] : indices.map { results[$0].agent }
                switch try context.client(for: host).request(.status(agents: names), as: HostStatus.self, timeout: 5) {
                case .success(let status):
                    let byName = Dictionary(status.agents.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
                    for index in indices {
                        let name = results[index].agent
                        guard let agent = byName[name] else {
                            results[index].state = "removed"
                            results[index].verdict = gone.contains(name) ? .reached : .missed
                            if !gone.contains(name) { results[index].cause = "no longer on \(hostName)" }
                            pending.remove(index)
                            continue
                        }
                        results[index].state = agent.state.rawValue
                        if gone.contains(name) { continue }
                        if let verdict = goal.verdict(for: agent.state) {
                            results[index].verdict = verdict
                            if verdict == .missed { results[index].cause = Self.cause(of: agent) }
                            pending.remove(index)
                        } else {
                            results[index].cause = agent.stateReason
                        }
                    }
                case .failure(let error) where error.code == .unreachable:
                    for index in indices {
                        results[index].verdict = .missed
                        results[index].cause = "the supervisor of \(hostName) stopped answering"
                        pending.remove(index)
                    }
                case .failure(let error):
                    throw fail(error, host: host)
                }
            }
            if pending.isEmpty { break }
            if MonotonicClock.now() >= deadline {
                for index in pending {
                    results[index].verdict = .timedOut
                    let state = results[index].state ?? "unknown"
                    let reason = results[index].cause.map { ": \($0)" } ?? ""
                    results[index].cause = "still \(state) after \(FixedPoint.text(timeout, places: 0)) s\(reason)"
                }
                break
            }
            usleep(100_000)
        }
        return results
    }

    /// Why an agent did not get there, in the words `up --detach` uses.
    static func cause(of agent: AgentStatus) -> String {
        agent.cause?.text ?? agent.failureReason ?? agent.lastExit?.text ?? agent.stateReason ?? agent.state.rawValue
    }

    /// Prints each outcome (text or JSON) and fails with exit 1 naming those that missed.
    func report(_ results: [Outcome], json: Bool) throws {
        if json {
            try printJSON(results)
        } else {
            for outcome in results {
                let verdict = outcome.verdict == .reached ? (outcome.state ?? goal.word) : "not \(goal.word)"
                print("\(outcome.host)/\(outcome.agent): \(verdict)\(outcome.verdict == .reached ? "" : outcome.cause.map { ": \($0)" } ?? "")")
            }
        }
        let missed = results.filter { $0.verdict != .reached }
        guard missed.isEmpty else {
            let names = missed.map { "\($0.host)/\($0.agent)" }.joined(separator: ", ")
            printError("not \(goal.word): \(names)")
            throw CLIExit.failure
        }
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// A fake I/O layer around `HostSupervisor` for tests: a fake clock, fake pids, timers in a
/// dictionary, and a record of every action.
///
/// `.spawn` is answered at once with `.spawned` (or `.spawnFailed` for agents listed in
/// `failingSpawns`); `.setTimer` is remembered and fired by `advance(to:)` in due order;
/// `.probe` is left for the test to answer (or answered healthy when `answerProbesHealthy`).
struct SupervisorDriver {
    var supervisor: HostSupervisor
    private(set) var now: TimeInterval = 0
    /// Pending timers and when they are due.
    private(set) var timers: [TimerKey: TimeInterval] = [:]
    /// Probes asked for and not answered yet: agent -> generation.
    private(set) var pendingProbes: [String: Int] = [:]
    /// Every action so far, with the time it was produced.
    private(set) var log: [(at: TimeInterval, action: SupervisorAction)] = []
    /// Agents whose spawns fail, with the launcher's reason.
    var failingSpawns: [String: String] = [:]
    var answerProbesHealthy: Bool
    private var nextPid: Int32 = 1000

    init(_ supervisor: HostSupervisor, answerProbesHealthy: Bool = false) {
        self.supervisor = supervisor
        self.answerProbesHealthy = answerProbesHealthy
    }

    /// A driver for host `h` of a manifest given as YAML; the manifest must have no errors.
    /// `keepGoing` as `up --keep-going`.
    init(yaml: String, host: String = "h", answerProbesHealthy: Bool = false, keepGoing: Bool = false) throws {
        let result = ManifestLoader.load(text: yaml, file: "test.yaml", environment: [:])
        try #require(!result.issues.hasErrors, "\(result.issues.map(\.description))")
        let manifest = try #require(result.manifest)
        self.init(HostSupervisor(manifest: manifest, host: host, keepGoing: keepGoing), answerProbesHealthy: answerProbesHealthy)
    }

    /// Feeds one event, plus the launcher's answers to any spawns it causes, at the current time.
    @discardableResult
    mutating func send(_ event: SupervisorEvent) -> [SupervisorAction] {
        var queue = [event]
        var produced: [SupervisorAction] = []
        while !queue.isEmpty {
            let actions = supervisor.handle(queue.removeFirst(), now: now)
            for action in actions {
                log.append((now, action))
                switch action {
                case .spawn(let agent):
                    if let reason = failingSpawns[agent] {
                        queue.append(.spawnFailed(agent: agent, reason: reason))
                    } else {
                        queue.append(.spawned(agent: agent, pid: nextPid))
                        nextPid += 1
                    }
                case .setTimer(let key, let after):
                    timers[key] = now + after
                case .probe(let agent, let generation):
                    if answerProbesHealthy {
                        queue.append(.probed(agent: agent, generation: generation, outcome: .healthy))
                    } else {
                        pendingProbes[agent] = generation
                    }
                default:
                    break
                }
            }
            produced += actions
        }
        return produced
    }

    /// Moves the clock to `time`, firing every timer due by then in order of due time.
    @discardableResult
    mutating func advance(to time: TimeInterval) -> [SupervisorAction] {
        var produced: [SupervisorAction] = []
        while let (key, due) = timers.filter({ $0.value <= time })
            .min(by: { ($0.value, $0.key.description) < ($1.value, $1.key.description) }) {
            timers[key] = nil
            now = max(now, due)
            produced += send(.timerFired(key))
        }
        now = max(now, time)
        return produced
    }

    /// Answers the agent's pending probe.
    @discardableResult
    mutating func answerProbe(
        _ agent: String, _ outcome: ProbeOutcome, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [SupervisorAction] {
        let generation = try #require(pendingProbes[agent], "no probe pending for \(agent)", sourceLocation: sourceLocation)
        pendingProbes[agent] = nil
        return send(.probed(agent: agent, generation: generation, outcome: outcome))
    }

    /// Answers the agent's pending probe from a port discovery found.
    @discardableResult
    mutating func answerProbe(
        _ agent: String, onDiscoveredPort port: Int, _ outcome: ProbeOutcome,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [SupervisorAction] {
        let generation = try #require(pendingProbes[agent], "no probe pending for \(agent)", sourceLocation: sourceLocation)
        pendingProbes[agent] = nil
        return send(.healthPortDiscovered(agent: agent, generation: generation, port: port, outcome: outcome))
    }

    /// The agent's process exits with `code`.
    @discardableResult
    mutating func exit(_ agent: String, code: Int32) -> [SupervisorAction] {
        send(.exited(agent: agent, status: .code(code)))
    }

    /// The agent's process is killed by `signal`.
    @discardableResult
    mutating func kill(_ agent: String, signal: Int32) -> [SupervisorAction] {
        send(.exited(agent: agent, status: .signal(signal, coreDumped: false)))
    }

    // MARK: Reading the record

    func state(_ agent: String) -> AgentState? { supervisor.runtimes[agent]?.state }

    func runtime(_ agent: String) -> AgentRuntime? { supervisor.runtimes[agent] }

    /// When the agent was asked to spawn.
    func spawnTimes(_ agent: String) -> [TimeInterval] {
        log.filter { $0.action == .spawn(agent: agent) }.map(\.at)
    }

    /// The reasons of the agent's state changes to `state`, in order.
    func reasons(_ agent: String, to state: AgentState) -> [String] {
        log.compactMap { if case .announce(let change) = $0.action, change.agent == agent, change.to == state { change.reason } else { nil } }
    }

    /// The agent's status, as `status` reports it now.
    func status(_ agent: String) -> AgentStatus? {
        supervisor.status(of: [agent], now: now, supervisorPid: 1).agents.first
    }

    /// The signals sent to the agent, in order.
    func signals(to agent: String) -> [Int32] {
        log.compactMap { if case .signal(agent, let signal) = $0.action { signal } else { nil } }
    }

    /// Every start-up summary emitted.
    var summaries: [StartupSummary] {
        log.compactMap { if case .startupFinished(let summary) = $0.action { summary } else { nil } }
    }

    /// How many `.exit` actions were emitted.
    var exitCount: Int { log.filter { $0.action == .exit }.count }

    /// Index in the log of the first action matching, for ordering checks.
    func firstIndex(of action: SupervisorAction) -> Int? {
        log.firstIndex { $0.action == action }
    }
}

extension Array where Element == SupervisorAction {
    /// The agents asked to spawn by these actions.
    var spawned: [String] { compactMap { if case .spawn(let agent) = $0 { agent } else { nil } } }

    /// The timers these actions set.
    var timers: [(key: TimerKey, after: TimeInterval)] {
        compactMap { if case .setTimer(let key, let after) = $0 { (key, after) } else { nil } }
    }

    /// The signals these actions send, as (agent, signal).
    var signals: [(agent: String, signal: Int32)] {
        compactMap { if case .signal(let agent, let signal) = $0 { (agent, signal) } else { nil } }
    }

    /// The state changes these actions announce, as "agent:state".
    var transitions: [String] {
        compactMap { if case .announce(let change) = $0 { "\(change.agent):\(change.to.rawValue)" } else { nil } }
    }
}

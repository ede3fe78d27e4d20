import Foundation

/// The decisions of one host's supervisor, as a pure state machine: events in, actions out.
///
/// It decides when each agent starts (the moment its dependencies are ready), when it is ready,
/// when and how fast it restarts, when it has failed for good, and in which order everything
/// stops. It performs nothing itself: `SupervisorCore` turns the actions into processes,
/// probes, signals and timers and feeds the results back as events. Time is passed in, so tests
/// drive it with a fake clock.
public struct HostSupervisor: Sendable {
    /// The life of the supervisor as a whole.
    public enum Phase: Equatable, Sendable {
        /// Nothing started yet.
        case idle
        /// Start-up in progress (until every agent is ready or given up on).
        case starting
        /// Start-up has ended; supervising.
        case running
        /// Stopping everything; ends with `.exit`.
        case shuttingDown
    }

    /// How often an agent that is starting (answering `initializing`) is probed: readiness is
    /// seen within about this long after it comes, at every dependency level of a start-up.
    /// 10 ms made that lag 5 ms a level on average; a probe costs the supervisor some 20 us.
    public static let startupProbeInterval: TimeInterval = 0.005

    public let host: String
    /// Agent names in manifest order (agents removed by a reload last, until their process
    /// is gone).
    public internal(set) var order: [String]
    /// Every agent's id (its index in the tables below), in the order of `order`; renumbered
    /// at reload.
    public internal(set) var index: AgentIndex
    /// Specs by agent, read by name or (inside the model) by id.
    public internal(set) var specs: AgentTable<AgentSpec>
    public internal(set) var graph: DependencyGraph
    /// Runtimes by agent, read by name or (inside the model) by id.
    public internal(set) var runtimes: AgentTable<AgentRuntime>
    /// Unmet dependencies per start step and running dependents per step
    /// (`DependencyCounters`), kept by `move`.
    var counters: DependencyCounters
    /// Agents per state, kept by `move`.
    var tally = AgentStateTally()
    /// Agents that went down for good or back to `waiting` since the last start scan: agents
    /// behind them may now start without them (or be blocked by them).
    var downChanged: [AgentID] = []
    /// During shutdown: agents that began running again (a restart that was under way) and
    /// must be looked at by the shutdown.
    var stopCandidates: Set<AgentID> = []
    public internal(set) var phase: Phase = .idle
    /// When `.startAll` arrived.
    public internal(set) var startupBegan: TimeInterval?
    var exitAnnounced = false
    /// Agents removed by a reload whose process has not exited yet.
    public internal(set) var retiring: Set<String> = []
    /// Dependencies of each local agent on agents of other hosts.
    public internal(set) var remoteDependencies: [String: [RemoteAgent]] = [:]
    /// The last state other hosts' supervisors reported for the remote agents depended on.
    public internal(set) var remoteStates: [RemoteAgent: AgentState] = [:]
    /// Whether each host with a remote dependency answers.
    public internal(set) var remoteHosts: [String: RemoteHostState] = [:]
    /// The start period of each remote agent depended on (from the shared manifest).
    var remoteStartPeriods: [RemoteAgent: TimeInterval] = [:]
    /// Remote dependencies that are not required, not ready, and waited for since then.
    var remoteWaitingSince: [RemoteAgent: TimeInterval] = [:]
    /// Remote dependencies that are not required and were not ready within their start period
    /// of waiting: they no longer hold their dependents back (until they are ready again).
    public internal(set) var remoteOverdue: Set<RemoteAgent> = []
    /// `up --keep-going`: a dependency that is down for good no longer holds its dependents
    /// back, required or not.
    public internal(set) var keepGoing: Bool
    /// Local agents that some local agent depends on with `condition: started`.
    var startedConditionTargets: Set<String> = []
    /// Local agents depending on each remote agent, in manifest order.
    var remoteDependents: [RemoteAgent: [String]] = [:]
    /// Something happened that may let a waiting agent start (an agent went down for good, was
    /// spawned, missed its start period, a remote agent changed): look again before returning.
    var dependentsMayStart = false

    /// The bound on agents starting at once, and the starts waiting for a slot.
    public internal(set) var starts: StartGate

    /// The supervisor of `host`'s agents in `manifest`; `keepGoing` as `up --keep-going`.
    /// `startLimit` (from `up --max-concurrent-starts`) overrides the manifest's
    /// `max_concurrent_starts`; `machineCores` gives the default bound
    /// (`StartGate.defaultLimit`; 8 without it).
    public init(
        manifest: Manifest, host: String, keepGoing: Bool = false, startLimit: Int? = nil, machineCores: Int? = nil
    ) {
        self.host = host
        self.keepGoing = keepGoing
        let agents = manifest.agents(on: host)
        order = agents.map(\.name)
        index = AgentIndex(order)
        specs = AgentTable(index: index, values: agents)
        graph = DependencyGraph(manifest: manifest, host: host)
        runtimes = AgentTable(index: index, values: agents.map { AgentRuntime(restart: $0.restart) })
        counters = DependencyCounters(index: index, graph: graph, specs: specs, runtimes: runtimes)
        for id in (0..<index.count).map(AgentID.init) { tally.add(id, .waiting) }
        startedConditionTargets = Self.startedConditionTargets(agents)
        starts = StartGate(override: startLimit, fallback: machineCores.map(StartGate.defaultLimit) ?? StartGate.defaultWithoutCores)
        starts.configure(manifest, graph: graph, specs: specs)
        learnRemoteDependencies(from: manifest)
    }

    /// Applies one event at time `now` and returns what must be done.
    public mutating func handle(_ event: SupervisorEvent, now: TimeInterval) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        switch event {
        case .startAll:
            guard phase == .idle else { break }
            phase = .starting
            startupBegan = now
            counters.released.formUnion(0..<counters.stepCount)
            startAgentsWhoseDependenciesAreReady(now: now, &actions)
        case .spawned(let agent, let pid):
            onSpawned(agent, pid: pid, now: now, &actions)
        case .spawnFailed(let agent, let reason):
            onSpawnFailed(agent, reason: reason, now: now, &actions)
        case .exited(let agent, let status, let cause):
            onExited(agent, status: status, cause: cause, now: now, &actions)
        case .oomKilled(let agent, let status, let cause):
            onExited(agent, status: status, cause: cause, outOfMemory: true, now: now, &actions)
        case .memoryLimitExceeded(let agent, let rss, let limit):
            beginStop(agent, reason: .memoryLimit,
                      because: "memory \(Quantity.describe(bytes: rss)) is above its limit \(Quantity.describe(bytes: limit))",
                      now: now, &actions)
        case .probed(let agent, let generation, let outcome):
            onProbed(agent, generation: generation, outcome: outcome, now: now, &actions)
        case .healthPortDiscovered(let agent, let generation, let port, let outcome):
            onHealthPortDiscovered(agent, generation: generation, port: port, outcome: outcome, now: now, &actions)
        case .timerFired(let key):
            onTimer(key, now: now, &actions)
        case .startQuiet(let agent, let generation):
            onStartQuiet(agent, generation: generation)
        case .shutdown:
            onShutdown(now: now, &actions)
        case .remoteAgentChanged(let remote, let state):
            onRemoteAgentChanged(remote, state: state, now: now, &actions)
        case .remoteHostChanged(let remoteHost, let reachable):
            onRemoteHostChanged(remoteHost, reachable: reachable, now: now, &actions)
        }
        if dependentsMayStart { startAgentsWhoseDependenciesAreReady(now: now, &actions) }
        if phase == .shuttingDown {
            continueShutdown(now: now, &actions)
        } else {
            admitQueuedStarts(now: now, &actions)
            if phase == .starting { finishStartupIfSettled(now: now, &actions) }
        }
        return actions
    }

    /// Dependencies of the agent's start step: for a cycle, the union of its members' outside
    /// dependencies.
    func externalDependencies(of agent: String) -> [String] {
        guard let step = graph.stepOfAgent[agent] else { return [] }
        let members = Set(graph.steps[step].members)
        var result: [String] = []
        for member in graph.steps[step].members {
            for dep in graph.dependencies[member] ?? [] where !members.contains(dep) && !result.contains(dep) {
                result.append(dep)
            }
        }
        return result
    }

    /// Counts the agent's pid again after it changed outside `move` (spawned, reaped).
    mutating func recount(_ agent: String) {
        guard let id = index[agent], let runtime = runtimes[id] else { return }
        counters.update(id, runtime)
    }

    /// Changes an agent's state and announces it; `cause` when the change follows an exit and
    /// its output said why.
    mutating func move(
        _ agent: String, to state: AgentState, because reason: String, cause: FailureCause? = nil, now: TimeInterval,
        _ actions: inout [SupervisorAction]
    ) {
        let id = index[agent]!
        let from = runtimes[id]!.state
        runtimes[id]!.state = state
        runtimes[id]!.stateReason = reason
        tally.move(id, from: from, to: state)
        // The one place the counters follow a state change: O(the agent's dependents).
        counters.update(id, runtimes[id]!)
        // An agent down for good may release dependents that do not require it; one waiting
        // again may block those that do (and must itself be looked at).
        if state.isSettledDown { dependentsMayStart = true }
        if phase != .shuttingDown && (state.isSettledDown || (state == .waiting && from != .waiting)) {
            downChanged.append(id)
        }
        if phase == .shuttingDown && (state == .starting || state == .ready) { stopCandidates.insert(id) }
        // Ready, exited, stopping, ...: no longer starting, so its start slot is free.
        if from == .starting && state != .starting { starts.release(agent) }
        actions.append(.announce(AgentTransition(
            agent: agent, from: from, to: state, pid: runtimes[id]!.pid, reason: reason, at: now, cause: cause)))
    }
}

/// How many agents are in each state, and which are waiting, kept by the state-change funnel
/// (`HostSupervisor.move`): start-up ends, and shutdown exits, without a scan of every agent.
struct AgentStateTally: Equatable, Sendable {
    private var counts = [Int](repeating: 0, count: AgentState.allCases.count)
    /// Agents in state `waiting`.
    private(set) var waiting: Set<AgentID> = []

    init() {}

    private static func slot(_ state: AgentState) -> Int {
        switch state {
        case .waiting: 0
        case .starting: 1
        case .ready: 2
        case .stopping: 3
        case .backoff: 4
        case .stopped: 5
        case .exited: 6
        case .failed: 7
        }
    }

    mutating func add(_ id: AgentID, _ state: AgentState) {
        counts[Self.slot(state)] += 1
        if state == .waiting { waiting.insert(id) }
    }

    mutating func remove(_ id: AgentID, _ state: AgentState) {
        counts[Self.slot(state)] -= 1
        if state == .waiting { waiting.remove(id) }
    }

    mutating func move(_ id: AgentID, from: AgentState, to: AgentState) {
        guard from != to else { return }
        remove(id, from)
        add(id, to)
    }

    func count(_ state: AgentState) -> Int { counts[Self.slot(state)] }

    /// Agents with a process (starting, ready, stopping).
    var withProcess: Int { count(.starting) + count(.ready) + count(.stopping) }

    /// Agents that may still change state by themselves: starting, stopping, or a restart due.
    var active: Int { count(.starting) + count(.stopping) + count(.backoff) }
}

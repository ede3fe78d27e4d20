/// The start and stop bookkeeping of `HostSupervisor`, kept as counters so that an event costs
/// the degree of the agent whose state changed, not a scan of every agent.
///
/// Per start step: how many of its members' dependencies (edges to local agents outside the
/// step) are not met, i.e. not ready, or not running for `condition: started`. Per step: how many
/// agents that depend on it (from other steps) still have a process; shutdown stops a step's
/// agents when that reaches 0. Both change only in `update`, which the one state-change funnel
/// (`HostSupervisor.move`) and the pid changes call. Built from scratch at start and reload.
struct DependencyCounters: Equatable, Sendable {
    /// One dependency of a member of `step` on the agent holding this edge.
    struct Edge: Equatable, Sendable {
        var step: Int
        /// `condition: started`: met once the process runs.
        var started: Bool
    }

    /// What was last counted for an agent.
    struct Counted: Equatable, Sendable {
        var ready = false
        var running = false
        var process = false
    }

    /// Step of each agent; -1 for an agent outside the graph (removed by a reload, retiring).
    private(set) var stepOf: [Int]
    /// Members of each step, in manifest order.
    private(set) var members: [[AgentID]]
    /// Steps each step depends on.
    private(set) var dependsOn: [[Int]]
    /// Edges of dependents (in other steps) on each agent.
    private(set) var incoming: [[Edge]]
    /// Per step: dependencies of its members that are not met.
    private(set) var unmet: [Int]
    /// Per step: agents of steps depending on it that have a process.
    private(set) var runningDependents: [Int]
    /// Per step: a dependency was (or is) down, waiting, or late, or it has remote dependencies:
    /// a verdict may be `skipped`, so it is looked at again whenever a dependency becomes met.
    var mayStartWithout: [Bool]
    private var counted: [Counted]

    /// Steps whose dependencies may now let them start (met, or one fewer pending with a
    /// possible skip); the start scan takes them.
    var released: Set<Int> = []
    /// Steps whose running dependents reached 0; the shutdown takes them while `collectsStops`.
    var emptied: Set<Int> = []
    var collectsStops = false

    /// Counters for the agents of `index` (graph members and others), with their current
    /// specs and runtimes.
    init(index: AgentIndex, graph: DependencyGraph, specs: AgentTable<AgentSpec>, runtimes: AgentTable<AgentRuntime>) {
        let count = index.count
        stepOf = Array(repeating: -1, count: count)
        members = graph.steps.map { $0.members.compactMap { index[$0] } }
        dependsOn = graph.steps.map(\.dependsOn)
        for (step, ids) in members.enumerated() {
            for id in ids { stepOf[id.index] = step }
        }
        incoming = Array(repeating: [], count: count)
        unmet = Array(repeating: 0, count: graph.steps.count)
        runningDependents = Array(repeating: 0, count: graph.steps.count)
        mayStartWithout = Array(repeating: false, count: graph.steps.count)
        counted = Array(repeating: Counted(), count: count)
        for id in (0..<count).map(AgentID.init) {
            let step = stepOf[id.index]
            guard step >= 0, let spec = specs[id] else { continue }
            for dependency in spec.dependencies {
                guard let target = index[dependency.name], stepOf[target.index] >= 0 else {
                    // Another host's agent (or an unknown one): the verdict decides each time.
                    if index[dependency.name] == nil { mayStartWithout[step] = true }
                    continue
                }
                guard stepOf[target.index] != step else { continue }
                incoming[target.index].append(Edge(step: step, started: dependency.condition == .started))
                unmet[step] += 1
            }
        }
        for id in (0..<count).map(AgentID.init) {
            guard let runtime = runtimes[id] else { continue }
            update(id, runtime)
            if stepOf[id.index] >= 0 && (runtime.state == .waiting || runtime.state.isSettledDown || runtime.startPeriodMissed) {
                for edge in incoming[id.index] { mayStartWithout[edge.step] = true }
            }
        }
        released = []
        emptied = []
    }

    /// Counts the agent's state and pid again: O(its dependents + its step's dependencies).
    mutating func update(_ id: AgentID, _ runtime: AgentRuntime) {
        let now = Counted(
            ready: runtime.state == .ready,
            running: runtime.state == .ready || (runtime.state == .starting && runtime.pid != nil),
            process: runtime.state.hasProcess)
        let before = counted[id.index]
        guard now != before else { return }
        counted[id.index] = now
        if now.ready != before.ready || now.running != before.running {
            for edge in incoming[id.index] {
                let wasMet = edge.started ? before.running : before.ready
                let isMet = edge.started ? now.running : now.ready
                guard wasMet != isMet else { continue }
                unmet[edge.step] += isMet ? -1 : 1
                if isMet && (unmet[edge.step] == 0 || mayStartWithout[edge.step]) { released.insert(edge.step) }
            }
        }
        let step = stepOf[id.index]
        if now.process != before.process && step >= 0 {
            for dependency in dependsOn[step] {
                runningDependents[dependency] += now.process ? 1 : -1
                if runningDependents[dependency] == 0 && collectsStops { emptied.insert(dependency) }
            }
        }
    }

    /// Steps with a dependency on the agent (other steps only).
    func dependentSteps(of id: AgentID) -> [Int] {
        var result: [Int] = []
        for edge in incoming[id.index] where result.last != edge.step && !result.contains(edge.step) {
            result.append(edge.step)
        }
        return result
    }

    /// Marks the steps depending on the agent as possibly starting without it, and releases
    /// them for the next start scan.
    mutating func releaseDependents(of id: AgentID) {
        for edge in incoming[id.index] {
            mayStartWithout[edge.step] = true
            released.insert(edge.step)
        }
    }

    /// The step of an agent; nil outside the graph.
    func step(of id: AgentID) -> Int? {
        let step = stepOf[id.index]
        return step >= 0 ? step : nil
    }

    var stepCount: Int { members.count }
}

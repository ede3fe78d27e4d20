import Foundation

/// The host-wide bound on agents starting at once (`max_concurrent_starts`), so that a crash
/// storm (dozens of agents restarting over and over) or a wide start-up level cannot load the
/// machine past answering.
///
/// An agent holds a start slot from its spawn until it is ready, its process ends, it goes
/// quiet (the reactor sees it use next to no CPU while it waits: `.startQuiet`), or `settle`
/// has passed, whichever comes first: the expensive part of a start (an interpreter importing
/// its packages) is bounded, and an agent that waits, or takes long to become ready, does not
/// hold back the others. A start that finds no free slot (and every start while others wait) joins a
/// queue: during start-up the agent with the longest dependency chain behind it first, so the
/// critical path is not delayed; otherwise first come, first served.
public struct StartGate: Equatable, Sendable {
    /// How long a start holds its slot at most, unless the manifest says (`start_settle`).
    /// Short: with 4 slots the default manifest's mainpc (58 agents ready after 2 s each, a
    /// 16 s critical path) starts in 16.5 s, against 19 s with 1 s and 32 s with 2 s.
    public static let defaultSettle: TimeInterval = 0.5

    /// The bound when neither `up --max-concurrent-starts` nor the manifest sets one: twice the
    /// cores (4 on a 2-core machine, where 84 crash-looping Python agents then leave `status`
    /// answering in tens of milliseconds; with 8 it took about 150 ms, unbounded about 1 s).
    public static func defaultLimit(cores: Int) -> Int { max(2, 2 * cores) }

    /// The bound when the machine's cores are not given (the model on its own, in tests).
    public static let defaultWithoutCores = 8

    /// One start waiting for a slot.
    public struct Entry: Equatable, Sendable {
        public var agent: String
        /// Higher first (the remaining dependency chain, during start-up); then `sequence`.
        public var priority: Double
        public var sequence: Int
        /// A start because its dependencies became ready: it must still find them ready.
        public var needsDependencies: Bool
        /// Said when it starts: `dependencies ready`, `backoff over`, ...
        public var reason: String
        public var cause: FailureCause?
        /// When it joined the queue.
        public var since: TimeInterval
    }

    /// The bound in force: `up --max-concurrent-starts`, else the manifest's
    /// `max_concurrent_starts`, else `fallback`.
    public private(set) var limit: Int
    /// The longest a start holds its slot (`start_settle`).
    public private(set) var settle = StartGate.defaultSettle
    /// Set by `up --max-concurrent-starts`; outlasts reloads.
    public let override: Int?
    /// The default bound for this machine.
    public let fallback: Int
    /// More agents than slots: only then do starts set a settle timer.
    public private(set) var binds = false
    /// Per agent, the dependency chain behind it (predicted seconds), the priority of its
    /// starts during start-up.
    private var chains: [String: Double] = [:]
    /// Agents holding a slot.
    public private(set) var holders: Set<String> = []
    /// Waiting starts: a binary heap in admission order (priority, then sequence), with
    /// entries of dequeued starts left in it and skipped when they come up.
    private var heap = BinaryHeap<Entry>()
    /// Each queued agent's live entry (its sequence).
    private var queued: [String: Int] = [:]
    private var nextSequence = 0

    public init(override: Int? = nil, fallback: Int = StartGate.defaultWithoutCores) {
        self.override = override.map { max(1, $0) }
        self.fallback = max(1, fallback)
        limit = self.override ?? self.fallback
    }

    /// Takes the manifest's settings and graph (at start and at every reload).
    mutating func configure(_ manifest: Manifest, graph: DependencyGraph, specs: AgentTable<AgentSpec>) {
        limit = override ?? manifest.maxConcurrentStarts.map { max(1, $0) } ?? fallback
        settle = manifest.startSettle ?? Self.defaultSettle
        binds = specs.count > limit
        let remaining = graph.remainingChain { specs[$0]?.expectedReady ?? 0 }
        chains = [:]
        chains.reserveCapacity(graph.agents.count)
        for (index, step) in graph.steps.enumerated() {
            for member in step.members { chains[member] = remaining[index] }
        }
    }

    /// The priority of a start of `agent` now: its chain during start-up, else none (first come,
    /// first served).
    func priority(of agent: String, duringStartup: Bool) -> Double {
        duringStartup ? chains[agent] ?? 0 : 0
    }

    /// A start may go ahead now: a slot is free and nobody waits ahead of it.
    var admitsNow: Bool { holders.count < limit && queued.isEmpty }

    /// A slot is free for the head of the queue.
    var hasRoom: Bool { holders.count < limit }

    mutating func take(_ agent: String) { holders.insert(agent) }

    /// Frees the agent's slot; false when it held none.
    @discardableResult
    mutating func release(_ agent: String) -> Bool { holders.remove(agent) != nil }

    /// Queues a start; an agent already queued keeps its place. O(log n).
    mutating func enqueue(
        _ agent: String, priority: Double, needsDependencies: Bool, reason: String, cause: FailureCause?, now: TimeInterval
    ) {
        guard queued[agent] == nil else { return }
        nextSequence += 1
        queued[agent] = nextSequence
        heap.push(Entry(agent: agent, priority: priority, sequence: nextSequence, needsDependencies: needsDependencies,
                        reason: reason, cause: cause, since: now))
    }

    /// The next start to admit, taken off the queue. O(log n).
    mutating func next() -> Entry? {
        while let top = heap.popTop() {
            if queued[top.agent] == top.sequence {
                queued[top.agent] = nil
                return top
            }
        }
        return nil
    }

    /// Forgets a queued start (the agent was stopped, removed, or started another way). O(1):
    /// its entry is skipped when it comes up.
    mutating func dequeue(_ agent: String) {
        queued[agent] = nil
        if queued.isEmpty { heap.removeAll() }
    }

    /// Forgets every queued start (shutdown).
    mutating func clearQueue() {
        heap.removeAll()
        queued = [:]
    }

    public func isQueued(_ agent: String) -> Bool { queued[agent] != nil }

    /// Starts waiting for a slot.
    public var queuedCount: Int { queued.count }

    /// Waiting starts, in admission order (sorted on each call: for status and tests).
    public var queue: [Entry] {
        heap.elements.filter { queued[$0.agent] == $0.sequence }.sorted(by: Entry.comesBefore)
    }

    /// Every queued agent's position (1 for the next to start): one sort for all of them.
    public var positions: [String: Int] {
        var result: [String: Int] = [:]
        for (offset, entry) in queue.enumerated() { result[entry.agent] = offset + 1 }
        return result
    }

    /// `8 agents starting (max_concurrent_starts 8)`: why a queued agent waits.
    public var waitingReason: String {
        "\(holders.count) agent\(holders.count == 1 ? "" : "s") starting (max_concurrent_starts \(limit))"
    }
}

extension StartGate.Entry: HeapOrdered {
    /// Higher priority first; equal priorities in the order they were queued.
    public static func comesBefore(_ lhs: StartGate.Entry, _ rhs: StartGate.Entry) -> Bool {
        lhs.priority != rhs.priority ? lhs.priority > rhs.priority : lhs.sequence < rhs.sequence
    }
}

/// Start-up as a count: agents ready, and the lowest dependency level that still has one not
/// ready. Kept per change (`setReady`), so a progress line costs O(levels passed), not a look
/// at every agent.
public struct StartupTally: Sendable {
    public let levelCount: Int
    public private(set) var ready = 0
    public private(set) var total = 0
    private var notReadyByLevel: [Int]
    private var levelOf: [String: Int] = [:]
    private var isReady: Set<String> = []
    private var lowest = 0

    public init(graph: DependencyGraph) {
        levelCount = graph.levelCount
        notReadyByLevel = Array(repeating: 0, count: max(1, levelCount))
        for step in graph.steps {
            for member in step.members {
                levelOf[member] = step.level
                notReadyByLevel[step.level] += 1
                total += 1
            }
        }
    }

    /// Records that `agent` is (or is no longer) ready; agents not in the graph are ignored.
    public mutating func setReady(_ agent: String, _ nowReady: Bool) {
        guard let level = levelOf[agent], isReady.contains(agent) != nowReady else { return }
        if nowReady {
            isReady.insert(agent)
            notReadyByLevel[level] -= 1
            ready += 1
        } else {
            isReady.remove(agent)
            notReadyByLevel[level] += 1
            ready -= 1
            lowest = min(lowest, level)
        }
    }

    /// The lowest level (0-based) with an agent not ready; the last level when all are.
    public mutating func lowestLevelStarting() -> Int {
        while lowest < notReadyByLevel.count - 1 && notReadyByLevel[lowest] == 0 { lowest += 1 }
        return lowest
    }

    public mutating func line(elapsed: Double) -> StartupProgressLine {
        StartupProgressLine(ready: ready, total: total, level: lowestLevelStarting(), levelCount: levelCount, elapsed: elapsed)
    }
}

/// The lines that replace the status line when start-up ends: `mainpc: 58/58 ready in 8.4 s`,
/// one line per agent that failed, exited or is blocked (with its cause), and where the logs are.
public struct StartupConclusion: Equatable, Sendable {
    public var host: String
    public var ready: Int
    public var total: Int
    public var elapsed: Double
    /// `failed: X: cause`, `exited: Y: reason`, `blocked: Z (waits for X)`.
    public var problems: [String]
    public var logDirectory: String

    public init(host: String, ready: Int, total: Int, elapsed: Double, problems: [String], logDirectory: String) {
        self.host = host
        self.ready = ready
        self.total = total
        self.elapsed = elapsed
        self.problems = problems
        self.logDirectory = logDirectory
    }

    public var lines: [String] {
        ["\(host): \(ready)/\(total) ready in \(FixedPoint.text(elapsed, places: 1)) s"] + problems
            + ["logs: \(logDirectory)/ (supervisor.log, <agent>.log)"]
    }
}

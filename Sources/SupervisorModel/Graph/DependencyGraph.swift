/// The dependency graph of one host's agents, condensed into start steps.
///
/// Members of a dependency cycle form one step (a strongly connected component) and start
/// together once everything they depend on outside the cycle is ready.
public struct DependencyGraph: Equatable, Sendable {
    /// One start step: a single agent, or the members of a cycle.
    public struct Step: Equatable, Sendable {
        /// Agent names, in manifest order.
        public var members: [String]
        /// Indexes of the steps this one depends on.
        public var dependsOn: [Int]
        /// 0 for steps without dependencies; otherwise 1 + the deepest dependency's level.
        public var level: Int

        public var isCycle: Bool { members.count > 1 }
    }

    /// Agent names in manifest order.
    public let agents: [String]
    /// Direct dependencies of each agent, restricted to agents in the graph.
    public let dependencies: [String: [String]]
    /// Steps in a topological order (dependencies before dependents).
    public private(set) var steps: [Step] = []
    /// Agent name -> index in `steps`.
    public private(set) var stepOfAgent: [String: Int] = [:]

    /// Builds the graph from (name, dependencies) pairs; dependencies on names not in the list
    /// are ignored (the validator reports them).
    public init(agents: [(name: String, dependsOn: [String])]) {
        self.agents = agents.map(\.name)
        let known = Set(self.agents)
        var dependencies: [String: [String]] = [:]
        for agent in agents {
            var unique: [String] = []
            for dep in agent.dependsOn where known.contains(dep) && !unique.contains(dep) { unique.append(dep) }
            dependencies[agent.name] = unique
        }
        self.dependencies = dependencies
        buildSteps()
    }

    /// The graph of one host of a manifest.
    public init(manifest: Manifest, host: String) {
        self.init(agents: manifest.agents(on: host).map { ($0.name, $0.dependsOn) })
    }

    /// Number of levels (the depth of the condensed graph).
    public var levelCount: Int { (steps.map(\.level).max() ?? -1) + 1 }

    /// The level of an agent.
    public func level(of agent: String) -> Int? {
        stepOfAgent[agent].map { steps[$0].level }
    }

    /// Agents per level, in manifest order.
    public var levels: [[String]] {
        var result = Array(repeating: [String](), count: levelCount)
        for name in agents { if let level = level(of: name) { result[level].append(name) } }
        return result
    }

    /// Every cycle as a path that returns to its start: `[A, B, C, A]`. Self-dependencies too.
    public var cycles: [[String]] {
        var result: [[String]] = []
        for step in steps {
            if step.isCycle {
                result.append(cyclePath(within: Set(step.members), from: step.members[0]))
            } else if let only = step.members.first, dependencies[only]?.contains(only) == true {
                result.append([only, only])
            }
        }
        return result
    }

    /// The agents that directly depend on `agent`.
    public func dependents(of agent: String) -> [String] {
        agents.filter { dependencies[$0]?.contains(agent) == true }
    }

    /// The longest chain of steps by predicted time, where each step costs the longest expected
    /// ready time of its members. Returns the chain (earliest first) and its total.
    public func criticalPath(expectedReady: (String) -> Double) -> (steps: [Int], seconds: Double) {
        guard !steps.isEmpty else { return ([], 0) }
        var finish = [Double](repeating: 0, count: steps.count)
        var previous = [Int?](repeating: nil, count: steps.count)
        for (index, step) in steps.enumerated() {
            let cost = step.members.map(expectedReady).max() ?? 0
            var start = 0.0
            for dep in step.dependsOn where previous[index] == nil || finish[dep] > start {
                start = finish[dep]
                previous[index] = dep
            }
            finish[index] = start + cost
        }
        var end = finish.indices.max { finish[$0] < finish[$1] }!
        let total = finish[end]
        var chain = [end]
        while let before = previous[end] {
            chain.append(before)
            end = before
        }
        return (chain.reversed(), total)
    }

    /// For each step, the longest chain from it to the end of the graph (itself included) by
    /// predicted time: how much starting it late can delay the whole start-up. Start-up admits
    /// the agents with the longest chain first when starts are bounded.
    public func remainingChain(expectedReady: (String) -> Double) -> [Double] {
        var dependents = [[Int]](repeating: [], count: steps.count)
        for (index, step) in steps.enumerated() {
            for dep in step.dependsOn { dependents[dep].append(index) }
        }
        var remaining = [Double](repeating: 0, count: steps.count)
        // Steps are in topological order: every dependent comes after its dependencies.
        for index in steps.indices.reversed() {
            let cost = steps[index].members.map(expectedReady).max() ?? 0
            remaining[index] = cost + (dependents[index].map { remaining[$0] }.max() ?? 0)
        }
        return remaining
    }

    // Tarjan's strongly connected components; the emission order is already topological
    // (a component is emitted after every component it depends on).
    private mutating func buildSteps() {
        var index = 0
        var indexOf: [String: Int] = [:]
        var lowLink: [String: Int] = [:]
        var onStack: Set<String> = []
        var stack: [String] = []
        var components: [[String]] = []

        func connect(_ name: String) {
            indexOf[name] = index
            lowLink[name] = index
            index += 1
            stack.append(name)
            onStack.insert(name)
            for dep in dependencies[name] ?? [] {
                if indexOf[dep] == nil {
                    connect(dep)
                    lowLink[name] = min(lowLink[name]!, lowLink[dep]!)
                } else if onStack.contains(dep) {
                    lowLink[name] = min(lowLink[name]!, indexOf[dep]!)
                }
            }
            if lowLink[name] == indexOf[name] {
                var members: [String] = []
                while let top = stack.popLast() {
                    onStack.remove(top)
                    members.append(top)
                    if top == name { break }
                }
                components.append(members)
            }
        }
        for name in agents where indexOf[name] == nil { connect(name) }

        let order = Dictionary(uniqueKeysWithValues: agents.enumerated().map { ($1, $0) })
        for (position, members) in components.enumerated() {
            for member in members { stepOfAgent[member] = position }
            steps.append(Step(members: members.sorted { order[$0]! < order[$1]! }, dependsOn: [], level: 0))
        }
        for position in steps.indices {
            var deps: [Int] = []
            for member in steps[position].members {
                for dep in dependencies[member] ?? [] {
                    let target = stepOfAgent[dep]!
                    if target != position && !deps.contains(target) { deps.append(target) }
                }
            }
            steps[position].dependsOn = deps
            steps[position].level = (deps.map { steps[$0].level }.max() ?? -1) + 1
        }
    }

    private func cyclePath(within members: Set<String>, from start: String) -> [String] {
        // Depth-first search inside the component for a path back to `start`.
        var path = [start]
        var visited: Set<String> = [start]
        func search(_ node: String) -> Bool {
            for dep in dependencies[node] ?? [] where members.contains(dep) {
                if dep == start { path.append(start); return true }
                if visited.insert(dep).inserted {
                    path.append(dep)
                    if search(dep) { return true }
                    path.removeLast()
                }
            }
            return false
        }
        return search(start) ? path : members.sorted() + [members.sorted()[0]]
    }
}

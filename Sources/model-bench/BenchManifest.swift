import SupervisorModel

/// The dependency shapes the benchmark builds.
enum BenchShape: String, CaseIterable {
    /// No dependencies: every agent starts on `.startAll`.
    case flat
    /// Each agent depends on the one before it.
    case chain
    /// 10 levels; each agent depends on 1-3 agents of the level before, chosen with a fixed seed.
    case levels
}

/// A small deterministic generator (SplitMix64), so `levels` is the same graph at every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An in-memory manifest of `count` agents on host `h` in one shape. Even agents have an
/// `exec` health check (ready at their first healthy probe), odd ones `none` (ready when their
/// start period has passed), so both readiness paths are driven.
enum BenchManifest {
    static let host = "h"

    static func make(agents count: Int, shape: BenchShape, seed: UInt64 = 13) -> Manifest {
        var generator = SeededGenerator(seed: seed)
        let names = (0..<count).map { "agent\($0)" }
        let perLevel = max(1, (count + 9) / 10)
        var specs: [AgentSpec] = []
        specs.reserveCapacity(count)
        for index in 0..<count {
            var spec = AgentSpec(name: names[index], host: host, command: ["/bin/true"])
            if index % 2 == 0 {
                spec.health.kind = .exec
                spec.health.command = ["/bin/true"]
            } else {
                spec.health.kind = .none
            }
            switch shape {
            case .flat:
                break
            case .chain:
                if index > 0 { spec.dependencies = [DependencySpec(name: names[index - 1])] }
            case .levels:
                let level = index / perLevel
                if level > 0 {
                    let first = (level - 1) * perLevel
                    let wanted = Int.random(in: 1...3, using: &generator)
                    var chosen: [Int] = []
                    while chosen.count < min(wanted, perLevel) {
                        let pick = first + Int.random(in: 0..<perLevel, using: &generator)
                        if !chosen.contains(pick) { chosen.append(pick) }
                    }
                    spec.dependencies = chosen.map { DependencySpec(name: names[$0]) }
                }
            }
            specs.append(spec)
        }
        return Manifest(file: "model-bench", agents: specs)
    }
}

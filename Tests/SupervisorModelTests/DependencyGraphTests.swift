import Foundation
import Testing
@testable import SupervisorModel

/// Start steps, levels, cycles, dependents and the critical path of one host's agents.
@Suite("DependencyGraph")
struct DependencyGraphTests {
    /// A -> (B, C) -> D: B and C depend on A, D on both.
    let diamond = DependencyGraph(agents: [
        ("D", ["B", "C"]), ("B", ["A"]), ("C", ["A"]), ("A", []),
    ])

    /// Base <- X -> Y -> Z -> X, and Top depends on Z.
    let withCycle = DependencyGraph(agents: [
        ("Base", []), ("X", ["Y", "Base"]), ("Y", ["Z"]), ("Z", ["X"]), ("Top", ["Z"]),
    ])

    @Test("a diamond has three levels, agents in manifest order within each")
    func diamondLevels() {
        #expect(diamond.levelCount == 3)
        #expect(diamond.levels == [["A"], ["B", "C"], ["D"]])
        #expect(diamond.level(of: "A") == 0)
        #expect(diamond.level(of: "D") == 2)
        #expect(diamond.level(of: "nobody") == nil)
        #expect(diamond.cycles.isEmpty)
    }

    @Test("steps are in topological order: every step after the steps it depends on")
    func topologicalOrder() throws {
        for (index, step) in diamond.steps.enumerated() {
            #expect(step.dependsOn.allSatisfy { $0 < index })
            #expect(!step.isCycle)
        }
        let d = try #require(diamond.stepOfAgent["D"])
        let dependsOn = diamond.steps[d].dependsOn.flatMap { diamond.steps[$0].members }
        #expect(Set(dependsOn) == ["B", "C"])
    }

    @Test("a 3-cycle becomes one step with all its members, at the level after its outside dependency")
    func cycleIsOneStep() throws {
        #expect(withCycle.steps.count == 3)
        let step = try #require(withCycle.stepOfAgent["Y"])
        #expect(withCycle.stepOfAgent["X"] == step)
        #expect(withCycle.stepOfAgent["Z"] == step)
        #expect(withCycle.steps[step].members == ["X", "Y", "Z"])
        #expect(withCycle.steps[step].isCycle)
        #expect(withCycle.steps[step].level == 1)
        #expect(withCycle.level(of: "Top") == 2)
        #expect(withCycle.levels == [["Base"], ["X", "Y", "Z"], ["Top"]])
    }

    @Test("cycles are listed as paths that return to their start")
    func cyclesAsPaths() {
        #expect(withCycle.cycles == [["X", "Y", "Z", "X"]])
    }

    @Test("an agent depending on itself is a cycle of one, at level 0")
    func selfDependency() {
        let graph = DependencyGraph(agents: [("Loop", ["Loop"]), ("Other", [])])
        #expect(graph.cycles == [["Loop", "Loop"]])
        #expect(graph.level(of: "Loop") == 0)
        #expect(graph.levelCount == 1)
    }

    @Test("two separate cycles are both listed")
    func twoCycles() {
        let graph = DependencyGraph(agents: [("P", ["Q"]), ("Q", ["P"]), ("R", ["S"]), ("S", ["R"])])
        #expect(Set(graph.cycles) == [["P", "Q", "P"], ["R", "S", "R"]])
    }

    @Test("dependents are the agents that depend directly on one, in manifest order")
    func dependents() {
        #expect(diamond.dependents(of: "A") == ["B", "C"])
        #expect(diamond.dependents(of: "B") == ["D"])
        #expect(diamond.dependents(of: "D").isEmpty)
        #expect(withCycle.dependents(of: "Z") == ["Y", "Top"])
    }

    @Test("unknown and repeated dependencies are ignored")
    func unknownDependencies() {
        let graph = DependencyGraph(agents: [("A", ["Ghost", "B", "B"]), ("B", [])])
        #expect(graph.dependencies["A"] == ["B"])
        #expect(graph.levels == [["B"], ["A"]])
    }

    @Test("the critical path is the longest chain by time, not by count")
    func criticalPathByTime() {
        // Short-but-many: A -> B -> C -> D (1 s each). Few-but-slow: E (10 s) -> F (1 s).
        // Both lead into Sink (0.5 s).
        let graph = DependencyGraph(agents: [
            ("A", []), ("B", ["A"]), ("C", ["B"]), ("D", ["C"]),
            ("E", []), ("F", ["E"]), ("Sink", ["D", "F"]),
        ])
        let times = ["A": 1.0, "B": 1, "C": 1, "D": 1, "E": 10, "F": 1, "Sink": 0.5]
        let path = graph.criticalPath { times[$0]! }
        #expect(path.steps.flatMap { graph.steps[$0].members } == ["E", "F", "Sink"])
        #expect(path.seconds == 11.5)
        // With E fast, the long chain wins.
        let fastE = graph.criticalPath { $0 == "E" ? 1 : times[$0]! }
        #expect(fastE.steps.flatMap { graph.steps[$0].members } == ["A", "B", "C", "D", "Sink"])
        #expect(fastE.seconds == 4.5)
    }

    @Test("a cycle step costs its slowest member")
    func criticalPathThroughCycle() {
        let times = ["Base": 2.0, "X": 1, "Y": 5, "Z": 1, "Top": 0.25]
        let path = withCycle.criticalPath { times[$0]! }
        #expect(path.seconds == 7.25)
        #expect(path.steps.flatMap { withCycle.steps[$0].members } == ["Base", "X", "Y", "Z", "Top"])
    }

    @Test("an empty graph has no levels and no critical path")
    func emptyGraph() {
        let graph = DependencyGraph(agents: [])
        #expect(graph.levelCount == 0)
        #expect(graph.levels.isEmpty)
        let path = graph.criticalPath { _ in 1 }
        #expect(path.steps.isEmpty)
        #expect(path.seconds == 0)
    }

    @Test("a manifest's graph covers one host only")
    func perHost() throws {
        let manifest = try ManifestTestSupport.loadValid("""
            defaults: {command: [/bin/a]}
            agents:
              M1: {host: mainpc}
              P1: {host: pc2}
              M2: {host: mainpc, depends_on: [M1]}
            """)
        let graph = DependencyGraph(manifest: manifest, host: "mainpc")
        #expect(graph.agents == ["M1", "M2"])
        #expect(graph.levels == [["M1"], ["M2"]])
    }
}

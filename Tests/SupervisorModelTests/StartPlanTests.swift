import Foundation
import Testing
@testable import SupervisorModel

/// `supervisor plan`: levels, cycles, the critical path and the predicted start-up time from
/// each agent's `expected_ready`.
@Suite("StartPlan")
struct StartPlanTests {
    /// Base <- (Mid, Side) <- Top on host h; Elsewhere on host g must not count.
    static let diamond = """
        defaults: {host: h, command: [/bin/a]}
        agents:
          Base: {expected_ready: 2s}
          Mid: {depends_on: [Base], expected_ready: 3s}
          Side: {depends_on: [Base], expected_ready: 1s}
          Top: {depends_on: [Mid, Side], expected_ready: 500ms}
          Elsewhere: {host: g, expected_ready: 100s}
        """

    /// Base <- X -> Y -> X (a cycle), Top depends on Y.
    static let cyclic = """
        defaults: {host: h, command: [/bin/a]}
        agents:
          Base: {expected_ready: 1s}
          X: {depends_on: [Y, Base], expected_ready: 2s}
          Y: {depends_on: [X], expected_ready: 4s}
          Top: {depends_on: [Y], expected_ready: 1.5s}
        """

    static func plan(_ yaml: String, host: String = "h") throws -> StartPlan {
        StartPlan(manifest: try ManifestTestSupport.loadValid(yaml), host: host)
    }

    @Test("levels group agents by dependency depth, in manifest order")
    func levels() throws {
        let plan = try Self.plan(Self.diamond)
        #expect(plan.host == "h")
        #expect(plan.graph.levels == [["Base"], ["Mid", "Side"], ["Top"]])
        #expect(plan.graph.cycles.isEmpty)
        #expect(plan.expectedReady == ["Base": 2, "Mid": 3, "Side": 1, "Top": 0.5])
    }

    @Test("the critical path follows the slowest chain; sequential time is the sum of one host's agents")
    func criticalPathAndSum() throws {
        let plan = try Self.plan(Self.diamond)
        let path = plan.criticalPath
        #expect(path.agents == ["Base", "Mid", "Top"])
        #expect(path.seconds == 5.5)
        #expect(plan.sequentialSeconds == 6.5)
    }

    @Test("the rendering lists the levels, the critical path and both predictions")
    func rendered() throws {
        let text = try Self.plan(Self.diamond).rendered()
        #expect(text == """
            host h: 4 agents in 3 levels
            level 1 (1 agent): Base
            level 2 (2 agents): Mid, Side
            level 3 (1 agent): Top
            critical path (3 steps): Base -> Mid -> Top
            predicted start-up: 5.50 s (critical path); 6.50 s if started one at a time
            """)
    }

    @Test("a cycle is listed as a path, starts as one step and costs its slowest member")
    func cycles() throws {
        let plan = try Self.plan(Self.cyclic)
        #expect(plan.graph.cycles == [["X", "Y", "X"]])
        #expect(plan.graph.levels == [["Base"], ["X", "Y"], ["Top"]])
        let path = plan.criticalPath
        #expect(path.agents == ["Base", "X + Y", "Top"])
        #expect(path.seconds == 6.5)
        #expect(plan.sequentialSeconds == 8.5)

        let text = plan.rendered()
        #expect(text.contains("cycle (starts together): X -> Y -> X"))
        #expect(text.contains("critical path (3 steps): Base -> X + Y -> Top"))
        #expect(text.contains("predicted start-up: 6.50 s (critical path); 8.50 s if started one at a time"))
    }

    @Test("another host's plan holds only its own agents; a missing expected_ready counts 1 s")
    func otherHostAndDefault() throws {
        let plan = try Self.plan(Self.diamond, host: "g")
        #expect(plan.graph.agents == ["Elsewhere"])
        #expect(plan.criticalPath.agents == ["Elsewhere"] && plan.criticalPath.seconds == 100)
        #expect(plan.rendered().hasPrefix("host g: 1 agent in 1 level\nlevel 1 (1 agent): Elsewhere"))

        let plain = try Self.plan("""
            defaults: {host: h, command: [/bin/a]}
            agents:
              A: {}
              B: {depends_on: [A]}
            """)
        #expect(plain.criticalPath.seconds == 2)
        #expect(plain.sequentialSeconds == 2)
    }

    @Test("a host without agents plans nothing")
    func emptyHost() throws {
        let plan = try Self.plan(Self.diamond, host: "nowhere")
        #expect(plan.graph.levelCount == 0)
        #expect(plan.criticalPath.agents.isEmpty && plan.criticalPath.seconds == 0)
        #expect(plan.sequentialSeconds == 0)
        #expect(plan.rendered() == """
            host nowhere: 0 agents in 0 levels
            critical path (0 steps): \("")
            predicted start-up: 0.00 s (critical path); 0.00 s if started one at a time
            """)
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// The model's bookkeeping (`DependencyCounters`, `AgentStateTally`), pinned by behaviour: large
/// graphs start and stop in exactly the order the dependencies say, and a reload in the middle
/// of start-up leaves counters that still end start-up and shutdown.
@Suite("HostSupervisor counters")
struct HostSupervisorCountersTests {
    /// `count` agents `a0`, `a1`, ... of host `h` with health `none` (ready after 1 s); each
    /// depends on the agents `dependencies` gives for its index.
    static func manifest(count: Int, dependencies: (Int) -> [Int] = { _ in [] }) -> Manifest {
        Manifest(file: "counters", agents: (0..<count).map { index in
            var spec = AgentSpec(name: "a\(index)", host: "h", command: ["/bin/true"])
            spec.dependencies = dependencies(index).map { DependencySpec(name: "a\($0)") }
            return spec
        })
    }

    @Test("a 2000-agent chain starts one by one and stops in exactly the reverse order")
    func longChain() throws {
        let count = 2000
        var driver = SupervisorDriver(HostSupervisor(
            manifest: Self.manifest(count: count) { $0 > 0 ? [$0 - 1] : [] }, host: "h"))
        #expect(driver.send(.startAll).spawned == ["a0"])
        driver.advance(to: Double(count) + 1)
        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == count && summary.total == count && driver.summaries.count == 1)
        #expect(summary.elapsed == Double(count), "each agent started the moment the one before was ready")
        #expect((0..<count).map { driver.spawnTimes("a\($0)") } == (0..<count).map { [Double($0)] })

        var signalled = driver.send(.shutdown).signals.map(\.agent)
        #expect(signalled == ["a\(count - 1)"])
        var order: [String] = []
        while let agent = signalled.first {
            order.append(agent)
            signalled = driver.exit(agent, code: 0).signals.map(\.agent)
            #expect(signalled.count <= 1, "one agent at a time: \(signalled)")
        }
        #expect(order == (0..<count).reversed().map { "a\($0)" })
        #expect(driver.exitCount == 1)
        #expect((0..<count).allSatisfy { driver.state("a\($0)") == .stopped })
    }

    @Test("5000 agents without dependencies all spawn on the single .startAll, in manifest order")
    func wideFlat() throws {
        let count = 5000
        var driver = SupervisorDriver(HostSupervisor(manifest: Self.manifest(count: count), host: "h", startLimit: count))
        let actions = driver.send(.startAll)
        #expect(actions.spawned == (0..<count).map { "a\($0)" }, "equal chains keep manifest order")
        // Every agent's start period, fired directly (the driver's clock scans its timers).
        for (key, _) in actions.timers where key.kind == .startPeriodPassed { driver.send(.timerFired(key)) }
        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == count && summary.blocked.isEmpty && summary.failed.isEmpty)
        #expect(driver.supervisor.status(of: [], now: 2, supervisorPid: 1).totals == ["total": count, "ready": count])

        let stops = driver.send(.shutdown).signals.map(\.agent)
        #expect(stops.count == count, "nothing depends on anything: all stop at once")
        for agent in stops { driver.exit(agent, code: 0) }
        #expect(driver.exitCount == 1)
    }

    @Test("a diamond: the top starts only once both sides are ready, and stops before either")
    func diamond() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {host: h, command: [/bin/a], health: {kind: exec, command: [/bin/true]}}
            agents:
              Base: {}
              Left: {depends_on: [Base]}
              Right: {depends_on: [Base]}
              Top: {depends_on: [Left, Right]}
            """)
        #expect(driver.send(.startAll).spawned == ["Base"])
        #expect(try driver.answerProbe("Base", .healthy).spawned == ["Left", "Right"])
        #expect(try driver.answerProbe("Right", .healthy).spawned.isEmpty, "Left is not ready yet")
        #expect(driver.status("Top")?.blockedBy == ["Left"])
        #expect(try driver.answerProbe("Left", .healthy).spawned == ["Top"])
        try driver.answerProbe("Top", .healthy)
        #expect(driver.summaries.first?.ready == 4)

        #expect(driver.send(.shutdown).signals.map(\.agent) == ["Top"])
        #expect(driver.exit("Top", code: 0).signals.map(\.agent) == ["Left", "Right"])
        #expect(driver.exit("Right", code: 0).signals.isEmpty, "Left still runs")
        #expect(driver.exit("Left", code: 0).signals.map(\.agent) == ["Base"])
        #expect(driver.exit("Base", code: 0).contains(.exit))
    }

    @Test("a reload that adds and removes agents mid start-up keeps the counters right")
    func reloadMidStartup() throws {
        let header = """
            defaults: {host: h, command: [/bin/a], health: {kind: none, start_period: 1s}, stop: {timeout: 10s}}
            agents:

            """
        var driver = try SupervisorDriver(yaml: header + """
              A: {}
              B: {depends_on: [A]}
              C: {depends_on: [B]}
              Solo: {}
            """)
        driver.send(.startAll)
        driver.advance(to: 1.5)
        #expect(driver.state("A") == .ready && driver.state("B") == .starting && driver.state("C") == .waiting)

        // C (waiting) and Solo (ready) go; D behind B and E alone arrive.
        let manifest = try ManifestTestSupport.loadValid(header + """
              A: {}
              B: {depends_on: [A]}
              D: {depends_on: [B]}
              E: {}
            """)
        let (result, actions) = driver.supervisor.reload(manifest, now: driver.now)
        #expect(try result.get().added == ["D", "E"] && result.get().removed == ["C", "Solo"])
        #expect(actions.spawned == ["E"], "D waits for B")
        for agent in actions.spawned { driver.send(.spawned(agent: agent, pid: 9000)) }
        #expect(actions.signals.map(\.agent) == ["Solo"])
        driver.exit("Solo", code: 0)
        #expect(driver.supervisor.order == ["A", "B", "D", "E"])

        driver.advance(to: 5)
        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == 4 && summary.total == 4 && driver.summaries.count == 1)
        #expect(driver.spawnTimes("D") == [2], "D started the moment B was ready")

        #expect(Set(driver.send(.shutdown).signals.map(\.agent)) == ["D", "E"])
        #expect(driver.exit("D", code: 0).signals.map(\.agent) == ["B"])
        #expect(driver.exit("B", code: 0).signals.map(\.agent) == ["A"])
        driver.exit("A", code: 0)
        #expect(driver.exitCount == 0, "E still runs")
        driver.exit("E", code: 0)
        #expect(driver.exitCount == 1)
    }

    @Test("an agent that fails in a long waiting chain blocks the whole chain; start-up ends naming it")
    func failureBlocksChain() throws {
        let count = 500
        var driver = SupervisorDriver(HostSupervisor(
            manifest: Self.manifest(count: count) { $0 > 0 ? [$0 - 1] : [] }, host: "h"))
        driver.failingSpawns["a1"] = "no such file"
        driver.send(.startAll)
        driver.advance(to: 1)
        // a1's spawn failed: it restarts after its backoff until it gives up.
        driver.advance(to: 1000)
        #expect(driver.state("a1") == .failed)
        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == 1 && summary.failed.map(\.agent) == ["a1"])
        #expect(summary.blocked.count == count - 2 && summary.blocked.allSatisfy { $0.blockedBy == "a1" })
        #expect(summary.blocked.first?.agent == "a2" && summary.blocked.last?.agent == "a\(count - 1)")
    }

    @Test("an optional dependency that failed first: the dependent starts without it once the other one is ready")
    func optionalFailedBeforeTheOther() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {host: h, command: [/bin/a], health: {kind: exec, command: [/bin/true]}, restart: {policy: never}}
            agents:
              Flaky: {}
              Slow: {}
              Both: {depends_on: [{name: Flaky, required: false}, Slow]}
              Behind: {depends_on: [{name: Both, condition: started}]}
            """)
        #expect(driver.send(.startAll).spawned == ["Flaky", "Slow"])
        #expect(driver.exit("Flaky", code: 1).spawned.isEmpty, "Slow is not ready yet")
        #expect(driver.state("Flaky") == .failed && driver.state("Both") == .waiting)
        #expect(driver.status("Both")?.blockedBy == ["Slow"])
        let released = try driver.answerProbe("Slow", .healthy)
        #expect(released.spawned == ["Both", "Behind"], "Behind needs only Both's process")
        #expect(driver.runtime("Both")?.startedWithout.map(\.agent) == ["Flaky"])
        try driver.answerProbe("Both", .healthy)
        try driver.answerProbe("Behind", .healthy)
        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == 3 && summary.failed.map(\.agent) == ["Flaky"])
        #expect(summary.startedWithout.map(\.agent) == ["Both"])
    }
}


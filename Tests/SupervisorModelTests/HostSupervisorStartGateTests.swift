import Foundation
import Testing
@testable import SupervisorModel

/// `max_concurrent_starts`: at most that many agents of a host are starting at once; further
/// starts and restarts wait in a queue, decided by the model with a fake clock.
@Suite("HostSupervisor start bound")
struct HostSupervisorStartGateTests {
    /// `count` agents without dependencies, ready 1 s after their spawn; a start holds its
    /// slot until ready (the settle time is longer).
    static func independent(
        _ count: Int, limit: Int, defaults: String = "{host: h, command: [/bin/a], health: {kind: none, start_period: 1s}}"
    ) -> String {
        """
        max_concurrent_starts: \(limit)
        start_settle: 5s
        defaults: \(defaults)
        agents:
        \((1...count).map { "  A\($0): {}" }.joined(separator: "\n"))
        """
    }

    private func starting(_ driver: SupervisorDriver) -> Int {
        driver.supervisor.order.filter { driver.state($0) == .starting }.count
    }

    /// Advances the clock in small steps, calling `each` after every step.
    private func run(_ driver: inout SupervisorDriver, until end: TimeInterval, step: TimeInterval = 0.05,
                     _ each: (inout SupervisorDriver) -> Void) {
        var time = driver.now
        while time < end {
            time = min(end, time + step)
            driver.advance(to: time)
            each(&driver)
        }
    }

    @Test("start-up spawns at most the bound at once; the rest wait and start as slots free")
    func startupIsBounded() throws {
        var driver = try SupervisorDriver(yaml: Self.independent(10, limit: 4))
        let first = driver.send(.startAll)
        #expect(first.spawned == ["A1", "A2", "A3", "A4"])
        #expect(starting(driver) == 4)
        #expect(driver.state("A5") == .waiting)
        let status = driver.supervisor.status(of: ["A5", "A10"], now: 0, supervisorPid: 1)
        #expect(status.agents[0].startQueue == StartQueueStatus(position: 1, reason: "4 agents starting (max_concurrent_starts 4)"))
        #expect(status.agents[1].startQueue?.position == 6)
        #expect(status.agents[0].blockedBy.isEmpty)
        #expect(status.starts == StartSlotsStatus(starting: 4, limit: 4, queued: 6, settle: 5))

        var most = 0
        run(&driver, until: 5) { most = max(most, starting($0)) }
        #expect(most == 4)
        #expect(driver.spawnTimes("A5") == [1])
        #expect(driver.spawnTimes("A9") == [2])
        #expect(driver.summaries.first?.ready == 10)
        #expect(driver.summaries.first?.elapsed == 3)
        let admitted = driver.log.compactMap { entry -> String? in
            if case .announce(let change) = entry.action, change.agent == "A5", change.to == .starting { change.reason } else { nil }
        }
        #expect(admitted == ["no dependencies; after 1s waiting for a start slot"])
    }

    @Test("a crash storm never has more than the bound starting, and every agent gets its turn")
    func crashStorm() throws {
        var driver = try SupervisorDriver(yaml: Self.independent(20, limit: 3, defaults: """
            {host: h, command: [/bin/a], health: {kind: none, start_period: 5s},
             restart: {max_restarts: 100000, window: 1s, backoff: {initial: 100ms, factor: 1, max: 100ms}}}
            """))
        driver.send(.startAll)
        var most = 0
        run(&driver, until: 30) { driver in
            // Every process dies 50 ms after its spawn, before it is ready.
            for agent in driver.supervisor.order where driver.state(agent) == .starting {
                if let started = driver.runtime(agent)?.startedAt, driver.now - started >= 0.05 - 1e-9 { driver.exit(agent, code: 1) }
            }
            most = max(most, starting(driver))
            #expect(driver.supervisor.starts.holders.count <= 3)
        }
        #expect(most == 3)
        let spawns = driver.supervisor.order.map { driver.spawnTimes($0).count }
        // First come, first served: nobody starves (agents whose backoff ends at the same
        // moment queue in the fake clock's tie order, hence not exactly equal).
        #expect(spawns.min()! >= 50, "\(spawns)")
        #expect(Double(spawns.min()!) >= 0.8 * Double(spawns.max()!), "\(spawns)")
        // Queued restarts show as waiting with the reason.
        let waiting = driver.log.compactMap { entry -> String? in
            if case .announce(let change) = entry.action, change.to == .waiting { change.reason } else { nil }
        }
        #expect(waiting.contains { $0.hasSuffix("; waiting: 3 agents starting (max_concurrent_starts 3)") })
    }

    @Test("a start that is not ready within start_settle frees its slot anyway")
    func settleFreesSlot() throws {
        var driver = try SupervisorDriver(yaml: """
            max_concurrent_starts: 1
            start_settle: 3s
            defaults: {host: h, command: [/bin/a], health: {kind: tcp, start_period: 60s}}
            agents:
              Slow: {health: {port: 7001}}
              Next: {health: {port: 7002}}
            """)
        driver.send(.startAll)
        #expect(driver.state("Next") == .waiting)
        driver.advance(to: 2.9)
        #expect(driver.spawnTimes("Next").isEmpty)
        driver.advance(to: 3)
        #expect(driver.spawnTimes("Next") == [3])
        #expect(driver.state("Slow") == .starting, "it is still starting, it just no longer holds a slot")
    }

    @Test("during start-up the agent with the longest chain behind it goes first")
    func criticalPathFirst() throws {
        var driver = try SupervisorDriver(yaml: """
            max_concurrent_starts: 2
            start_settle: 5s
            defaults: {host: h, command: [/bin/a], health: {kind: none, start_period: 1s}}
            agents:
              S1: {}
              S2: {}
              S3: {}
              S4: {}
              L1: {}
              L2: {depends_on: [L1]}
              L3: {depends_on: [L2]}
            """)
        #expect(driver.send(.startAll).spawned == ["L1", "S1"])
        driver.advance(to: 1)
        #expect(driver.spawnTimes("L2") == [1], "L2 is admitted ahead of the short agents queued before it")
        driver.advance(to: 10)
        let summary = try #require(driver.summaries.first)
        // 7 starts of 1 s on 2 slots take 4 s at best; manifest order (S1..S4 first) would take 5.
        #expect(summary.elapsed == 4)
        #expect(summary.ready == 7)
    }

    @Test("with slots to spare, a wave is still spawned longest chain first (the kernel serves forks in that order)")
    func criticalPathFirstWithoutBound() throws {
        var driver = try SupervisorDriver(yaml: """
            defaults: {host: h, command: [/bin/a], health: {kind: none, start_period: 1s}}
            agents:
              S1: {}
              S2: {}
              L1: {}
              L2: {depends_on: [L1]}
            """)
        #expect(driver.send(.startAll).spawned == ["L1", "S1", "S2"])
    }

    @Test("a restart waits for a slot; a queued agent can be stopped; shutdown empties the queue")
    func restartsWait() throws {
        var driver = try SupervisorDriver(yaml: """
            max_concurrent_starts: 1
            start_settle: 5s
            defaults: {host: h, command: [/bin/a], health: {kind: none, start_period: 1s}}
            agents:
              Crashy: {}
              Other: {}
              Third: {}
            """)
        driver.send(.startAll)
        driver.advance(to: 2)
        #expect(driver.state("Crashy") == .ready && driver.state("Other") == .ready && driver.state("Third") == .starting)
        driver.exit("Crashy", code: 1)
        #expect(driver.state("Crashy") == .waiting)
        #expect(driver.runtime("Crashy")?.restarts == 1)
        driver.advance(to: 3)
        #expect(driver.state("Crashy") == .starting)
        #expect(driver.spawnTimes("Crashy") == [0, 3])

        driver.exit("Other", code: 1)
        #expect(driver.state("Other") == .waiting)
        _ = driver.supervisor.apply(.stop(selection: ["Other"]), now: driver.now)
        #expect(driver.state("Other") == .stopped)
        driver.advance(to: 10)
        #expect(driver.spawnTimes("Other") == [1], "a stopped agent is not started from the queue")

        driver.exit("Third", code: 1)
        #expect(driver.state("Third") == .starting, "nobody waits: it restarts at once")
        _ = driver.supervisor.apply(.restart(selection: ["Crashy"]), now: driver.now)
        driver.send(.exited(agent: "Crashy", status: .signal(15, coreDumped: false)))
        #expect(driver.state("Crashy") == .waiting)
        #expect(driver.supervisor.starts.isQueued("Crashy"))
        driver.send(.shutdown)
        #expect(driver.supervisor.starts.queue.isEmpty)
        #expect(!driver.supervisor.order.contains { driver.state($0) == .waiting })
    }

    @Test("a start command on a queued agent says it is queued")
    func commandOutcome() throws {
        var driver = try SupervisorDriver(yaml: Self.independent(3, limit: 1))
        driver.send(.startAll)
        _ = driver.supervisor.apply(.stop(selection: ["A3"]), now: 0)
        let (result, _) = driver.supervisor.apply(.start(selection: ["A3"], withDependencies: false), now: 0)
        let outcomes = try result.get()
        #expect(outcomes.map(\.result) == ["queued: 1 agent starting (max_concurrent_starts 1)"])
    }

    @Test("the bound: up's override, else the manifest, else the machine's default; reload follows the manifest")
    func configuration() throws {
        let manifest = try #require(ManifestLoader.load(text: Self.independent(3, limit: 5), file: "t.yaml", environment: [:]).manifest)
        #expect(manifest.maxConcurrentStarts == 5)
        #expect(HostSupervisor(manifest: manifest, host: "h").starts.limit == 5)
        #expect(HostSupervisor(manifest: manifest, host: "h", startLimit: 2).starts.limit == 2)
        var unset = manifest
        unset.maxConcurrentStarts = nil
        #expect(HostSupervisor(manifest: unset, host: "h", machineCores: 2).starts.limit == 4)
        #expect(HostSupervisor(manifest: unset, host: "h").starts.limit == 8)
        #expect(HostSupervisor(manifest: unset, host: "h", machineCores: 16).starts.limit == 32)

        var supervisor = HostSupervisor(manifest: manifest, host: "h", startLimit: 2)
        var changed = manifest
        changed.maxConcurrentStarts = 1
        _ = supervisor.reload(changed, now: 0)
        #expect(supervisor.starts.limit == 2, "up --max-concurrent-starts outlasts a reload")
        var plain = HostSupervisor(manifest: manifest, host: "h")
        _ = plain.reload(changed, now: 0)
        #expect(plain.starts.limit == 1)
        #expect(plain.starts.binds)
    }

    @Test("max_concurrent_starts and start_settle are checked")
    func validation() {
        let bad = ManifestLoader.load(text: """
            max_concurrent_starts: 0
            start_settle: soon
            defaults: {host: h, command: [/bin/a]}
            agents: {A: {}}
            """, file: "t.yaml", environment: [:])
        #expect(bad.issues.contains { $0.key == "max_concurrent_starts" })
        #expect(bad.issues.contains { $0.key == "start_settle" })
    }

    @Test("the default manifest starts close to its critical path under the default bound of a 2-core machine")
    func defaultManifest() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("agents.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let result = ManifestLoader.load(text: text, file: "agents.yaml", environment: ["SIM_READY": "2s"])
        let manifest = try #require(result.manifest)
        var driver = SupervisorDriver(HostSupervisor(manifest: manifest, host: "mainpc", machineCores: 2))
        #expect(driver.supervisor.starts.limit == 4)
        driver.send(.startAll)
        var most = 0
        run(&driver, until: 60) { driver in
            // Each agent answers its health check 2 s after its spawn.
            for (agent, _) in driver.pendingProbes {
                if let started = driver.runtime(agent)?.startedAt, driver.now - started >= 2 - 1e-9 {
                    _ = try? driver.answerProbe(agent, .healthy)
                }
            }
            most = max(most, driver.supervisor.starts.holders.count)
        }
        let summary = try #require(driver.summaries.first)
        #expect(summary.ready == 58)
        #expect(most == 4)
        // The critical path is 16 s (8 steps of 2 s); 0.5 s are lost to the bound.
        #expect(summary.elapsed <= 16.55, "start-up took \(summary.elapsed) s")
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// `reload`: a new manifest starts added agents, stops removed ones (forgotten once their
/// process is gone) and restarts only the running agents whose spec changed.
@Suite("HostSupervisor reload")
struct HostSupervisorReloadTests {
    static let header = """
        defaults:
          host: h
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
          restart: {backoff: {initial: 5s, factor: 2, max: 8s}}
          stop: {timeout: 10s}
        agents:

        """

    /// Base <- Keep; Gone, Idle and Tweak stand alone.
    static let first = """
          Base: {}
          Keep: {depends_on: [Base]}
          Gone: {}
          Idle: {}
          Tweak: {}
        """

    /// Every agent of `first` ready, start-up over.
    static func running() throws -> SupervisorDriver {
        var driver = try SupervisorDriver(yaml: header + first)
        driver.send(.startAll)
        driver.advance(to: 5)
        try #require(driver.supervisor.phase == .running)
        return driver
    }

    /// Reloads with the agents given as YAML and answers the spawns as the launcher would.
    @discardableResult
    static func reload(
        _ agents: String, _ driver: inout SupervisorDriver
    ) throws -> (result: Result<ReloadOutcome, ControlError>, actions: [SupervisorAction]) {
        let manifest = try ManifestTestSupport.loadValid(header + agents)
        let (result, actions) = driver.supervisor.reload(manifest, now: driver.now)
        for agent in actions.spawned { driver.send(.spawned(agent: agent, pid: 7000 + Int32(driver.log.count))) }
        return (result, actions)
    }

    /// The agents some action is about.
    static func agents(in actions: [SupervisorAction]) -> Set<String> {
        Set(actions.compactMap { action -> String? in
            switch action {
            case .spawn(let agent), .probe(let agent, _), .signal(let agent, _), .healthChanged(let agent, _, _),
                 .agentFailed(let agent, _, _, _), .portClash(let agent, _): agent
            case .healthPortDiscovered(let found): found.agent
            case .setTimer(let key, _): key.agent
            case .announce(let change): change.agent
            case .startupFinished, .exit, .remoteDependencyChanged, .remoteHostChanged: nil
            }
        })
    }

    static func names(_ driver: SupervisorDriver) -> [String] {
        driver.supervisor.status(of: [], now: driver.now, supervisorPid: 1).agents.map(\.name)
    }

    @Test("an added agent spawns when its dependencies are ready; one behind it follows once it is ready")
    func added() throws {
        var driver = try Self.running()
        let (result, actions) = try Self.reload(Self.first + """

              New: {depends_on: [Base]}
              Later: {depends_on: [New]}
            """, &driver)
        #expect(try result.get() == ReloadOutcome(added: ["New", "Later"], removed: [], changed: [], unchanged: 5))
        #expect(actions.spawned == ["New"])
        #expect(driver.state("New") == .starting)
        #expect(driver.state("Later") == .waiting)
        #expect(driver.advance(to: 6).spawned == ["Later"])
        driver.advance(to: 7)
        #expect(driver.state("Later") == .ready)
        #expect(Self.names(driver) == ["Base", "Keep", "Gone", "Idle", "Tweak", "New", "Later"])
    }

    @Test("a removed running agent is stopped, and forgotten with an announcement once it exited")
    func removedRunning() throws {
        var driver = try Self.running()
        let (result, actions) = try Self.reload(Self.first.replacingOccurrences(of: "  Gone: {}\n", with: ""), &driver)
        #expect(try result.get() == ReloadOutcome(added: [], removed: ["Gone"], changed: [], unchanged: 4))
        #expect(actions.transitions == ["Gone:stopping"])
        #expect(actions.signals.map(\.agent) == ["Gone"] && actions.signals.map(\.signal) == [15])
        #expect(driver.supervisor.retiring == ["Gone"])
        #expect(Self.names(driver) == ["Base", "Keep", "Idle", "Tweak", "Gone"], "listed last until its process is gone")

        let exited = driver.exit("Gone", code: 0)
        let change = try #require(exited.compactMap { if case .announce(let change) = $0 { change } else { nil } }.first)
        #expect(change.agent == "Gone" && change.from == .stopping && change.to == .stopped)
        #expect(change.reason == "removed from the manifest")
        #expect(exited.spawned.isEmpty)
        #expect(!driver.supervisor.order.contains("Gone"))
        #expect(driver.supervisor.specs["Gone"] == nil && driver.supervisor.runtimes["Gone"] == nil)
        #expect(driver.supervisor.retiring.isEmpty)
        #expect(Self.names(driver) == ["Base", "Keep", "Idle", "Tweak"])
        #expect(driver.supervisor.status(of: [], now: driver.now, supervisorPid: 1).totals == ["ready": 4, "total": 4])
    }

    @Test("a removed agent without a process disappears at once; its pending restart does nothing")
    func removedNotRunning() throws {
        var driver = try Self.running()
        _ = try driver.supervisor.apply(.stop(selection: ["Idle"]), now: driver.now).result.get()
        driver.exit("Idle", code: 0)
        #expect(driver.exit("Gone", code: 1).spawned == ["Gone"])
        driver.exit("Gone", code: 1)
        #expect(driver.state("Gone") == .backoff)

        let (result, actions) = try Self.reload("""
              Base: {}
              Keep: {depends_on: [Base]}
              Tweak: {}
            """, &driver)
        #expect(try result.get().removed == ["Gone", "Idle"])
        #expect(actions.transitions == ["Gone:stopped", "Idle:stopped"])
        #expect(actions.signals.isEmpty && actions.spawned.isEmpty)
        #expect(driver.supervisor.order == ["Base", "Keep", "Tweak"])
        #expect(driver.supervisor.retiring.isEmpty)
        #expect(driver.advance(to: 60).spawned.isEmpty)
        #expect(driver.supervisor.runtimes["Gone"] == nil)
    }

    @Test("a changed running agent is stopped and respawned with its new spec; unchanged agents see no action")
    func changedRunning() throws {
        var driver = try Self.running()
        // A comment shifts every line: positions alone are no change.
        let (result, actions) = try Self.reload("  # moved down a line\n" + Self.first.replacingOccurrences(
            of: "Tweak: {}", with: "Tweak: {command: [/bin/b], health: {kind: tcp, port: 7300}}"), &driver)
        #expect(try result.get() == ReloadOutcome(added: [], removed: [], changed: ["Tweak"], unchanged: 4))
        #expect(Self.agents(in: actions) == ["Tweak"])
        #expect(actions.transitions == ["Tweak:stopping"])
        #expect(actions.signals.map(\.signal) == [15])

        let respawned = driver.exit("Tweak", code: 0)
        #expect(respawned.spawned == ["Tweak"])
        #expect(respawned.contains(.probe(agent: "Tweak", generation: 2)), "the new spec's tcp check is in force")
        #expect(driver.supervisor.specs["Tweak"]?.command == ["/bin/b"])
        #expect(driver.state("Tweak") == .starting)
        #expect(["Base", "Keep", "Gone", "Idle"].allSatisfy { driver.spawnTimes($0).count == 1 && driver.signals(to: $0).isEmpty })
    }

    @Test("a changed agent without a process only takes the new spec")
    func changedStopped() throws {
        var driver = try Self.running()
        _ = try driver.supervisor.apply(.stop(selection: ["Tweak"]), now: driver.now).result.get()
        driver.exit("Tweak", code: 0)
        let (result, actions) = try Self.reload(Self.first.replacingOccurrences(of: "Tweak: {}", with: "Tweak: {command: [/bin/c]}"), &driver)
        #expect(try result.get().changed == ["Tweak"])
        #expect(actions.isEmpty)
        #expect(driver.state("Tweak") == .stopped)
        #expect(driver.supervisor.specs["Tweak"]?.command == ["/bin/c"])
    }

    @Test("a removed agent re-added before its old process exits is respawned, not forgotten")
    func reAddedWhileStopping() throws {
        var driver = try Self.running()
        try Self.reload(Self.first.replacingOccurrences(of: "  Gone: {}\n", with: ""), &driver)
        #expect(driver.state("Gone") == .stopping)

        let (result, actions) = try Self.reload(Self.first, &driver)
        #expect(try result.get() == ReloadOutcome(added: ["Gone"], removed: [], changed: [], unchanged: 4))
        #expect(actions.isEmpty, "it is already stopping")
        #expect(driver.supervisor.retiring.isEmpty)
        #expect(driver.supervisor.order == ["Base", "Keep", "Gone", "Idle", "Tweak"])

        let exited = driver.exit("Gone", code: 0)
        #expect(exited.spawned == ["Gone"])
        #expect(driver.state("Gone") == .starting)
        #expect(driver.runtime("Gone")?.generation == 2)
        driver.advance(to: 6)
        #expect(driver.state("Gone") == .ready)
        #expect(Self.names(driver) == ["Base", "Keep", "Gone", "Idle", "Tweak"])
    }

    @Test("reload during shutdown is refused and changes nothing")
    func duringShutdown() throws {
        var driver = try Self.running()
        driver.send(.shutdown)
        let order = driver.supervisor.order
        let (result, actions) = try Self.reload("  Fresh: {}\n", &driver)
        let error: ControlError? = if case .failure(let error) = result { error } else { nil }
        #expect(error?.code == .shuttingDown)
        #expect(actions.isEmpty)
        #expect(driver.supervisor.order == order)
        #expect(driver.supervisor.specs["Fresh"] == nil)
    }

    // `apply` ends start-up when a command settles the last pending agent; `reload` does not.
    @Test("a reload during start-up that removes the last pending agent ends start-up")
    func reloadEndsStartup() throws {
        var driver = try SupervisorDriver(yaml: Self.header + "  Flaky: {}\n  Steady: {}\n")
        driver.send(.startAll)
        #expect(driver.exit("Flaky", code: 1).spawned == ["Flaky"])
        driver.exit("Flaky", code: 1)
        driver.advance(to: 1)
        #expect(driver.state("Flaky") == .backoff && driver.state("Steady") == .ready)
        #expect(driver.supervisor.phase == .starting)

        let (_, actions) = try Self.reload("  Steady: {}\n", &driver)
        #expect(driver.supervisor.phase == .running)
        #expect(actions.contains { if case .startupFinished = $0 { true } else { false } })
    }

    // Retiring agents keep their spec and their place in `order` until they exit, but
    // `resolve` does not select them.
    @Test("an agent that restart reports as restarting runs again, even right after a reload")
    func restartAllWhileRetiring() throws {
        var driver = try Self.running()
        try Self.reload(Self.first.replacingOccurrences(of: "  Gone: {}\n", with: ""), &driver)
        let (result, _) = driver.supervisor.apply(.restart(selection: ["all"]), now: driver.now)
        let restarting = try result.get().filter { $0.result == "restarting" }.map(\.agent)
        for agent in restarting { driver.exit(agent, code: 0) }
        #expect(!restarting.contains("Gone"))
        #expect(restarting.allSatisfy { driver.state($0) == .starting })
    }
}

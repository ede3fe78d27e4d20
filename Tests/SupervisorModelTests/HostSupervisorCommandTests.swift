import Foundation
import Testing
@testable import SupervisorModel

/// The `start`, `stop` and `restart` commands on a running host: selections, what each does
/// to each state, and that a refused command changes nothing.
@Suite("HostSupervisor commands")
struct HostSupervisorCommandTests {
    /// Database <- Api <- Web, Cache <- Worker. All ready by 3 s.
    static let yaml = """
        defaults:
          host: h
          command: [/bin/a]
          health: {kind: none, start_period: 1s}
          restart: {max_restarts: 3, window: 60s, backoff: {initial: 1s, factor: 2, max: 8s}}
          stop: {timeout: 10s}
        agents:
          Database: {group: data}
          Cache: {group: data}
          Api: {group: web, depends_on: [Database]}
          Web: {group: web, depends_on: [Api]}
          Worker: {depends_on: [Cache]}
        """

    static let all = ["Database", "Cache", "Api", "Web", "Worker"]

    /// Every agent ready, start-up over.
    static func running(sourceLocation: SourceLocation = #_sourceLocation) throws -> SupervisorDriver {
        var driver = try SupervisorDriver(yaml: yaml)
        driver.send(.startAll)
        driver.advance(to: 10)
        try #require(driver.supervisor.phase == .running, sourceLocation: sourceLocation)
        try #require(all.allSatisfy { driver.state($0) == .ready }, sourceLocation: sourceLocation)
        return driver
    }

    /// Applies a command at the driver's time and answers its spawns as the launcher would.
    @discardableResult
    static func apply(
        _ command: ControlCommand, _ driver: inout SupervisorDriver
    ) -> (result: Result<[CommandOutcome], ControlError>, actions: [SupervisorAction]) {
        let (result, actions) = driver.supervisor.apply(command, now: driver.now)
        for agent in actions.spawned {
            driver.send(.spawned(agent: agent, pid: 5000 + Int32(driver.log.count)))
        }
        return (result, actions)
    }

    /// Stops the agents and lets their processes exit.
    static func stopAndExit(_ agents: [String], _ driver: inout SupervisorDriver) throws {
        _ = try apply(.stop(selection: agents), &driver).result.get()
        for agent in agents { driver.exit(agent, code: 0) }
        try #require(agents.allSatisfy { driver.state($0) == .stopped })
    }

    static func outcomes(_ result: Result<[CommandOutcome], ControlError>) throws -> [String] {
        try result.get().map { "\($0.agent): \($0.result)" }
    }

    /// Crashes the agent until it is given up on; returns the restarts made on the way.
    static func crashUntilFailed(_ agent: String, _ driver: inout SupervisorDriver) throws -> Int {
        var restarts = 0
        for _ in 0..<20 {
            driver.exit(agent, code: 1)
            switch driver.state(agent) {
            case .failed?: return restarts
            case .starting?: restarts += 1
            case .backoff?:
                restarts += 1
                driver.advance(to: try #require(driver.runtime(agent)?.restartDueAt))
            case let other: Issue.record("unexpected state \(String(describing: other))")
            }
        }
        Issue.record("\(agent) never failed")
        return restarts
    }

    @Test("selections: names, group:<g> and all resolve in manifest order, without duplicates")
    func resolveSelections() throws {
        let driver = try Self.running()
        let supervisor = driver.supervisor
        #expect(try supervisor.resolve(["Web", "Database"]).get() == ["Database", "Web"])
        #expect(try supervisor.resolve(["group:data"]).get() == ["Database", "Cache"])
        #expect(try supervisor.resolve(["all"]).get() == Self.all)
        #expect(try supervisor.resolve(["Api", "group:web", "Api"]).get() == ["Api", "Web"])
        #expect(try supervisor.resolve(["Worker", "all"]).get() == Self.all)
    }

    @Test("an unknown agent or group is refused with close matches in the details")
    func resolveUnknown() throws {
        let supervisor = try Self.running().supervisor
        let typo = try #require(supervisor.resolve(["Web", "Databse"]).failureError)
        #expect(typo.code == .agentNotFound)
        #expect(typo.details == ["Database"])
        #expect(typo.message == #"no agent named "Databse" on host h; did you mean Database?"#)

        let nothing = try #require(supervisor.resolve(["Zebra"]).failureError)
        #expect(nothing.code == .agentNotFound)
        #expect(nothing.details?.isEmpty ?? true)
        #expect(!nothing.message.contains("did you mean"))

        let group = try #require(supervisor.resolve(["group:dta"]).failureError)
        #expect(group.code == .agentNotFound)
        #expect(group.message.contains(#"no agent of host h is in group "dta""#))
        #expect(group.details == ["data"])
    }

    @Test("stop a ready agent: stopping with its stop signal; after the exit it is stopped and stays down")
    func stopReady() throws {
        var driver = try Self.running()
        let (result, actions) = Self.apply(.stop(selection: ["Web"]), &driver)
        #expect(try Self.outcomes(result) == ["Web: stopping"])
        #expect(actions.transitions == ["Web:stopping"])
        #expect(actions.signals.map(\.agent) == ["Web"] && actions.signals.map(\.signal) == [15])
        #expect(actions.timers.map(\.key) == [TimerKey(agent: "Web", kind: .stopDeadline, generation: 1)])

        let exited = driver.kill("Web", signal: 15)
        #expect(exited.transitions == ["Web:stopped"])
        #expect(exited.spawned.isEmpty)
        #expect(driver.runtime("Web")?.lastExit?.reason == "stopped")
        #expect(driver.runtime("Web")?.pid == nil)
        driver.advance(to: 100)
        #expect(driver.state("Web") == .stopped)
        #expect(driver.spawnTimes("Web") == [2])
        #expect(driver.state("Api") == .ready, "stopping a dependent leaves its dependency alone")
    }

    @Test("stop wins over a pending restart: the agent is not spawned again after its exit")
    func stopDuringRestart() throws {
        var driver = try Self.running()
        #expect(try Self.outcomes(Self.apply(.restart(selection: ["Api"]), &driver).result) == ["Api: restarting"])
        let (result, actions) = Self.apply(.stop(selection: ["Api"]), &driver)
        #expect(try Self.outcomes(result) == ["Api: stopping"])
        #expect(actions.isEmpty, "already stopping: no second signal")
        #expect(driver.exit("Api", code: 0).spawned.isEmpty)
        #expect(driver.state("Api") == .stopped)
    }

    @Test("stop an agent in backoff: stopped at once, and the pending restart does nothing")
    func stopBackoff() throws {
        var driver = try Self.running()
        #expect(driver.exit("Worker", code: 1).spawned == ["Worker"])
        driver.exit("Worker", code: 1)
        #expect(driver.state("Worker") == .backoff)
        let (result, actions) = Self.apply(.stop(selection: ["Worker"]), &driver)
        #expect(try Self.outcomes(result) == ["Worker: stopped"])
        #expect(actions.transitions == ["Worker:stopped"])
        #expect(actions.signals.isEmpty)
        driver.advance(to: 60)
        #expect(driver.state("Worker") == .stopped)
        #expect(driver.spawnTimes("Worker") == [1, 10])
    }

    @Test("stop a waiting agent: stopped at once, and it does not start when its dependency is ready")
    func stopWaiting() throws {
        var driver = try Self.running()
        try Self.stopAndExit(["Database", "Api"], &driver)
        let started = Self.apply(.start(selection: ["Api"], withDependencies: true), &driver)
        #expect(try Self.outcomes(started.result) == ["Database: starting", "Api: waiting for Database"])
        #expect(driver.state("Api") == .waiting)

        let (result, actions) = Self.apply(.stop(selection: ["Api"]), &driver)
        #expect(try Self.outcomes(result) == ["Api: stopped"])
        #expect(actions.transitions == ["Api:stopped"])
        #expect(actions.signals.isEmpty)
        driver.advance(to: 20)
        #expect(driver.state("Database") == .ready)
        #expect(driver.state("Api") == .stopped)
        #expect(driver.spawnTimes("Api") == [1])
    }

    @Test("start a stopped agent whose dependencies are ready: it spawns with a new generation")
    func startStopped() throws {
        var driver = try Self.running()
        try Self.stopAndExit(["Worker"], &driver)
        let (result, actions) = Self.apply(.start(selection: ["Worker"], withDependencies: false), &driver)
        #expect(try Self.outcomes(result) == ["Worker: starting"])
        #expect(actions.transitions == ["Worker:waiting", "Worker:starting"])
        #expect(actions.spawned == ["Worker"])
        #expect(driver.runtime("Worker")?.generation == 2)
        driver.advance(to: 11)
        #expect(driver.state("Worker") == .ready)
    }

    @Test("start an agent whose dependency is stopped: refused, and nothing changes")
    func startBlocked() throws {
        var driver = try Self.running()
        try Self.stopAndExit(["Api", "Web"], &driver)
        let before = driver.supervisor.runtimes
        let (result, actions) = Self.apply(.start(selection: ["Web"], withDependencies: false), &driver)
        let error = try #require(result.failureError)
        #expect(error.code == .dependencyNotReady)
        #expect(error.details == ["Api"])
        #expect(error.message == "Web depends on Api, which is not running; start it first or use --with-deps")
        #expect(actions.isEmpty)
        #expect(driver.supervisor.runtimes == before)

        try Self.stopAndExit(["Database"], &driver)
        let deeper = try #require(Self.apply(.start(selection: ["Web"], withDependencies: false), &driver).result.failureError)
        #expect(deeper.details == ["Api", "Database"])
        #expect(deeper.message.contains("which are not running; start them first"))
    }

    @Test("a selection with one blocked agent is refused as a whole, even when it comes second")
    func startAllOrNothing() throws {
        var driver = try Self.running()
        try Self.stopAndExit(["Cache", "Web", "Worker"], &driver)
        let before = driver.supervisor.runtimes
        let (result, actions) = Self.apply(.start(selection: ["Web", "Worker"], withDependencies: false), &driver)
        let error = try #require(result.failureError)
        #expect(error.code == .dependencyNotReady)
        #expect(error.details == ["Cache"])
        #expect(actions.isEmpty)
        #expect(driver.supervisor.runtimes == before)
        #expect(driver.state("Web") == .stopped, "Web could have started, but the command was refused")
    }

    @Test("start with dependencies starts the stopped chain bottom-up, each once its dependency is ready")
    func startWithDependencies() throws {
        var driver = try Self.running()
        try Self.stopAndExit(["Database", "Api", "Web"], &driver)
        let (result, actions) = Self.apply(.start(selection: ["Web"], withDependencies: true), &driver)
        #expect(try Self.outcomes(result) == ["Database: starting", "Api: waiting for Database", "Web: waiting for Api"])
        #expect(actions.spawned == ["Database"])
        #expect(driver.advance(to: 11).spawned == ["Api"])
        #expect(driver.advance(to: 12).spawned == ["Web"])
        driver.advance(to: 13)
        #expect(["Database", "Api", "Web"].allSatisfy { driver.state($0) == .ready })

        let again = Self.apply(.start(selection: ["Web"], withDependencies: true), &driver)
        #expect(try Self.outcomes(again.result) == ["Database: already ready", "Api: already ready", "Web: already ready"])
        #expect(again.actions.isEmpty)
    }

    @Test("restart a ready agent: stopping, then at its exit a new process at once; restarts +1")
    func restartReady() throws {
        var driver = try Self.running()
        let (result, actions) = Self.apply(.restart(selection: ["Api"]), &driver)
        #expect(try Self.outcomes(result) == ["Api: restarting"])
        #expect(actions.transitions == ["Api:stopping"])
        #expect(actions.signals.map(\.signal) == [15])

        let exited = driver.kill("Api", signal: 15)
        #expect(exited.spawned == ["Api"])
        #expect(driver.state("Api") == .starting)
        #expect(driver.runtime("Api")?.generation == 2)
        #expect(driver.runtime("Api")?.restarts == 1)
        #expect(driver.runtime("Api")?.lastExit?.reason == "restarted")
        #expect(driver.signals(to: "Web").isEmpty, "its dependent keeps running")
        driver.advance(to: 11)
        #expect(driver.state("Api") == .ready)
    }

    @Test("restart a failed agent: failure and backoff history cleared, it may crash max_restarts times again")
    func restartFailed() throws {
        var driver = try Self.running()
        #expect(try Self.crashUntilFailed("Worker", &driver) == 3)
        #expect(driver.runtime("Worker")?.failureReason?.contains("giving up") == true)

        let (result, actions) = Self.apply(.restart(selection: ["Worker"]), &driver)
        #expect(try Self.outcomes(result) == ["Worker: starting"])
        #expect(actions.spawned == ["Worker"])
        #expect(driver.runtime("Worker")?.failureReason == nil)
        #expect(driver.runtime("Worker")?.backoff.consecutive == 0)
        #expect(driver.runtime("Worker")?.backoff.recent.isEmpty == true)
        #expect(try Self.crashUntilFailed("Worker", &driver) == 3)
    }

    @Test("commands during shutdown are refused and change nothing")
    func duringShutdown() throws {
        var driver = try Self.running()
        driver.send(.shutdown)
        let before = driver.supervisor.runtimes
        for command: ControlCommand in [
            .start(selection: ["all"], withDependencies: true), .stop(selection: ["Web"]), .restart(selection: ["Api"]),
        ] {
            let (result, actions) = Self.apply(command, &driver)
            #expect(result.failureError?.code == .shuttingDown)
            #expect(actions.isEmpty)
        }
        #expect(driver.supervisor.runtimes == before)
    }

    @Test("already settled agents are reported as such; non-agent commands are refused")
    func alreadyAndOthers() throws {
        var driver = try Self.running()
        try Self.stopAndExit(["Worker"], &driver)
        #expect(try Self.outcomes(Self.apply(.stop(selection: ["Worker"]), &driver).result) == ["Worker: already stopped"])
        #expect(try Self.outcomes(Self.apply(.start(selection: ["Cache"], withDependencies: false), &driver).result)
            == ["Cache: already ready"])
        #expect(Self.apply(.ping, &driver).result.failureError?.code == .unknownCommand)
    }
}

extension Result where Failure == ControlError {
    /// The error of a failure, nil on success.
    fileprivate var failureError: ControlError? {
        if case .failure(let error) = self { error } else { nil }
    }
}

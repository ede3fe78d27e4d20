import Foundation
import Testing

/// `start`, `stop` and `restart`: by name, by group, `all`, with and without `--with-deps`.
extension ControlCommandLineTests {
    /// `store` (group backend); `api` (group frontend) needs store; `ui` (group frontend) needs nothing.
    static func threeAgents(_ ports: [Int]) -> String {
        """
        defaults:
          host: mainpc
          command: [\(sim)]
          health: {kind: zmq}
        agents:
          store:
            group: backend
            health: {port: \(ports[0])}
          api:
            group: frontend
            health: {port: \(ports[1])}
            depends_on: [store]
          ui:
            group: frontend
            health: {port: \(ports[2])}
        """
    }

    static let allReady = ["store": "ready", "api": "ready", "ui": "ready"]

    @Test("stop NAME: stopped, pid gone; start refuses an agent whose dependency is stopped; start --with-deps starts both")
    func stopThenStartWithDependencies() throws {
        let ports = try PortAllocator.free(3)
        let session = try Session(manifest: Self.threeAgents(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        let before = try session.waitForStates(Self.allReady)
        let oldStore = try #require(before.pid("store"))
        let oldApi = try #require(before.pid("api"))

        let stop = try session.cli(["stop", "store"])
        #expect(stop.status == 0, "\(stop)")
        #expect(stop.lines == ["mainpc/store: stopping"], "\(stop)")
        let stopped = try session.waitForStates(["store": "stopped"])
        #expect(stopped.pid("store") == nil)
        #expect(eventually { !processIsAlive(oldStore) }, "store's process outlived stop")

        let stopApi = try session.cli(["stop", "api"])
        #expect(stopApi.status == 0, "\(stopApi)")
        try session.waitForStates(["store": "stopped", "api": "stopped"])
        #expect(eventually { !processIsAlive(oldApi) })

        let refused = try session.cli(["start", "api"])
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("api depends on store"), "\(refused)")
        #expect(refused.stderr.contains("--with-deps"), "\(refused)")
        let unchanged = try #require(try session.snapshot())
        #expect(unchanged.state("api") == "stopped" && unchanged.state("store") == "stopped")
        #expect(session.harness.pids(of: "api") == [oldApi], "a refused start spawned something")

        let started = try session.cli(["start", "api", "--with-deps"])
        #expect(started.status == 0, "\(started)")
        #expect(started.stdout.contains("mainpc/store: starting"), "\(started)")
        #expect(started.stdout.contains("mainpc/api: "), "\(started)")
        let after = try session.waitForStates(Self.allReady)
        for (name, old) in [("store", oldStore), ("api", oldApi)] {
            let pid = try #require(after.pid(name))
            #expect(pid != old)
            #expect(processIsAlive(pid))
        }
        #expect(after.pid("ui") == before.pid("ui"))
        try session.harness.stop()
    }

    @Test("restart NAME gives a new pid; restart group:<g> restarts that group only; stop all stops everything")
    func restartByNameAndGroupThenStopAll() throws {
        let ports = try PortAllocator.free(3)
        let session = try Session(manifest: Self.threeAgents(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        let first = try session.waitForStates(Self.allReady)
        let oldUi = try #require(first.pid("ui"))

        let restart = try session.cli(["restart", "ui"])
        #expect(restart.status == 0, "\(restart)")
        #expect(restart.lines == ["mainpc/ui: restarting"], "\(restart)")
        let second = try session.waitForStatus("ui ready with a new pid") { snapshot in
            snapshot.state("ui") == "ready" && snapshot.pid("ui").map { $0 != oldUi } == true
        }
        #expect(eventually { !processIsAlive(oldUi) })
        #expect(second.pid("store") == first.pid("store") && second.pid("api") == first.pid("api"))

        let group = try session.cli(["restart", "group:frontend"])
        #expect(group.status == 0, "\(group)")
        #expect(Set(group.lines) == ["mainpc/api: restarting", "mainpc/ui: restarting"], "\(group)")
        let third = try session.waitForStatus("api and ui ready with new pids") { snapshot in
            snapshot.state("api") == "ready" && snapshot.state("ui") == "ready"
                && snapshot.pid("api") != second.pid("api") && snapshot.pid("ui") != second.pid("ui")
        }
        #expect(third.pid("store") == first.pid("store"), "store is not in group frontend")
        #expect(session.harness.pids(of: "store").count == 1)

        let stopAll = try session.cli(["stop", "all"])
        #expect(stopAll.status == 0, "\(stopAll)")
        #expect(Set(stopAll.lines) == ["mainpc/store: stopping", "mainpc/api: stopping", "mainpc/ui: stopping"], "\(stopAll)")
        let last = try session.waitForStates(["store": "stopped", "api": "stopped", "ui": "stopped"])
        #expect(last.agents.allSatisfy { $0["pid"] == nil })
        let everyPid = ["store", "api", "ui"].flatMap { session.harness.pids(of: $0) }
        #expect(eventually { everyPid.allSatisfy { !processIsAlive($0) } }, "left running: \(everyPid.filter(processIsAlive))")
        #expect(session.harness.process?.isRunning == true, "stop all must not stop the supervisor")
        try session.harness.stop()
    }

    @Test("restart clears failed: a crash-looping agent gets its restarts again")
    func restartClearsFailed() throws {
        let port = try PortAllocator.free()
        let session = try Session(manifest: """
            defaults:
              host: mainpc
            agents:
              crashy:
                command: [\(Self.sim), "--ready-after", "1h", "--crash-after", "50ms"]
                health: {kind: zmq, port: \(port)}
                restart: {backoff: {initial: 50ms}, max_restarts: 1}
              steady:
                command: ["/bin/sleep", "1000"]
            """, avoiding: [port])
        defer { session.close() }
        try session.up()
        let failed = try session.waitForStates(["crashy": "failed", "steady": "ready"])
        #expect(failed.agent("crashy")?["failure_reason"] as? String != nil)
        #expect(session.harness.pids(of: "crashy").count == 2, "one start and max_restarts 1")

        let restart = try session.cli(["restart", "crashy"])
        #expect(restart.status == 0, "\(restart)")
        #expect(restart.lines.count == 1 && restart.lines.first?.hasPrefix("mainpc/crashy: ") == true, "\(restart)")
        #expect(restart.lines.first?.contains("failed") == false, "\(restart)")
        // Its restart history was cleared, so it is spawned again and then restarted once more
        // before it is failed a second time.
        try session.harness.waitForLine("crashy: failed -> ", "restart requested")
        #expect(eventually { session.harness.lines("crashy: ", "-> failed").count == 2 }, "\(session.harness.logText())")
        #expect(session.harness.pids(of: "crashy").count == 4, "\(session.harness.logText())")
        let again = try session.waitForStates(["crashy": "failed"])
        #expect(again.pid("steady") == failed.pid("steady"))
        try session.harness.stop()
    }
}

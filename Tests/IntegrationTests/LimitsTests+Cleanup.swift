import Foundation
import Testing

/// The supervisor removes its cgroups when it stops, and a successor in the same run folder
/// removes (and empties) those of a supervisor that was killed.
extension LimitsTests {
    private static let cleanupManifest = """
        defaults:
          host: mainpc
          health: {kind: none, start_period: 200ms}
        agents:
          limited:
            command: ["/bin/sleep", "1000"]
            limits: {memory: 64M, cpu: 0.5, pids: 50}
          stray:
            command: ["/bin/sh", "-c", "setsid sleep 1000 & wait"]
            limits: {memory: 64M}
          plain:
            command: ["/bin/sleep", "1000"]
        """

    /// Waits until the `number`-th start of the supervisor in this folder reports all 3 ready.
    private static func waitForStart(_ harness: SupervisorHarness, number: Int) -> Bool {
        eventually(timeout: 60) { harness.lines("ready: 3/3").count >= number }
    }

    /// The process in the agent's cgroup other than the agent itself (the escaped `sleep`).
    private static func escapedProcess(_ subtree: HostSubtree, _ harness: SupervisorHarness, agent: String) -> Int32? {
        var found: Int32?
        _ = eventually {
            let own = Set(harness.pids(of: agent))
            found = subtree.processes(agent).first { !own.contains($0) && commandName(of: $0) == "sleep" }
            return found != nil
        }
        return found
    }

    @Test("down and SIGTERM remove the supervisor's cgroups in every hierarchy",
          .enabled(if: CgroupRequirement.isMet, CgroupRequirement.skipReason))
    func shutdownRemovesCgroups() throws {
        let harness = try Self.harness(Self.cleanupManifest)
        var escaped: [Int32] = []
        defer {
            harness.cleanUp()
            Self.sweepCgroups(harness)
            for pid in escaped where processIsAlive(pid) { kill(pid, SIGKILL) }
        }
        try harness.start()
        let subtree = try HostSubtree.logged(by: harness)
        #expect(Self.waitForStart(harness, number: 1), "\(harness.logText())")
        let leaf = "supervisor/mainpc.\(Self.tag(of: harness))"
        #expect(!subtree.directories.isEmpty && subtree.directories.allSatisfy { $0.hasSuffix("/" + leaf) },
                "the subtree is named after the run folder's tag \(leaf): \(subtree)")
        for directory in subtree.directories {
            #expect(FileManager.default.fileExists(atPath: directory + "/limited"), "\(directory)/limited")
            #expect(FileManager.default.fileExists(atPath: directory + "/plain"), "an agent without limits has a cgroup too")
        }
        escaped += Self.escapedProcess(subtree, harness, agent: "stray").map { [$0] } ?? []
        #expect(escaped.count == 1, "setsid sleep of stray not found in its cgroup")

        let down = try harness.run(["down", "mainpc"])
        #expect(down.status == 0, "\(down.output)")
        #expect(Self.waitForExit(harness), "supervisor still running after down")
        #expect(subtree.remaining.isEmpty, "left after down: \(subtree.remaining)")
        #expect(Self.leftoverHostDirectories(harness).isEmpty)
        #expect(eventually { !escaped.contains(where: processIsAlive) }, "a process that left the group survived down")

        // A foreground `up` ended by SIGTERM cleans up the same way.
        try harness.start()
        #expect(Self.waitForStart(harness, number: 2), "\(harness.logText())")
        #expect(subtree.remaining.count == subtree.directories.count)
        let status = try harness.stop(signal: SIGTERM)
        #expect(status == 0)
        #expect(Self.leftoverHostDirectories(harness).isEmpty, "left after SIGTERM: \(Self.leftoverHostDirectories(harness))")
    }

    @Test("after SIGKILL of the supervisor, the next up in the folder kills what is left and removes stale cgroups",
          .enabled(if: CgroupRequirement.isMet, CgroupRequirement.skipReason))
    func staleCgroupsAreRemoved() throws {
        let harness = try Self.harness(Self.cleanupManifest)
        var escaped: [Int32] = []
        defer {
            harness.cleanUp()
            Self.sweepCgroups(harness)
            for pid in escaped where processIsAlive(pid) { kill(pid, SIGKILL) }
        }
        try harness.start()
        let subtree = try HostSubtree.logged(by: harness)
        #expect(Self.waitForStart(harness, number: 1), "\(harness.logText())")
        let sleeper = try #require(Self.escapedProcess(subtree, harness, agent: "stray"), "setsid sleep not found")
        escaped.append(sleeper)
        let firstAgents = harness.pids(of: "limited") + harness.pids(of: "stray") + harness.pids(of: "plain")

        try harness.stop(signal: SIGKILL)
        // The agents die with their parent-death signal; the setsid'd sleep escapes that, not its cgroup.
        #expect(eventually { !firstAgents.contains(where: processIsAlive) }, "agents outlived the supervisor")
        #expect(processIsAlive(sleeper), "the escaped sleep should outlive a killed supervisor")
        #expect(subtree.remaining.count == subtree.directories.count, "SIGKILL leaves the cgroups behind")
        #expect(subtree.processes("stray").contains(sleeper))

        try harness.start()
        let removed = try harness.waitForLine("limits: removed stale cgroups")
        for agent in ["limited", "stray", "plain"] { #expect(removed.contains(agent), "\(removed)") }
        #expect(eventually { !processIsAlive(sleeper) }, "the stale cgroup's sleep \(sleeper) was not killed")
        #expect(Self.waitForStart(harness, number: 2), "\(harness.logText())")
        #expect(harness.lines("limits: removed stale cgroups").count == 1)
        if let second = Self.escapedProcess(subtree, harness, agent: "stray") { escaped.append(second) }

        let down = try harness.run(["down", "mainpc"])
        #expect(down.status == 0, "\(down.output)")
        #expect(Self.waitForExit(harness))
        #expect(Self.leftoverHostDirectories(harness).isEmpty, "left after down: \(Self.leftoverHostDirectories(harness))")
        #expect(eventually { !escaped.contains(where: processIsAlive) }, "escaped sleeps still alive: \(escaped)")
    }
}

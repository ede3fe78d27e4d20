import Foundation
import Testing

/// No descendant of an agent outlives it: children in its process group, and a `setsid`
/// daemon that left the group, die on `restart`, `stop`, `down`, and after a SIGKILL of the
/// supervisor at the next `up` (then `down`), with cgroups and limits, with cgroups and no
/// limits, and with `--no-cgroups` (subreaper and run marker).
@Suite("descendants never outlive their agent", .serialized)
struct ContainmentTests {
    enum Mode: String, CaseIterable, CustomStringConvertible {
        case cgroupsWithLimits = "cgroups, limits"
        case cgroupsWithoutLimits = "cgroups, no limits"
        case noCgroups = "--no-cgroups"

        var description: String { rawValue }
        var arguments: [String] { self == .noCgroups ? ["--no-cgroups"] : [] }
    }

    /// Unique `sleep` durations, so that the test finds exactly its own processes in /proc.
    struct Tokens {
        let daemon = "\(Int.random(in: 3_000_000...3_999_999))"
        let child = "\(Int.random(in: 4_000_000...4_999_999))"
        let agent = "\(Int.random(in: 5_000_000...5_999_999))"
        var all: [String] { [daemon, child, agent] }
    }

    static func manifest(_ mode: Mode, _ tokens: Tokens) -> String {
        let limits = mode == .cgroupsWithLimits ? "\n    limits: {memory: 256M, pids: 100}" : ""
        return """
            agents:
              family:
                host: mainpc
                command: ["/bin/sh", "-c", "setsid sleep \(tokens.daemon) </dev/null >/dev/null 2>&1 & sleep \(tokens.child) & exec sleep \(tokens.agent)"]
                health: {kind: none, start_period: 200ms}\(limits)
            """
    }

    /// Pids of live processes running `sleep TOKEN`.
    static func sleepers(_ token: String) -> [Int32] {
        let wanted = Array("sleep\0\(token)\0".utf8)
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                  Array(data).suffix(wanted.count) == wanted[...], processIsAlive(pid) else { return nil }
            return pid
        }
    }

    /// Waits until each token runs in exactly one process; returns them all.
    static func family(_ tokens: Tokens, _ harness: SupervisorHarness) throws -> [Int32] {
        var found: [Int32] = []
        let complete = eventually(timeout: 60) {
            let each = tokens.all.map(sleepers)
            found = each.flatMap { $0 }
            return each.allSatisfy { $0.count == 1 }
        }
        try #require(complete, "not every process of the family is running: \(found)\n\(harness.logText())")
        return found
    }

    static func allGone(_ pids: [Int32]) -> Bool {
        eventually(timeout: 30) { !pids.contains(where: processIsAlive) }
    }

    /// False, with the reason printed, when the mode needs cgroups this machine lacks (decided
    /// as `up` decides, before anything starts).
    static func usable(_ mode: Mode) -> Bool {
        guard mode != .noCgroups, !CgroupRequirement.isMet else { return true }
        print("skipped (\(mode)): \(CgroupRequirement.skipReason.rawValue)")
        return false
    }

    static func killEverything(_ tokens: Tokens) {
        for pid in tokens.all.flatMap(sleepers) { kill(pid, SIGKILL) }
    }

    /// Starts `up` in `mode` and waits for the family; runs `body` with the session and the
    /// first family's pids (nothing when the mode cannot run here), then kills what is left.
    static func withFamily(_ mode: Mode, _ body: (ControlCommandLineTests.Session, Tokens, [Int32]) throws -> Void) throws {
        guard usable(mode) else { return }
        let tokens = Tokens()
        let session = try ControlCommandLineTests.Session(manifest: manifest(mode, tokens))
        defer {
            session.close()
            killEverything(tokens)
        }
        try session.harness.start(extraArguments: mode.arguments)
        try session.waitForStates(["family": "ready"])
        try body(session, tokens, try family(tokens, session.harness))
    }

    @Test("restart, stop and down leave no descendant", arguments: Mode.allCases)
    func restartStopDown(mode: Mode) throws {
        try Self.withFamily(mode) { session, tokens, first in
            let restart = try session.cli(["restart", "family"])
            #expect(restart.status == 0, "\(restart)")
            #expect(Self.allGone(first), "left after restart: \(first.filter(processIsAlive))")
            let second = try Self.family(tokens, session.harness)
            #expect(Set(second).isDisjoint(with: first))

            let stop = try session.cli(["stop", "family"])
            #expect(stop.status == 0, "\(stop)")
            #expect(Self.allGone(second), "left after stop: \(second.filter(processIsAlive))")

            let start = try session.cli(["start", "family"])
            #expect(start.status == 0, "\(start)")
            let third = try Self.family(tokens, session.harness)
            let down = try session.cli(["down", "mainpc"])
            #expect(down.status == 0, "\(down)")
            #expect(Self.allGone(third), "left after down: \(third.filter(processIsAlive))")
        }
    }

    @Test("after a SIGKILL of the supervisor, the next up kills what was left, and its down leaves nothing", arguments: Mode.allCases)
    func killedSupervisor(mode: Mode) throws {
        try Self.withFamily(mode) { session, tokens, first in
            try session.harness.stop(signal: SIGKILL)
            // The agent itself dies with its parent-death signal; what it started may not.
            #expect(eventually { Self.sleepers(tokens.agent).isEmpty }, "the agent outlived its supervisor")

            try session.harness.start(extraArguments: mode.arguments)
            try session.waitForStates(["family": "ready"])
            #expect(Self.allGone(first), "left by the killed supervisor: \(first.filter(processIsAlive))")
            let second = try Self.family(tokens, session.harness)
            let down = try session.cli(["down", "mainpc"])
            #expect(down.status == 0, "\(down)")
            #expect(Self.allGone(second), "left after down: \(second.filter(processIsAlive))")
        }
    }
}

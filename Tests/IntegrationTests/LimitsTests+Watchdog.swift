import Foundation
import Testing

/// Without cgroups (`up --no-cgroups`) the watchdog holds memory limits; and the figures every
/// agent gets in status, limited or not.
extension LimitsTests {
    // Needs no cgroups: it runs everywhere.
    @Test("--no-cgroups: the watchdog restarts an agent above its memory limit, reports oom, creates no cgroup")
    func watchdogEnforcesMemory() throws {
        let harness = try Self.harness("""
            agents:
              hog:
                host: mainpc
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--memory", "20M", "--grow-memory", "30M"]
                health: {kind: none, start_period: 200ms}
                restart: {backoff: {initial: 500ms, max: 2s}, max_restarts: 50, window: 1m}
                limits: {memory: 80M, cpu: 0.5, pids: 100}
            """)
        defer { harness.cleanUp(); Self.sweepCgroups(harness) }
        try harness.start(extraArguments: ["--no-cgroups"])
        let note = try harness.waitForLine("limits: cgroups disabled")
        #expect(note.contains("watchdog"))
        #expect(harness.lines("limits: cgroup v").isEmpty)

        let (watched, entry) = Self.pollStatus(harness, "hog") {
            Self.resources($0)["enforcement"] as? String == "watchdog" && Self.resources($0)["unenforced"] != nil
        }
        let figures = Self.resources(entry)
        #expect(watched, "status: \(entry ?? [:])")
        #expect(figures["unenforced"] as? [String] == ["cpu", "pids"], "\(figures)")
        #expect(figures["throttled"] == nil, "no throttling figure without cgroups: \(figures)")

        let over = try harness.waitForLine("hog: memory", "above its limit 80", "watchdog")
        #expect(over.contains("restarting it"), "\(over)")
        let (oom, afterExit) = Self.pollStatus(harness, "hog") {
            ($0["last_exit"] as? [String: Any])?["reason"] as? String == "oom"
        }
        #expect(oom, "status: \(afterExit ?? [:])")
        let detail = (afterExit?["last_exit"] as? [String: Any])?["detail"] as? String ?? ""
        #expect(detail.contains("watchdog"), "\(afterExit ?? [:])")
        #expect(eventually { harness.pids(of: "hog").count >= 2 }, "hog was not restarted")
        try harness.waitForLine("hog: ", "out of memory: above its memory limit (watchdog)")

        // No cgroup anywhere: not in the hierarchies, not in the agent's own membership.
        #expect(Self.leftoverHostDirectories(harness).isEmpty, "\(Self.leftoverHostDirectories(harness))")
        var paths: [String] = []
        _ = eventually {
            guard let pid = harness.pids(of: "hog").last, processIsAlive(pid) else { return false }
            paths = Self.cgroupPaths(of: pid)
            return !paths.isEmpty
        }
        #expect(!paths.isEmpty, "never saw a running hog to check its cgroups")
        #expect(!paths.contains { $0.contains("/supervisor/") }, "hog is in \(paths)")
        try harness.stop()
        #expect(Self.leftoverHostDirectories(harness).isEmpty)
    }

    @Test("status: figures for an agent without limits (enforcement none, rss) and RSS, CPU, LIMITS columns",
          .enabled(if: CgroupRequirement.isMet, CgroupRequirement.skipReason))
    func statusFigures() throws {
        let harness = try Self.harness("""
            defaults:
              host: mainpc
              health: {kind: none, start_period: 200ms}
            agents:
              plain:
                command: ["/bin/sleep", "1000"]
              capped:
                command: ["/bin/sleep", "1000"]
                limits: {memory: 64M}
            """)
        defer { harness.cleanUp(); Self.sweepCgroups(harness) }
        try harness.start()
        let subtree = try HostSubtree.logged(by: harness)
        try harness.waitForLine("ready: 2/2")

        let (sampled, entry) = Self.pollStatus(harness, "plain") { (Self.resources($0)["rss"] as? Int ?? 0) > 0 }
        let figures = Self.resources(entry)
        #expect(sampled, "plain never got an rss figure: \(entry ?? [:])")
        #expect(figures["enforcement"] as? String == "none", "\(figures)")
        #expect(figures["processes"] as? Int == 1, "\(figures)")
        #expect((figures["threads"] as? Int ?? 0) >= 1, "\(figures)")
        #expect(figures["throttled"] == nil, "\(figures)")
        #expect((figures["unenforced"] as? [String] ?? []).isEmpty, "\(figures)")

        let (cappedSampled, cappedEntry) = Self.pollStatus(harness, "capped") { (Self.resources($0)["rss"] as? Int ?? 0) > 0 }
        #expect(cappedSampled, "\(cappedEntry ?? [:])")
        #expect(Self.resources(cappedEntry)["enforcement"] as? String == subtree.enforcement)
        #expect(Self.resources(cappedEntry)["processes"] as? Int == 1, "\(Self.resources(cappedEntry))")

        let table = try harness.run(["status", "mainpc"])
        #expect(table.status == 0, "\(table.output)")
        let lines = table.output.split(separator: "\n").map(String.init)
        let header = lines.first?.split(separator: " ").map(String.init) ?? []
        let columns = ["RSS", "CPU", "LIMITS"].compactMap { header.firstIndex(of: $0) }
        #expect(columns.count == 3 && columns == columns.sorted(), "header: \(lines.first ?? "")")
        let plainRow = lines.first { $0.hasPrefix("plain ") } ?? ""
        let cappedRow = lines.first { $0.hasPrefix("capped ") } ?? ""
        #expect(plainRow.contains(" none "), "\(table.output)")
        #expect(cappedRow.contains(" \(subtree.enforcement) "), "\(table.output)")
        #expect(plainRow.range(of: #" \d+(\.\d+)?[KMGT] "#, options: .regularExpression) != nil, "no RSS in \(plainRow)")
        try harness.stop()
    }
}

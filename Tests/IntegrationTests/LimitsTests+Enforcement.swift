import Foundation
import Testing

/// The kernel holds the limits: memory (OOM kill), cpu (quota) and pids (fork refused).
extension LimitsTests {
    @Test("memory: an agent that outgrows its limit is OOM-killed, reported as oom and restarted with backoff",
          .enabled(if: CgroupRequirement.isMet, CgroupRequirement.skipReason))
    func oomKillIsReportedAndRestarted() throws {
        let harness = try Self.harness("""
            defaults:
              host: mainpc
              health: {kind: none, start_period: 200ms}
              restart: {backoff: {initial: 500ms, max: 2s}, max_restarts: 50, window: 1m}
            agents:
              hog:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--memory", "20M", "--grow-memory", "30M"]
                limits: {memory: 64M}
            """)
        defer { harness.cleanUp(); Self.sweepCgroups(harness) }
        try harness.start()
        let subtree = try HostSubtree.logged(by: harness)
        // `events` needs a running supervisor. hog is OOM-killed every 2-3 s, so a subscriber
        // that misses the first kill still sees the next one.
        try harness.waitForLine("control on tcp://")
        let errors = try BackgroundRun(harness, ["events", "mainpc", "--topic", "agent.errors", "--count", "1"])
        defer { errors.stop() }
        #expect(subtree.remaining.count == subtree.directories.count, "\(subtree)")
        let limitFile = subtree.isV2 ? "memory.max" : "memory.limit_in_bytes"
        #expect(eventually { subtree.value("hog", limitFile) == "67108864" }, "\(limitFile) of hog in \(subtree)")

        let killed = try harness.waitForLine("hog exited: signal 9", "killed by the kernel", "(oom)")
        #expect(killed.contains("memory limit"))
        // The first failure after a ready run restarts at once, the next one waits the initial backoff.
        let backoff = try harness.waitForLine("hog: ready -> backoff", "out of memory", "restarting in 500ms")
        #expect(backoff.contains("killed by the kernel at its memory limit"))
        #expect(eventually { harness.pids(of: "hog").count >= 3 })
        let pids = harness.pids(of: "hog")
        #expect(Set(pids).count == pids.count, "every restart is a new process: \(pids)")

        let (sawOOM, entry) = Self.pollStatus(harness, "hog") { ($0["last_exit"] as? [String: Any])?["reason"] as? String == "oom" }
        #expect(sawOOM, "status: \(entry ?? [:])")
        let lastExit = entry?["last_exit"] as? [String: Any]
        #expect(lastExit?["signal"] as? Int == 9, "\(lastExit ?? [:])")
        let detail = lastExit?["detail"] as? String ?? ""
        #expect(detail.contains("killed by the kernel"), "\(lastExit ?? [:])")
        #expect((entry?["restarts"] as? Int ?? 0) >= 1)

        #expect(errors.waitForExit(timeout: 30), "no agent.errors event; output: \(errors.output)")
        let event = errors.output.split(separator: "\n").first.flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(event?["agent"] as? String == "hog", "\(errors.output)")
        let message = event?["message"] as? String ?? ""
        #expect(message.contains("out of memory"), "\(errors.output)")
        try harness.stop()
    }

    @Test("cpu: a busy loop is held near its 0.2-core quota and status reports throttling",
          .enabled(if: CgroupRequirement.isMet, CgroupRequirement.skipReason))
    func cpuQuotaHolds() throws {
        let harness = try Self.harness("""
            agents:
              burner:
                host: mainpc
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--cpu", "1.0"]
                health: {kind: none, start_period: 200ms}
                limits: {cpu: 0.2}
            """)
        defer { harness.cleanUp(); Self.sweepCgroups(harness) }
        try harness.start()
        let subtree = try HostSubtree.logged(by: harness)
        try harness.waitForLine("burner: starting -> ready")
        let pid = try #require(harness.pids(of: "burner").last)
        #expect(eventually { Self.agentLogText(harness, "burner").contains("burning") }, "agent-sim never started burning")
        if subtree.isV2 {
            #expect(subtree.value("burner", "cpu.max") == "20000 100000")
        } else {
            #expect(subtree.value("burner", "cpu.cfs_quota_us") == "20000")
            #expect(subtree.value("burner", "cpu.cfs_period_us") == "100000")
        }

        // Measured here, from /proc, over about 4 s (the sleep is the measuring interval).
        let start = try #require(Self.cpuSeconds(of: pid))
        let startedAt = Date()
        Thread.sleep(forTimeInterval: 4)
        let end = try #require(Self.cpuSeconds(of: pid))
        let share = (end - start) / Date().timeIntervalSince(startedAt)
        // Unlimited, it would use a whole core; a loaded machine may give it less than its quota.
        #expect((0.05...0.35).contains(share), "burner used \(share) of a core under a 0.2 quota")

        let (throttled, entry) = Self.pollStatus(harness, "burner") {
            (Self.resources($0)["throttled"] as? Double ?? 0) > 0 && Self.resources($0)["cpu"] != nil
        }
        let figures = Self.resources(entry)
        #expect(throttled, "status never showed throttling: \(figures)")
        #expect(figures["enforcement"] as? String == subtree.enforcement, "\(figures)")
        #expect((figures["unenforced"] as? [String] ?? []).isEmpty, "\(figures)")
        if let cpu = figures["cpu"] as? Double {
            #expect(cpu <= 0.35, "status cpu \(cpu) under a 0.2 quota")
        }
        try harness.stop()
    }

    @Test("pids: forks beyond the limit are refused and the cgroup never holds more than the limit",
          .enabled(if: CgroupRequirement.isMet, CgroupRequirement.skipReason))
    func pidsLimitRefusesForks() throws {
        // dash gives up at the first refused fork; bash retries for about 15 s, which holds its
        // cgroup at the limit long enough to watch it.
        let loop = "for i in $(seq 1 10); do sleep 100 & done; wait"
        let harness = try Self.harness("""
            defaults:
              host: mainpc
              health: {kind: none, start_period: 200ms}
              restart: {policy: never}
              limits: {pids: 4}
            agents:
              forker:
                command: ["/bin/sh", "-c", "\(loop)"]
              holder:
                command: ["/bin/bash", "-c", "\(loop)"]
            """)
        defer { harness.cleanUp(); Self.sweepCgroups(harness) }
        try harness.start()
        let subtree = try HostSubtree.logged(by: harness)

        try harness.waitForLine("forker: ", "-> failed", "exit code 2")
        #expect(Self.agentLogText(harness, "forker").contains("Cannot fork"), "\(Self.agentLogText(harness, "forker"))")

        #expect(eventually { subtree.value("holder", "pids.max") == "4" }, "pids.max of holder in \(subtree)")
        var highest = 0
        var listed = 0
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, harness.lines("holder exited").isEmpty {
            if let current = subtree.value("holder", "pids.current").flatMap({ Int($0) }) { highest = max(highest, current) }
            listed = max(listed, subtree.processes("holder").count)
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(highest == 4, "pids.current peaked at \(highest); it must reach the limit and never pass it")
        #expect((1...4).contains(listed), "cgroup.procs listed up to \(listed) processes")
        let refused = (subtree.value("holder", "pids.events") ?? "").split(separator: "\n")
            .first { $0.hasPrefix("max ") }.flatMap { Int($0.dropFirst(4)) } ?? 0
        #expect(refused >= 1, "pids.events shows no refused fork")
        #expect(eventually { Self.agentLogText(harness, "holder").contains("Resource temporarily unavailable") },
                "\(Self.agentLogText(harness, "holder"))")
        try harness.stop()
    }

    @Test("stop: a requested stop that ends in the supervisor's SIGKILL is not an OOM kill, even after one in the cgroup",
          .enabled(if: CgroupRequirement.isMet, CgroupRequirement.skipReason))
    func requestedStopIsNotAnOOMKill() throws {
        // The shell ignores SIGTERM, so the stop ends with SIGKILL at the stop timeout; before
        // that, a pipeline child of the agent was OOM-killed, so the cgroup's oom_kill is 1.
        let harness = try Self.harness("""
            agents:
              worker:
                host: mainpc
                command: ["/bin/sh", "-c", "trap '' TERM; (head -c 256M /dev/zero | tail); sleep 1000"]
                health: {kind: none, start_period: 200ms}
                stop: {timeout: 500ms}
                limits: {memory: 32M}
            """)
        defer { harness.cleanUp(); Self.sweepCgroups(harness) }
        try harness.start()
        let subtree = try HostSubtree.logged(by: harness)
        try harness.waitForLine("worker: starting -> ready")
        let counter = subtree.isV2 ? "memory.events" : "memory.oom_control"
        let childKilled = eventually {
            (subtree.value("worker", counter) ?? "").split(separator: "\n").contains { $0.hasPrefix("oom_kill ") && $0 != "oom_kill 0" }
        }
        #expect(childKilled, "the child was not OOM-killed")
        let stop = try harness.run(["stop", "worker"])
        #expect(stop.status == 0, "\(stop.output)")
        let exited = try harness.waitForLine("worker exited: signal 9")
        let next = try harness.waitForLine("worker: stopping -> ")
        // The supervisor's own SIGKILL at the stop timeout is not the kernel's OOM kill, and a
        // requested stop ends stopped.
        #expect(!exited.contains("(oom)"), "\(exited)")
        #expect(next.contains("stopping -> stopped"), "\(next)")
        try harness.stop()
    }
}

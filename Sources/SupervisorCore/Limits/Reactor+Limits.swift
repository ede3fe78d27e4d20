import Foundation
import SupervisorModel

extension Reactor {
    /// How often resources are sampled: the watchdog's interval when some agent depends on it.
    var sampleInterval: TimeInterval {
        let watched = model.order.contains { enforcement(for: $0) == .watchdog && model.specs[$0]?.limits.memory != nil }
        return watched ? min(options.watchdogInterval, options.metricsInterval) : options.metricsInterval
    }

    /// Chooses cgroups (v2, else v1) or the watchdog, says so, and clears stale groups left by
    /// a supervisor of this run folder that died without cleaning up. Where cgroups are usable
    /// every agent gets one, limits or not, so that stopping it stops all its processes.
    func setUpLimits() {
        let limited = model.order.filter { !(model.specs[$0]?.limits.isEmpty ?? true) }
        guard options.useCgroups else {
            if !limited.isEmpty {
                log.note("limits: cgroups disabled; memory limits are enforced by the watchdog (cpu and pids limits cannot be)")
            }
            return
        }
        switch CgroupLimiter.detect(host: options.host, instance: options.runTag) {
        case .success(let found):
            limiter = found
            log.note("limits: \(found.enforcement.rawValue), a cgroup per agent, under \(found.hostDirectories.sorted().joined(separator: ", "))\(found.delegation?.note ?? "")")
            let stale = found.removeStale()
            if !stale.isEmpty {
                log.note("limits: removed stale cgroups of a previous supervisor (and killed what ran in them): \(stale.joined(separator: ", "))")
            }
        case .failure(let unavailable):
            let limits = limited.isEmpty ? "" : "; memory limits are enforced by the watchdog (cpu and pids limits cannot be)"
            log.note("limits: no usable cgroups (\(unavailable.reason))\(limits)")
        }
    }

    func enforcement(for agent: String) -> LimitEnforcement {
        guard let spec = model.specs[agent], !spec.limits.isEmpty else { return .none }
        return limiter?.enforcement ?? .watchdog
    }

    /// The cgroup.procs files the agent's child must join (none without cgroups).
    func prepareCgroup(for spec: AgentSpec) -> Result<[String], CgroupSetupFailure> {
        guard let limiter else { return .success([]) }
        do {
            let cgroup = try limiter.create(agent: spec.name, limits: spec.limits)
            cgroups[spec.name] = cgroup
            return .success(cgroup.procsFiles)
        } catch {
            // Starting it unlimited would break the promise that limits always hold.
            return .failure(CgroupSetupFailure(message: "cannot set up its cgroup: \(error)"))
        }
    }

    func releaseCgroup(of agent: String) {
        guard let limiter, let cgroup = cgroups.removeValue(forKey: agent) else { return }
        limiter.remove(cgroup)
    }

    /// `.oomKilled` when the kernel killed the agent at its memory limit, else `.exited`;
    /// the agent's cgroup is removed either way.
    func exitEvent(_ agent: String, _ status: ExitStatus, cause: FailureCause?) -> SupervisorEvent {
        defer {
            oomKillsAtOwnKill[agent] = nil
            releaseCgroup(of: agent)
            figures[agent] = nil
            cpuMarks[agent] = nil
            watchdogPace.forget(agent)
            // Its processes are gone: their pids may soon be another process's.
            sampledMembers[agent] = nil
        }
        // The kernel's OOM kill is a SIGKILL (or, seen through a shell, exit 137) while the
        // cgroup's oom_kill counter rose since the supervisor last sent SIGKILL itself.
        let killed = status == .signal(SIGKILL, coreDumped: false) || status == .code(128 + SIGKILL)
        if killed, let limiter, let cgroup = cgroups[agent], limiter.oomKills(cgroup) > (oomKillsAtOwnKill[agent] ?? 0) {
            return .oomKilled(agent: agent, status: status, cause: cause)
        }
        return .exited(agent: agent, status: status, cause: cause)
    }

    /// Notes the OOM counter when the supervisor itself sends SIGKILL, so that kill is not
    /// taken for the kernel's.
    func noteOwnKill(of agent: String) {
        guard let limiter, let cgroup = cgroups[agent] else { return }
        oomKillsAtOwnKill[agent] = limiter.oomKills(cgroup)
    }

    /// Samples every running agent from /proc (and its cgroup), after taking in orphans; the
    /// watchdog acts on memory. Between full samples only the watchdog's close agents are read.
    func sampleResources(now: TimeInterval) {
        guard now >= nextFullSampleAt else {
            checkWatchdog()
            return
        }
        nextFullSampleAt = now + options.metricsInterval
        adoptOrphans()
        let running = model.order.filter { model.runtimes[$0]?.pid != nil }
        let ungrouped = Set(running.filter { cgroups[$0] == nil }.compactMap { model.runtimes[$0]?.pid })
        let groups = ProcessSampler.members(ofGroups: ungrouped)
        sampledMembers = [:]
        for agent in running {
            guard let pid = model.runtimes[agent]?.pid, let spec = model.specs[agent] else { continue }
            let cgroup = cgroups[agent]
            let pids = cgroup.map { limiter?.processes($0) ?? [] } ?? groups[pid] ?? [pid]
            sampledMembers[agent] = pids
            let sample = ProcessSampler.sample(pids)
            let times = cgroup.flatMap { limiter?.cpuTimes($0) }
            let cpuSeconds = times?.used ?? sample.cpuSeconds
            var share: Double?
            if let mark = cpuMarks[agent], now > mark.at {
                share = max(0, (cpuSeconds - mark.seconds) / (now - mark.at))
            }
            cpuMarks[agent] = (now, cpuSeconds)
            let kind = enforcement(for: agent)
            let unenforced = kind == .watchdog
                ? [spec.limits.cpu.map { _ in "cpu" }, spec.limits.pids.map { _ in "pids" }].compactMap { $0 }
                : limiter?.unenforced(spec.limits) ?? []
            figures[agent] = ResourceFigures(
                enforcement: kind, rss: sample.rss, cpu: share, threads: sample.threads, fds: sample.fds,
                processes: sample.processes, throttled: spec.limits.cpu == nil ? nil : times?.throttled, unenforced: unenforced)
            enforceWatchdog(agent, rss: sample.rss)
        }
    }

    /// A process the watchdog guards is read from its first tick on, not from the next full
    /// sample (`MemoryWatchdogPace.watch`).
    func watchFromSpawn(_ agent: String, pid: Int32) {
        guard enforcement(for: agent) == .watchdog else { return }
        sampledMembers[agent] = [pid]
        watchdogPace.watch(agent)
    }

    /// Between full samples, the watchdog reads only the resident memory of the processes the
    /// last full sample found for each agent close to its limit (`MemoryWatchdogPace`; one
    /// small /proc file each): O(close agents) per tick.
    private func checkWatchdog() {
        for agent in watchdogPace.close {
            guard let pid = model.runtimes[agent]?.pid else {
                watchdogPace.forget(agent)
                continue
            }
            enforceWatchdog(agent, rss: ProcessSampler.residentBytes(sampledMembers[agent] ?? [pid]))
        }
    }

    private func enforceWatchdog(_ agent: String, rss: UInt64) {
        guard enforcement(for: agent) == .watchdog, let limit = model.specs[agent]?.limits.memory else {
            watchdogPace.forget(agent)
            return
        }
        watchdogPace.note(agent, rss: rss, limit: limit)
        guard rss > limit, let state = model.runtimes[agent]?.state, state == .starting || state == .ready else { return }
        log.note("\(agent): memory \(Quantity.describe(bytes: rss)) above its limit \(Quantity.describe(bytes: limit)); restarting it (watchdog)")
        feed(.memoryLimitExceeded(agent: agent, rss: rss, limit: limit))
    }

    /// Kills and removes every cgroup of this supervisor (at exit).
    func tearDownLimits() {
        guard let limiter else { return }
        for agent in Array(cgroups.keys) { releaseCgroup(of: agent) }
        limiter.removeHostSubtree()
    }
}

/// An agent's cgroup could not be created or limited; its start fails.
struct CgroupSetupFailure: Error {
    var message: String
}

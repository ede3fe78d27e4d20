import Foundation

/// One agent as `status` reports it (snake_case on the wire).
public struct AgentStatus: Equatable, Sendable, Codable {
    public var name: String
    public var host: String
    public var group: String?
    public var state: AgentState
    public var pid: Int32?
    /// Seconds since the current process was spawned.
    public var uptime: Double?
    public var restarts: Int
    /// `ok`, `starting`, `failing 1/3: ...`, `none` (no check), or `-` without a process.
    public var health: String
    /// Spawn-to-ready seconds of the last start that became ready.
    public var readyAfter: Double?
    /// Dependencies this agent waits for (not ready).
    public var blockedBy: [String]
    /// For `waiting`: its place in the start queue when it waits for a start slot
    /// (`max_concurrent_starts`), not for dependencies.
    public var startQueue: StartQueueStatus?
    public var lastExit: ExitSummary?
    /// Why the last process ended, in the agent's words: the error line of a Python traceback
    /// and its file:line, an `Error in main:` line, or its last line of output; or why it could
    /// not start. Nil when the last end was asked for (stop, restart) or said nothing.
    public var cause: FailureCause?
    /// Why it is `failed`.
    public var failureReason: String?
    /// The reason of its last state change (`exited 0 after being ready 12 s; policy on-failure
    /// does not restart it`, `started without ServiceRegistry (failed)`).
    public var stateReason: String?
    /// The dependencies it was last started without (not required, or `--keep-going`), by name
    /// (`host/name` for another host's); nil when none.
    public var startedWithout: [String]?
    /// The same with why: `started without ServiceRegistry (failed)`.
    public var startedWithoutDetail: String?
    public var required: Bool
    public var port: Int?
    public var healthPort: Int?
    /// The port the current process answers health checks on, when discovery found it on
    /// another port than the configured one (`health.discover`).
    public var healthPortDiscovered: Int?
    /// Seconds until a scheduled restart (state `backoff`).
    public var restartIn: Double?
    /// Measured memory, CPU, threads and descriptors, and how limits are enforced (filled in by
    /// the I/O layer, which samples /proc and the cgroups).
    public var resources: ResourceFigures?
    /// Errors the agent reported on the error bus in the last minute (where this host collects it).
    public var errorsPerMinute: Int?
    /// Its dependencies on agents of other hosts, as this host's supervisor sees them.
    public var remoteDependencies: [RemoteDependencyStatus]?
    /// Lines of its output that could not be written to its log (disk full, I/O error) since
    /// the supervisor started (filled in by the I/O layer, which writes the logs).
    public var logLinesLost: Int?
    /// Why its log cannot be written, while that lasts.
    public var logError: LogWriteError?

    enum CodingKeys: String, CodingKey {
        case name, host, group, state, pid, uptime, restarts, health, required, port, resources, cause
        case readyAfter = "ready_after"
        case blockedBy = "blocked_by"
        case startQueue = "start_queue"
        case lastExit = "last_exit"
        case failureReason = "failure_reason"
        case stateReason = "state_reason"
        case startedWithout = "started_without"
        case startedWithoutDetail = "started_without_detail"
        case healthPort = "health_port"
        case healthPortDiscovered = "health_port_discovered"
        case restartIn = "restart_in"
        case errorsPerMinute = "errors_per_minute"
        case remoteDependencies = "remote_dependencies"
        case logLinesLost = "log_lines_lost"
        case logError = "log_error"
    }
}

/// One dependency on another host's agent, for status.
public struct RemoteDependencyStatus: Equatable, Sendable, Codable {
    /// `host/name`.
    public var agent: String
    public var ready: Bool
    /// `ready`, `starting`, `host unreachable`, `host not heard from yet`, ...
    public var detail: String
}

/// How the last process ended, for status.
public struct ExitSummary: Equatable, Sendable, Codable {
    public var code: Int32?
    public var signal: Int32?
    /// `crashed`, `exited`, `stopped`, `start_timeout`, `liveness_failed`, `spawn_failed`, ...
    public var reason: String
    public var detail: String?
    /// Human form, e.g. `exit code 1 (crashed)`.
    public var text: String
    /// Seconds ago.
    public var ago: Double
}

/// The reply to `status`: the host, its agents, and totals.
public struct HostStatus: Equatable, Sendable, Codable {
    public var host: String
    public var phase: String
    public var supervisorPid: Int32
    /// Seconds since the supervisor started its agents.
    public var uptime: Double
    public var agents: [AgentStatus]
    /// Agent count per state, plus `total`.
    public var totals: [String: Int]
    /// Each other host this one depends on: `reachable`, `unreachable` or `unknown`.
    public var remoteHosts: [String: RemoteHostState]?
    /// Identifies this run of the supervisor (changes when it restarts), and the sequence number
    /// of its last event: with them a peer tells whether an event is newer than this reply.
    public var instance: String?
    public var eventSeq: UInt64?
    /// During start-up, when all that is left waits for agents of other hosts: those agents.
    public var awaitingRemote: [String]?
    /// The supervisor's own log files (supervisor.log, errors.log) that have lost lines or
    /// cannot be written now (filled in by the I/O layer); nil when there are none.
    public var supervisorLogs: [LogFileStatus]?
    /// The start slots (`max_concurrent_starts`): in use, the bound, the queue.
    public var starts: StartSlotsStatus?

    enum CodingKeys: String, CodingKey {
        case host, phase, uptime, agents, totals, instance, starts
        case awaitingRemote = "awaiting_remote"
        case supervisorLogs = "supervisor_logs"
        case supervisorPid = "supervisor_pid"
        case remoteHosts = "remote_hosts"
        case eventSeq = "event_seq"
    }
}

extension HostSupervisor {
    /// A status snapshot of the named agents (all when empty).
    public func status(of names: [String], now: TimeInterval, supervisorPid: Int32) -> HostStatus {
        // By id: manifest order, each agent once, names that are not here left out.
        let chosen = names.isEmpty ? order : Set(names.compactMap { index[$0] }).sorted().map(index.name(of:))
        // One memo of what is down for good and one ranking of the start queue for the whole
        // reply, not one per agent.
        var cache: DownCache = [:]
        let queuePositions = starts.positions
        var agents: [AgentStatus] = []
        agents.reserveCapacity(chosen.count)
        for name in chosen {
            // Spec and runtime are borrowed from their tables, not copied (copying them was half
            // of this function's time for a host of ready agents).
            guard let id = index[name], let status = specs[id]?.borrowed({ spec in
                runtimes[id]?.borrowed { runtime in
                    agentStatus(name, spec, runtime, now: now, cache: &cache, queuePositions: queuePositions)
                }
            }) else { continue }
            agents.append(status)
        }
        var totals: [String: Int] = ["total": order.count]
        for state in AgentState.allCases where tally.count(state) > 0 { totals[state.rawValue] = tally.count(state) }
        let phaseName: String
        switch phase {
        case .idle: phaseName = "idle"
        case .starting: phaseName = "starting"
        case .running: phaseName = "running"
        case .shuttingDown: phaseName = "shutting_down"
        }
        return HostStatus(host: host, phase: phaseName, supervisorPid: supervisorPid,
                          uptime: startupBegan.map { now - $0 } ?? 0, agents: agents, totals: totals,
                          remoteHosts: remoteHosts.isEmpty ? nil : remoteHosts, awaitingRemote: remoteAgentsAwaited,
                          starts: startSlotsStatus)
    }

    /// One agent's status from its spec and runtime.
    private func agentStatus(_ name: String, _ spec: AgentSpec, _ runtime: AgentRuntime, now: TimeInterval,
                             cache: inout DownCache, queuePositions: [String: Int]) -> AgentStatus {
        let startedWithout = shownStartedWithout(runtime)
        return AgentStatus(
            name: name, host: host, group: spec.group, state: runtime.state, pid: runtime.pid,
            uptime: runtime.state.hasProcess ? runtime.startedAt.map { now - $0 } : nil,
            restarts: runtime.restarts, health: healthText(spec, runtime),
            readyAfter: runtime.lastReadyDuration,
            blockedBy: runtime.state == .waiting ? blockers(of: name, cache: &cache) : [],
            startQueue: runtime.state == .waiting
                ? queuePositions[name].map { StartQueueStatus(position: $0, reason: starts.waitingReason) } : nil,
            lastExit: runtime.lastExit.map { exit in
                var code: Int32?, signal: Int32?
                switch exit.status {
                case .code(let value)?: code = value
                case .signal(let value, _)?: signal = value
                case nil: break
                }
                return ExitSummary(code: code, signal: signal, reason: exit.reason, detail: exit.detail,
                                   text: exit.description, ago: now - exit.at)
            },
            cause: runtime.lastExit?.cause,
            failureReason: runtime.failureReason, stateReason: runtime.stateReason,
            startedWithout: startedWithout.map { $0.map(\.agent) },
            startedWithoutDetail: startedWithout.map(SkippedDependency.sentence),
            required: spec.required, port: spec.port,
            healthPort: spec.health.port,
            healthPortDiscovered: runtime.state.hasProcess ? runtime.discoveredHealthPort : nil,
            restartIn: runtime.state == .backoff ? runtime.restartDueAt.map { max(0, $0 - now) } : nil,
            remoteDependencies: remoteDependencies.isEmpty ? nil : remoteDependencies[name].map { remotes in
                remotes.map { RemoteDependencyStatus(agent: $0.description, ready: isReady($0), detail: remoteDescription($0)) }
            })
    }

    /// What the agent was started without, while that describes its run (not while it waits
    /// to start again).
    private func shownStartedWithout(_ runtime: AgentRuntime) -> [SkippedDependency]? {
        runtime.startedWithout.isEmpty || runtime.state == .waiting ? nil : runtime.startedWithout
    }

    private func healthText(_ spec: AgentSpec, _ runtime: AgentRuntime) -> String {
        guard runtime.state.hasProcess else { return "-" }
        if spec.health.kind == .none { return "none" }
        switch runtime.state {
        case .starting: return runtime.lastProbeProblem.map { "starting: \($0)" } ?? "starting"
        case .ready where runtime.probeFailures > 0:
            return "failing \(runtime.probeFailures)/\(spec.health.retries): \(runtime.lastProbeProblem ?? "")"
        case .ready: return "ok"
        default: return "-"
        }
    }
}

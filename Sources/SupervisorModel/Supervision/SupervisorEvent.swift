import Foundation

/// Something that happened, fed into `HostSupervisor.handle`.
public enum SupervisorEvent: Equatable, Sendable {
    /// Begin start-up of every agent of the host.
    case startAll
    /// The launcher started the agent's process.
    case spawned(agent: String, pid: Int32)
    /// The launcher could not start it (command missing, not executable, bad cwd, ...).
    case spawnFailed(agent: String, reason: String)
    /// The agent's process was reaped; `cause` is what its last output lines say about why
    /// (`FailureCause.extract`), nil when it wrote nothing.
    case exited(agent: String, status: ExitStatus, cause: FailureCause? = nil)
    /// The agent's process was reaped after the kernel killed it for exceeding its cgroup
    /// memory limit.
    case oomKilled(agent: String, status: ExitStatus, cause: FailureCause? = nil)
    /// The watchdog (no cgroups) measured the agent above its memory limit.
    case memoryLimitExceeded(agent: String, rss: UInt64, limit: UInt64)
    /// A health probe of generation `generation` finished.
    case probed(agent: String, generation: Int, outcome: ProbeOutcome)
    /// A health probe of generation `generation` was answered on `port`, found among the ports
    /// the agent's processes listen on, because its configured health port did not answer
    /// (`health.discover`). The port is used for the rest of that process's life.
    case healthPortDiscovered(agent: String, generation: Int, port: Int, outcome: ProbeOutcome)
    /// A timer set by `.setTimer` is due.
    case timerFired(TimerKey)
    /// The process of generation `generation`, still starting and holding a start slot, has gone
    /// quiet: it uses next to no CPU and is not runnable (it waits for something). Its slot is
    /// free for the next start, as if `start_settle` had passed.
    case startQuiet(agent: String, generation: Int)
    /// SIGINT/SIGTERM: stop everything in reverse dependency order, then exit. A second one
    /// kills every remaining process at once.
    case shutdown
    /// Another host's supervisor reported the state of an agent this host depends on (from its
    /// event stream, or a status reply that reconciles it); nil: that host does not know it.
    case remoteAgentChanged(RemoteAgent, state: AgentState?)
    /// Another host's supervisor started or stopped answering.
    case remoteHostChanged(host: String, reachable: Bool)
}

/// Names one timer. Setting a timer with the same key replaces the previous one.
public struct TimerKey: Hashable, Sendable, CustomStringConvertible {
    /// What the timer is for.
    public enum Kind: String, Sendable {
        /// Time for the next health probe.
        case probe
        /// `start_period` ran out.
        case startDeadline
        /// A `none` agent stayed up for `start_period`: it is ready.
        case startPeriodPassed
        /// A backoff ran out: restart now.
        case restart
        /// The stop timeout ran out: SIGKILL.
        case stopDeadline
        /// A remote dependency that is not required has been waited for as long as its start
        /// period. The key's `agent` is that remote agent, written `host/name`.
        case remoteStartPeriod
        /// `start_settle` passed since the spawn: the start frees its slot even if not ready.
        case startSettled
    }

    public var agent: String
    public var kind: Kind
    public var generation: Int

    public init(agent: String, kind: Kind, generation: Int) {
        self.agent = agent
        self.kind = kind
        self.generation = generation
    }

    public var description: String { "\(agent)/\(kind.rawValue)#\(generation)" }
}

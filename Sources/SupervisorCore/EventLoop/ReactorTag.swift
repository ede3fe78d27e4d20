/// What a descriptor registered with the reactor's `EventLoop` belongs to: the loop returns
/// these for what is ready, and the reactor dispatches on them.
enum ReactorTag {
    /// The signal pipe (signal numbers, and `requestShutdown`).
    case wake
    /// An agent's pidfd (by agent).
    case process(String)
    /// An agent's stdout or stderr pipe (by descriptor).
    case pipe(Int32)
    /// What an agent's in-flight health probe waits on.
    case probe(String)
    case control
    /// ZAP requests (CurveZMQ key checks).
    case zap
    /// Connection events of the control and event sockets (CurveZMQ).
    case controlMonitor
    case eventsMonitor
    case registry
    case errorBus
    /// The event stream of another host's supervisor.
    case remoteEvents(String)
    /// Status replies from another host's supervisor.
    case remoteReply(String)
    /// An adopted orphan's pidfd (by pid).
    case orphan(Int32)
}

/// The reactor's own periodic deadlines, in one `DeadlineQueue` beside the model's timers and
/// the probes' deadlines.
enum ReactorDeadline: Hashable {
    /// Resource sampling, orphan adoption and log settling.
    case sample
    /// `agent.metrics` events.
    case metrics
    /// A remote host watcher's next status request or reply timeout (by host).
    case remote(String)
    /// The next sample of the starts holding a start slot (`StartQuietWatch`).
    case startQuiet
}

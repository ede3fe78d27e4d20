/// How much a log line matters on the console: routine lines (spawned, ready, control
/// requests) are always in supervisor.log but shown on a terminal only with `--verbose`.
public enum LogWeight: Int, Comparable, Sendable {
    /// Spawned, ready, sent a signal, answered a request.
    case routine
    /// Warnings, preflight findings, an agent that exited, crashed or is restarting.
    case notable
    /// An agent that failed for good, a log file that cannot be written.
    case error

    public static func < (lhs: LogWeight, rhs: LogWeight) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The weight of `X: starting -> backoff (exit code 1, restarting in 2s)`: an exit that
    /// restarts or ends the agent is notable, giving up is an error, the rest is routine.
    public static func of(_ transition: AgentTransition) -> LogWeight {
        switch transition.to {
        case .failed: .error
        case .backoff, .exited: .notable
        case .waiting, .starting, .ready, .stopping, .stopped: .routine
        }
    }
}

/// `up --verbose`, `up --quiet` or neither.
public enum ConsoleVerbosity: String, Sendable {
    case normal, verbose, quiet

    /// The flags as given; both at once is a usage error (nil).
    public static func from(verbose: Bool, quiet: Bool) -> ConsoleVerbosity? {
        switch (verbose, quiet) {
        case (true, true): nil
        case (true, false): .verbose
        case (false, true): .quiet
        case (false, false): .normal
        }
    }
}

/// What `supervisor up` shows on stderr, decided from the flags and whether stderr is a
/// terminal; the writer (`Console` in SupervisorCore) only carries it out.
///
/// - terminal, normal: one status line redrawn at the bottom; only notable lines scroll above.
/// - not a terminal (or `--verbose`): every log line, plain, and a progress line when the
///   lowest level still starting moves; no control codes.
/// - `--quiet`: only errors and the final summary.
public struct ConsolePolicy: Equatable, Sendable {
    public var verbosity: ConsoleVerbosity
    /// stderr is a terminal that understands `\r` and `ESC[2K` (not `TERM=dumb`).
    public var isTerminal: Bool

    public init(verbosity: ConsoleVerbosity, isTerminal: Bool) {
        self.verbosity = verbosity
        self.isTerminal = isTerminal
    }

    /// Every line, no progress (in-process tests, tools).
    public static let plain = ConsolePolicy(verbosity: .verbose, isTerminal: false)

    /// `isTerminal` from isatty(stderr) and the environment's `TERM`.
    public static func decide(_ verbosity: ConsoleVerbosity, stderrIsTerminal: Bool, environment: [String: String]) -> ConsolePolicy {
        ConsolePolicy(verbosity: verbosity, isTerminal: stderrIsTerminal && environment["TERM"] != "dumb")
    }

    /// The status line is redrawn in place.
    public var redraws: Bool { isTerminal && verbosity == .normal }

    /// A plain progress line is printed each time the level moves.
    public var printsProgressLines: Bool { !redraws && verbosity != .quiet }

    /// Whether a log line of this weight is echoed to stderr.
    public func echoes(_ weight: LogWeight) -> Bool {
        switch verbosity {
        case .quiet: weight >= .error
        case .verbose: true
        case .normal: !isTerminal || weight >= .notable
        }
    }
}

/// Decides, for each new tally of start-up, what to write: the redrawn line (terminal), a
/// plain line only when the level moved (otherwise), or nothing.
public struct ProgressDisplay: Sendable {
    public enum Output: Equatable, Sendable {
        /// Replace the status line with this text.
        case redraw(String)
        /// Print this line.
        case line(String)
    }

    public let policy: ConsolePolicy
    private var shownLevel: Int?

    public init(policy: ConsolePolicy) {
        self.policy = policy
    }

    public mutating func show(_ progress: StartupProgressLine) -> Output? {
        defer { shownLevel = progress.level }
        if policy.redraws { return .redraw(progress.text) }
        guard policy.printsProgressLines, progress.level != shownLevel else { return nil }
        return .line(progress.text)
    }
}

/// `starting: 10/26 ready, level 2/8, 4.2 s`.
public struct StartupProgressLine: Equatable, Sendable {
    public var ready: Int
    public var total: Int
    /// The lowest level (0-based) with an agent not ready.
    public var level: Int
    public var levelCount: Int
    public var elapsed: Double

    public init(ready: Int, total: Int, level: Int, levelCount: Int, elapsed: Double) {
        self.ready = ready
        self.total = total
        self.level = level
        self.levelCount = levelCount
        self.elapsed = elapsed
    }

    public var text: String {
        "starting: \(ready)/\(total) ready, level \(level + 1)/\(max(1, levelCount)), \(FixedPoint.text(elapsed, places: 1)) s"
    }
}

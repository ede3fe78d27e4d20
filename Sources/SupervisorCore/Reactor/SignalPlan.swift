import CSpawn
import Foundation

/// What each signal an operator (or the system) may send means to a running supervisor. None
/// of them ends it without stopping its agents first: signals whose default action would kill
/// the process are caught, and those with no meaning here are logged and ignored.
enum SignalPlan {
    enum Meaning: Equatable {
        /// Stop every agent, dependents first, then exit (a second one kills everything at once).
        case stop
        /// Re-read the manifest and hosts file, as `supervisor reload` does.
        case reload
        /// Open the log files anew that were moved (logrotate without copytruncate).
        case reopenLogs
        /// A child changed state: look for orphaned descendants that came back to the supervisor.
        case childChanged
        /// Logged, nothing else.
        case ignore
    }

    static let stopSignals: [Int32] = [SIGINT, SIGTERM, SIGQUIT]

    /// Caught and logged only: their default would end the supervisor (SIGALRM, SIGUSR1, the
    /// real-time signals, ...), or stop it (SIGTSTP, SIGTTIN, SIGTTOU: a detached supervisor
    /// has no terminal, and a stopped one supervises nothing).
    static var ignoredSignals: [Int32] {
        var signals: [Int32] = [SIGUSR1, SIGALRM, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSTKFLT, SIGXCPU, SIGTSTP, SIGTTIN, SIGTTOU]
        let first = cspawn_realtime_first(), last = cspawn_realtime_last()
        if first > 0, last >= first, last < 256 { signals += Array(first...last) }
        return signals
    }

    /// Every signal the reactor catches (SIGCHLD only when it adopts orphans).
    static func caught(adoptingOrphans: Bool) -> [Int32] {
        stopSignals + [SIGHUP, SIGUSR2] + ignoredSignals + (adoptingOrphans ? [SIGCHLD] : [])
    }

    static func meaning(of signal: Int32) -> Meaning {
        switch signal {
        case SIGINT, SIGTERM, SIGQUIT: .stop
        case SIGHUP: .reload
        case SIGUSR2: .reopenLogs
        case SIGCHLD: .childChanged
        default: .ignore
        }
    }

    /// SIGPIPE and SIGXFSZ are set to be ignored: a write then fails with EPIPE or EFBIG,
    /// which the writer handles.
    static let discarded: [Int32] = [SIGPIPE, SIGXFSZ]
}

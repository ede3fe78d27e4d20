import Foundation

/// A signal agent-sim may kill itself with for `--crash-signal`, by name (`KILL`, `SIGSEGV`,
/// `segv`) or number (`9`).
struct CrashSignal: Equatable {
    /// The canonical name, e.g. `SIGSEGV`.
    var name: String
    /// The signal number on this platform.
    var number: Int32

    // Signals whose default action ends the process; others (SIGCHLD, SIGSTOP, ...) would leave
    // a "crashed" agent running and make a test wait forever.
    private static let fatal: [(String, Int32)] = [
        ("SIGKILL", SIGKILL), ("SIGSEGV", SIGSEGV), ("SIGABRT", SIGABRT), ("SIGTERM", SIGTERM),
        ("SIGINT", SIGINT), ("SIGHUP", SIGHUP), ("SIGQUIT", SIGQUIT), ("SIGBUS", SIGBUS),
        ("SIGFPE", SIGFPE), ("SIGILL", SIGILL), ("SIGUSR1", SIGUSR1), ("SIGUSR2", SIGUSR2),
        ("SIGPIPE", SIGPIPE), ("SIGALRM", SIGALRM), ("SIGTRAP", SIGTRAP), ("SIGSYS", SIGSYS),
        ("SIGXCPU", SIGXCPU), ("SIGXFSZ", SIGXFSZ),
    ]

    /// The signal called `name`, or nil when it is unknown or would not end the process.
    init?(name text: String) {
        let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
        let wanted = upper.hasPrefix("SIG") ? upper : "SIG" + upper
        let match = Self.fatal.first { entry in
            entry.0 == wanted || Int32(upper) == entry.1
        }
        guard let (name, number) = match else { return nil }
        self.name = name
        self.number = number
    }

    /// The name of `number` if it is one agent-sim knows (for log lines), else `signal N`.
    static func describe(_ number: Int32) -> String {
        fatal.first { $0.1 == number }?.0 ?? "signal \(number)"
    }

    /// Ends the process with this signal. The disposition is reset to the default first, since
    /// agent-sim handles SIGTERM and SIGINT itself and ignores SIGPIPE; the signal is unblocked
    /// for the same reason. Falls back to `_exit(128 + number)` if the process somehow survives,
    /// the code a shell reports for a signal death.
    func deliverToSelf() -> Never {
        signal(number, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        // raise() is thread-directed: the signal is unblocked here, so it is delivered before
        // raise returns; the pause is only a safety margin before the fallback.
        raise(number)
        usleep(100_000)
        _exit(128 + number)
    }
}

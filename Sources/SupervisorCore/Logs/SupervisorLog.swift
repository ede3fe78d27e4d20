import Foundation
import SupervisorModel

/// The supervisor's own log: `logs/<host>/supervisor.log`, mirrored to stderr through a
/// `Console`, which echoes the lines its policy asks for (on a terminal only those that matter).
///
/// When the file cannot be written, every line still goes to stderr. Lost lines are counted;
/// warnings (`warn`) are kept and written once the file can take them again, after a line
/// saying how many lines are missing, and then `supervisor.log: logging resumed, N lines were
/// lost` on both.
public final class SupervisorLog {
    private let file: RotatingLogFile?
    /// Where lines are echoed; nil: nowhere.
    private let console: Console?
    public let host: String
    private var notices: [LogWriteNotice] = []
    /// Notes since the last `flush` (with `batched`); warnings are never held back.
    private var pending: [UInt8] = []
    /// Those of `pending` the console echoes.
    private var pendingEcho: [UInt8] = []
    /// Lines wait in memory until `flush()`, which writes them in one `write` to the file and
    /// one to stderr. The reactor flushes once per turn, before it waits, so a line is in the
    /// file when the turn that made it ends, and a busy turn (a restart: exit, transition,
    /// spawn) makes no write before the agent's process is started. Off: each line is
    /// written at once.
    public var batched = false

    /// `directory` nil logs to stderr only.
    public convenience init(directory: String?, host: String, mirrorToStderr: Bool = true, settle: TimeInterval = 1) throws {
        try self.init(directory: directory, host: host, console: mirrorToStderr ? Console(policy: .plain) : nil, settle: settle)
    }

    /// `directory` nil logs to the console only.
    public init(directory: String?, host: String, console: Console?, settle: TimeInterval = 1) throws {
        self.host = host
        self.console = console
        file = try directory.map {
            try RotatingLogFile(path: "\($0)/supervisor.log", maxSize: 10 << 20, maxFiles: 5, settle: settle)
        }
        file?.gapMarker = { [host] lines, error in
            Array("\(Timestamp.now()) \(host) supervisor.log: \(LogLoss.lines(lines)) lost here (\(error.message))\n".utf8)
        }
    }

    /// Writes one event line; `weight` decides whether the console shows it.
    public func note(_ message: String, weight: LogWeight = .routine) {
        write(message, keep: false, weight: weight)
    }

    /// Writes a warning that must reach the file: if it cannot be written now, it is kept
    /// (up to `RotatingLogFile.heldLimit`) and written when the file works again.
    public func warn(_ message: String, weight: LogWeight = .notable) {
        write(message, keep: true, weight: weight)
    }

    /// Opens supervisor.log anew when it was moved (SIGUSR2); true when it did.
    @discardableResult
    public func reopenIfMoved() -> Bool {
        file?.reopenIfMoved() ?? false
    }

    /// Lets the file conclude that writing has resumed when nothing more was written.
    public func settle() {
        if let change = file?.settle() { report(change) }
    }

    /// The notices about supervisor.log itself since the last call (for `system.logs`).
    public func takeNotices() -> [LogWriteNotice] {
        defer { notices = [] }
        return notices
    }

    /// supervisor.log in `status`, when it has lost lines or cannot be written now.
    public var fileStatus: LogFileStatus? {
        guard let file, file.loss.linesLost > 0 || file.loss.isFailing else { return nil }
        return LogFileStatus(file: file.path, linesLost: file.loss.linesLost, error: file.loss.failure)
    }

    /// Writes the notes noted since the last flush. Reporting a change of the file's state may
    /// note a line: that one goes too.
    public func flush() {
        var rounds = 0
        while !pending.isEmpty && rounds < 4 {
            let bytes = pending
            let echo = pendingEcho
            pending = []
            pendingEcho = []
            rounds += 1
            emit(bytes, echo: echo, keep: false)
        }
    }

    deinit {
        flush()
    }

    private func write(_ message: String, keep: Bool, weight: LogWeight) {
        let echoed = console?.echoes(weight) ?? false
        // A warning goes at once (after the notes before it), so that what explains a crash or
        // a kill in the same turn is on disk; it is also the one kind held when the file fails.
        guard batched && !keep else {
            flush()
            var bytes: [UInt8] = []
            line(message, into: &bytes)
            return emit(bytes, echo: echoed ? bytes : [], keep: keep)
        }
        let start = pending.count
        line(message, into: &pending)
        if echoed { pendingEcho.append(contentsOf: pending[start...]) }
    }

    /// `<timestamp> <host> <message>\n`.
    private func line(_ message: String, into bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + Timestamp.length + host.utf8.count + message.utf8.count + 3)
        Timestamp.appendNow(to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: host.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: message.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    private func emit(_ bytes: [UInt8], echo: [UInt8], keep: Bool) {
        console?.writeLines(echo)
        if let change = file?.append(bytes, keepIfLost: keep) { report(change) }
    }

    private func report(_ change: LogLoss.Change) {
        guard let file else { return }
        let notice = LogWriteNotice(file: file.path, agent: nil, change: change, shownAs: LogPath.shown(file.path))
        notices.append(notice)
        switch change {
        case .began:
            // The file cannot take it; stderr is where this is seen.
            if console?.echoes(.error) == true { console?.writeLine("\(Timestamp.now()) \(host) \(notice.message)") }
        case .resumed:
            warn(notice.message)
        }
    }
}

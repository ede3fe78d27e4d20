import Foundation

/// What one log file has lost, and the decision of when to say so: once when writing starts
/// failing, once when it works again, never once per line.
///
/// Pure: the I/O layer reports each write's outcome with the time, and says what the returned
/// `Change` tells. Writing counts as resumed only when a write succeeds at least `settle`
/// seconds after the last failure. On a nearly full disk a small write can fit now and then
/// (tmpfs, for one, has room left in a file's last page); without that, each of those would
/// end the outage and the next failure would start another: a warning pair per line.
public struct LogLoss: Equatable, Sendable {
    /// A change worth one warning.
    public enum Change: Equatable, Sendable {
        /// Writing started failing; `linesLost` counts every line lost so far, these included.
        case began(LogWriteError, linesLost: Int)
        /// Writing works again: `outage` lines were lost since it began, `linesLost` in all.
        case resumed(outage: Int, linesLost: Int)
    }

    /// Seconds without a failure, after a successful write, before writing counts as resumed.
    public let settle: TimeInterval
    /// Lines lost since the file was opened (by this supervisor).
    public private(set) var linesLost = 0
    /// Why writing fails, while it does (until it has resumed).
    public private(set) var failure: LogWriteError?
    /// Lines lost since the current failure began.
    public private(set) var outageLines = 0
    private var lastFailureAt: TimeInterval = 0
    private var wroteSinceFailure = false

    public init(settle: TimeInterval = 1) {
        self.settle = max(0, settle)
    }

    /// True from the first failure until writing has resumed.
    public var isFailing: Bool { failure != nil }

    /// A write lost `lines` lines (0 when the lines it could not write are kept for later).
    public mutating func failed(losing lines: Int, _ error: LogWriteError, now: TimeInterval) -> Change? {
        let lines = max(0, lines)
        linesLost += lines
        lastFailureAt = now
        wroteSinceFailure = false
        guard failure == nil else {
            outageLines += lines
            failure = error
            return nil
        }
        failure = error
        outageLines = lines
        return .began(error, linesLost: linesLost)
    }

    /// A write succeeded whole.
    public mutating func wrote(now: TimeInterval) -> Change? {
        guard failure != nil else { return nil }
        wroteSinceFailure = true
        return settle(now: now)
    }

    /// Called now and then: a file that was written since its last failure, and has not failed
    /// for `settle` seconds, has resumed even if nothing more is written to it.
    public mutating func settle(now: TimeInterval) -> Change? {
        guard failure != nil, wroteSinceFailure, now - lastFailureAt >= settle else { return nil }
        let outage = outageLines
        failure = nil
        outageLines = 0
        return .resumed(outage: outage, linesLost: linesLost)
    }
}

extension LogLoss.Change {
    /// The warning, for stderr and supervisor.log: `logs/mainpc/X.log: no space left on device;
    /// 3 lines lost so far`, `logs/mainpc/X.log: logging resumed, 41 lines were lost`.
    public func message(file: String) -> String {
        switch self {
        case .began(let error, 0):
            // Only kept lines so far (supervisor.log keeps its warnings for later).
            return "\(file): \(error.message); no line lost yet"
        case .began(let error, let lost):
            return "\(file): \(error.message); \(LogLoss.lines(lost)) lost so far"
        case .resumed(let outage, let lost):
            let total = lost == outage ? "" : " (\(lost) since the supervisor started)"
            let count = outage == 0 ? "no line was" : "\(LogLoss.lines(outage)) \(outage == 1 ? "was" : "were")"
            return "\(file): logging resumed, \(count) lost\(total)"
        }
    }
}

extension LogLoss {
    /// `1 line`, `2 lines`.
    public static func lines(_ count: Int) -> String {
        count == 1 ? "1 line" : "\(count) lines"
    }
}

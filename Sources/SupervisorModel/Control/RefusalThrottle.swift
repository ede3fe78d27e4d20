/// Decides which refused control requests are announced one by one (a `system.commands` event
/// and, for admin commands, a log line) and which are only counted.
///
/// Every answered request used to be published. Under a flood of garbage that meant one event
/// per frame, and a subscriber that did not keep up made the supervisor queue them for it: 100 000
/// malformed frames took the daemon from 34 MB to 73 MB with one subscriber that did not read.
/// Now at most `limit` refusals per `window` are announced; the others are summed up in one
/// event when the window is over. Requests that were carried out are always announced.
public struct RefusalThrottle: Sendable {
    /// Refusals announced one by one per window.
    public let limit: Int
    /// Seconds.
    public let window: Double
    private var windowStart = -Double.infinity
    private var announcedInWindow = 0
    /// Refusals counted but not announced since the last summary.
    public private(set) var suppressed = 0

    public init(limit: Int = 10, window: Double = 1) {
        self.limit = max(0, limit)
        self.window = window
    }

    /// Whether the refusal seen at `now` is announced on its own (else it is counted).
    public mutating func admit(now: Double) -> Bool {
        if now - windowStart >= window {
            windowStart = now
            announcedInWindow = 0
        }
        guard announcedInWindow < limit else {
            suppressed += 1
            return false
        }
        announcedInWindow += 1
        return true
    }

    /// When the summary of the suppressed refusals is due (the end of the current window);
    /// nil when there is nothing to sum up.
    public var summaryDue: Double? {
        suppressed > 0 ? windowStart + window : nil
    }

    /// The number of refusals to sum up in one event, once their window is over; nil before
    /// that or when there are none. Starts counting afresh.
    public mutating func takeSummary(now: Double) -> Int? {
        guard let due = summaryDue, now >= due else { return nil }
        defer { suppressed = 0 }
        return suppressed
    }
}

/// Whether the supervisor an event stream comes from is still there, and still the same run of
/// it. A follower of the stream (`supervisor events`) feeds it what it sees: the `instance`
/// of each event, a lost or refused connection, the answers to its `ping` checks, and time.
///
/// ZeroMQ reconnects by itself, so without this a subscriber went on printing the events of
/// the *next* supervisor of the host as if nothing had happened, or waited forever in silence.
/// Now a new `instance` (in an event or a ping reply) means the supervisor restarted, and a
/// check left unanswered for `answerTimeout` means it stopped.
public struct SupervisorLiveness: Sendable {
    /// Why the stream ends.
    public enum Verdict: Equatable, Sendable {
        /// No answer to a ping within the timeout, after the stream's connection was lost
        /// (or at the start).
        case stopped(silentFor: Double)
        /// Another run of the supervisor answers now.
        case restarted(was: String, now: String)
    }

    /// Seconds a ping may go unanswered.
    public let answerTimeout: Double
    /// The run followed: from the first event or ping reply.
    public private(set) var instance: String?
    /// When the ping now out was sent; nil when none is out.
    public private(set) var checkSentAt: Double?

    public init(answerTimeout: Double = 3) {
        self.answerTimeout = answerTimeout
    }

    /// An event arrived carrying `instance` (nil when it has none). A different one than
    /// followed so far ends the stream; the event belongs to the new run.
    public mutating func sawEvent(instance seen: String?) -> Verdict? {
        adopt(seen)
    }

    /// Whether a ping should be sent now: the connection was lost or refused, or the stream
    /// starts. False while one is out already.
    public mutating func needsCheck(now: Double) -> Bool {
        guard checkSentAt == nil else { return false }
        checkSentAt = now
        return true
    }

    /// The supervisor answered the ping, naming its `instance` (nil for one that does not).
    public mutating func answered(instance seen: String?) -> Verdict? {
        checkSentAt = nil
        return adopt(seen)
    }

    /// When `verdict(now:)` may end the stream; nil while no ping is out.
    public var deadline: Double? {
        checkSentAt.map { $0 + answerTimeout }
    }

    /// `.stopped` once the ping now out has gone unanswered for `answerTimeout`.
    public func verdict(now: Double) -> Verdict? {
        guard let sent = checkSentAt, now - sent >= answerTimeout else { return nil }
        return .stopped(silentFor: now - sent)
    }

    private mutating func adopt(_ seen: String?) -> Verdict? {
        guard let seen else { return nil }
        guard let instance else {
            instance = seen
            return nil
        }
        return seen == instance ? nil : .restarted(was: instance, now: seen)
    }
}

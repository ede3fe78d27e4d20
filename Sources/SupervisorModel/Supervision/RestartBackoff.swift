import Foundation

/// The restart decision for one agent: how long to wait before the next restart, and when to
/// give up. Pure and deterministic; time is passed in.
///
/// The first restart after a stable run is immediate; consecutive ones wait `initial`,
/// `initial * factor`, ... capped at `max`. Once the agent has stayed ready for `reset_after`,
/// the sequence starts over. More than `max_restarts` restarts within `window` give up.
public struct RestartBackoff: Equatable, Sendable {
    /// What to do after a failure.
    public enum Decision: Equatable, Sendable {
        case restart(after: TimeInterval)
        case giveUp(restartsInWindow: Int)
    }

    public let spec: RestartSpec
    /// Restarts since the agent was last stable.
    public private(set) var consecutive = 0
    /// Times of the restarts inside the current window.
    public private(set) var recent: [TimeInterval] = []

    public init(spec: RestartSpec) {
        self.spec = spec
    }

    /// The delay before restart number `attempt` (0-based) of a consecutive run.
    public func delay(forAttempt attempt: Int) -> TimeInterval {
        guard attempt > 0 else { return 0 }
        guard spec.backoff.initial > 0 else { return 0 }
        // pow grows to infinity after enough attempts: then the cap applies.
        let grown = spec.backoff.initial * pow(spec.backoff.factor, Double(attempt - 1))
        return grown.isFinite ? min(grown, spec.backoff.max) : spec.backoff.max
    }

    /// Decides what happens after a failure at `now`; `readySince` is when the agent last
    /// became ready in the run that just ended (nil if it never did).
    public mutating func next(now: TimeInterval, readySince: TimeInterval?) -> Decision {
        if let readySince, now - readySince >= spec.resetAfter {
            consecutive = 0
        }
        recent.removeAll { now - $0 >= spec.window }
        if recent.count >= spec.maxRestarts {
            return .giveUp(restartsInWindow: recent.count)
        }
        let wait = delay(forAttempt: consecutive)
        consecutive += 1
        recent.append(now)
        return .restart(after: wait)
    }

    /// Whether the next failure at `now` would give up (without recording anything).
    public func wouldGiveUp(now: TimeInterval) -> Bool {
        recent.filter { now - $0 < spec.window }.count >= spec.maxRestarts
    }

    /// Forgets all history (a `restart` command clears `failed`).
    public mutating func reset() {
        consecutive = 0
        recent = []
    }
}

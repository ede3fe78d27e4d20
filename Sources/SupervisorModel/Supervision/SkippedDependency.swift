import Foundation

/// A dependency an agent was started without: it was not required (or `up --keep-going` was
/// given) and it had failed, could not start, or was not ready within its start period.
public struct SkippedDependency: Equatable, Sendable, CustomStringConvertible {
    /// Why the dependency stopped holding its dependent back.
    public enum Why: Equatable, Sendable {
        /// It is down for good in this state (`failed`, `exited` or `stopped`).
        case down(AgentState)
        /// It waits behind `agent`, which is down for good in `state`, so it cannot start.
        case blocked(by: String, state: AgentState)
        /// It was not ready within its start period (this long).
        case notReadyInTime(TimeInterval)
    }

    /// The dependency as written in messages: `Name`, or `host/Name` for another host's agent.
    public var agent: String
    /// Why it no longer held the dependent back.
    public var why: Why
    /// True when the dependency is required and only `--keep-going` let the dependent start.
    public var keptGoing: Bool

    /// `agent` as messages write it, why it was let go of, and whether only `--keep-going` did.
    public init(agent: String, why: Why, keptGoing: Bool = false) {
        self.agent = agent
        self.why = why
        self.keptGoing = keptGoing
    }

    /// Why, in words: `failed`, `waits for root, which failed`, `not ready within 30s`.
    public var reason: String {
        var text: String
        switch why {
        case .down(let state): text = state.rawValue
        case .blocked(let root, let state): text = "waits for \(root), which \(state == .failed ? "failed" : "is \(state.rawValue)")"
        case .notReadyInTime(let period): text = "not ready within \(Quantity.describe(seconds: period))"
        }
        if keptGoing { text += "; --keep-going" }
        return text
    }

    /// `ServiceRegistry (failed)`.
    public var description: String { "\(agent) (\(reason))" }

    /// `started without ServiceRegistry (failed), Cache (not ready within 30s)`.
    public static func sentence(_ skipped: [SkippedDependency]) -> String {
        "started without " + skipped.map(\.description).joined(separator: ", ")
    }
}

/// What one dependency means for its dependent's start, now.
enum DependencyVerdict: Equatable, Sendable {
    /// Its condition is met (ready, or started for `condition: started`).
    case met
    /// The dependent must wait for it.
    case pending
    /// It no longer holds the dependent back; the dependent starts without it.
    case skipped(SkippedDependency)
}

/// What `start --wait`, `restart --wait`, `stop --wait` and `reload --wait` wait for, and
/// when an agent's state settles it: pure, so the CLI's polling loop only asks.
public enum WaitGoal: String, Sendable, Codable {
    /// start, restart: the agent is ready.
    case ready
    /// stop: the agent has no process and will not get one by itself.
    case stopped
    /// reload: an added or changed agent is ready, or stopped on purpose (reload starts no
    /// agent an operator stopped); a removed one is gone.
    case reloaded

    /// Where an agent in `state` stands: nil while it is on its way.
    public func verdict(for state: AgentState) -> WaitVerdict? {
        switch (self, state) {
        case (.ready, .ready), (.reloaded, .ready), (.reloaded, .stopped):
            return .reached
        case (.ready, .failed), (.ready, .exited), (.ready, .stopped), (.reloaded, .failed), (.reloaded, .exited):
            return .missed
        case (.stopped, .stopped), (.stopped, .exited), (.stopped, .failed):
            return .reached
        case (_, .waiting), (_, .starting), (_, .stopping), (_, .backoff), (.stopped, .ready):
            return nil
        }
    }

    /// What the goal is called in messages ("ready", "stopped").
    public var word: String {
        switch self {
        case .ready, .reloaded: return "ready"
        case .stopped: return "stopped"
        }
    }
}

/// How a wait ended for one agent.
public enum WaitVerdict: String, Sendable, Codable {
    /// It got where it was asked to go.
    case reached
    /// It settled somewhere else (failed, exited, stopped) and will not get there by itself.
    case missed
    /// The timeout passed first.
    case timedOut = "timed_out"
}

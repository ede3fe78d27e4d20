import SupervisorModel

/// The lines that close start-up: the headline, then what failed (with its cause, when the
/// agent's output said) and what it blocks.
public enum StartupReport {
    /// `ready: ...`, `critical path: ...`, then one `failed:` and `blocked:` line per agent:
    /// `failed: ServiceRegistry: OSError: [Errno 98] Address already in use (base_agent.py:778);
    /// exit code 1; 5 restarts within 1m0s, giving up`.
    public static func lines(for summary: StartupSummary) -> [String] {
        var lines = [summary.headline]
        if !summary.criticalChain.isEmpty {
            lines.append("critical path: " + summary.criticalChain.joined(separator: " -> "))
        }
        for (agent, reason, cause) in summary.failed {
            // A launcher's reason is already in the supervisor's account.
            if let cause, !reason.contains(cause.message) {
                lines.append("failed: \(agent): \(cause.text); \(reason)")
            } else {
                lines.append("failed: \(agent): \(reason)")
            }
        }
        for (agent, blocker) in summary.blocked {
            lines.append("blocked: \(agent) (waits for \(blocker))")
        }
        for (agent, skipped) in summary.startedWithout {
            lines.append("\(agent): \(SkippedDependency.sentence(skipped))")
        }
        if !summary.requiredMissing.isEmpty {
            lines.append("required agents not ready: " + summary.requiredMissing.joined(separator: ", "))
        }
        return lines
    }
}

import SupervisorModel

/// The lines that close start-up: the headline, then what failed and what it blocks.
public enum StartupReport {
    public static func lines(for summary: StartupSummary) -> [String] {
        var lines = [summary.headline]
        if !summary.criticalChain.isEmpty {
            lines.append("critical path: " + summary.criticalChain.joined(separator: " -> "))
        }
        for (agent, reason) in summary.failed {
            lines.append("failed: \(agent): \(reason)")
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

import Foundation
import SupervisorModel

/// Start-up progress on the console: ready count, the lowest level still starting, elapsed
/// time (`ProgressDisplay` decides between the redrawn line and a line per level), and when
/// start-up ends the `StartupConclusion` in its place.
final class StartupProgress {
    private let console: Console?
    private var display: ProgressDisplay?
    private var tally: StartupTally
    private let began = MonotonicClock.now()
    private var done = false

    /// `console` nil: nothing is shown.
    init(graph: DependencyGraph, console: Console?) {
        self.console = console
        display = console.map { ProgressDisplay(policy: $0.policy) }
        tally = StartupTally(graph: graph)
    }

    func record(_ transition: AgentTransition, model: HostSupervisor) {
        guard let console, !done else { return }
        if (transition.from == .ready) != (transition.to == .ready) {
            tally.setReady(transition.agent, transition.to == .ready)
        }
        guard model.phase == .starting,
              let output = display?.show(tally.line(elapsed: MonotonicClock.now() - began)) else { return }
        console.show(output)
    }

    /// Replaces the status line with the conclusion; later lines are plain.
    func finish(_ summary: StartupSummary, model: HostSupervisor, host: String, logDirectory: String) {
        guard let console, !done else { return }
        done = true
        console.clearStatus()
        let conclusion = StartupConclusion(
            host: host, ready: summary.ready, total: summary.total, elapsed: summary.elapsed,
            problems: Self.problems(summary, model: model), logDirectory: LogPath.shown(logDirectory))
        for line in conclusion.lines { console.writeLine(line) }
    }

    /// The report's failed and blocked lines, and each agent that exited for good (with why).
    static func problems(_ summary: StartupSummary, model: HostSupervisor) -> [String] {
        let report = StartupReport.lines(for: summary).dropFirst().filter { !$0.hasPrefix("critical path: ") }
        let exited = model.order.compactMap { agent -> String? in
            guard let runtime = model.runtimes[agent], runtime.state == .exited else { return nil }
            let cause = runtime.lastExit?.cause.map { "\($0.text); " } ?? ""
            return "exited: \(agent): \(cause)\(runtime.lastExit?.description ?? "exited")"
        }
        return Array(report) + exited
    }
}

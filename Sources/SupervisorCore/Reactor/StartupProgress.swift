import Foundation
import SupervisorModel

/// Start-up progress on stderr: ready count, the lowest level still starting, elapsed time.
/// On a terminal one line is redrawn; otherwise a line is printed each time the level moves.
final class StartupProgress {
    private let graph: DependencyGraph
    private let enabled: Bool
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let began = MonotonicClock.now()
    private var lastLevel = -1
    private var done = false
    /// Agents of each level that are not ready, and all agents that are: kept per transition,
    /// so a line costs O(levels passed), not a look at every agent.
    private var notReadyByLevel: [Int]
    private var levelOf: [String: Int] = [:]
    private var ready = 0
    private var total = 0
    private var lowest = 0
    private let levelCount: Int

    init(graph: DependencyGraph, enabled: Bool) {
        self.graph = graph
        self.enabled = enabled
        levelCount = graph.levelCount
        notReadyByLevel = Array(repeating: 0, count: max(1, levelCount))
        for step in graph.steps {
            for member in step.members {
                levelOf[member] = step.level
                notReadyByLevel[step.level] += 1
                total += 1
            }
        }
    }

    func record(_ transition: AgentTransition, model: HostSupervisor) {
        guard enabled, !done else { return }
        if let level = levelOf[transition.agent], (transition.from == .ready) != (transition.to == .ready) {
            let becameReady = transition.to == .ready
            notReadyByLevel[level] += becameReady ? -1 : 1
            ready += becameReady ? 1 : -1
            if !becameReady { lowest = min(lowest, level) }
        }
        guard model.phase == .starting else { return }
        while lowest < notReadyByLevel.count - 1 && notReadyByLevel[lowest] == 0 { lowest += 1 }
        let level = lowest
        // Made only when it is written (not at every transition of a level already shown).
        func text() -> String {
            let elapsed = FixedPoint.text(MonotonicClock.now() - began, places: 1)
            return "starting: \(ready)/\(total) ready, level \(level + 1)/\(levelCount), \(elapsed) s"
        }
        if isTerminal {
            Descriptor.writeAll(STDERR_FILENO, Array("\r\u{1B}[2K\(text())".utf8))
        } else if level != lastLevel {
            Descriptor.writeAll(STDERR_FILENO, Array("\(text())\n".utf8))
        }
        lastLevel = level
    }

    func finish() {
        if enabled && isTerminal && lastLevel >= 0 { Descriptor.writeAll(STDERR_FILENO, Array("\r\u{1B}[2K".utf8)) }
        done = true
    }
}

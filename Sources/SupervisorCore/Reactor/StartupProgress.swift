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

    init(graph: DependencyGraph, enabled: Bool) {
        self.graph = graph
        self.enabled = enabled
    }

    func record(_ transition: AgentTransition, model: HostSupervisor) {
        guard enabled, !done, model.phase == .starting else { return }
        let ready = model.order.filter { model.runtimes[$0]?.state == .ready }.count
        let level = model.order.filter { model.runtimes[$0]?.state != .ready }
            .compactMap { graph.level(of: $0) }.min() ?? graph.levelCount - 1
        let text = String(format: "starting: %d/%d ready, level %d/%d, %.1f s",
                          ready, model.order.count, level + 1, graph.levelCount, MonotonicClock.now() - began)
        if isTerminal {
            Descriptor.writeAll(STDERR_FILENO, Array("\r\u{1B}[2K\(text)".utf8))
        } else if level != lastLevel {
            Descriptor.writeAll(STDERR_FILENO, Array("\(text)\n".utf8))
        }
        lastLevel = level
    }

    func finish() {
        if enabled && isTerminal && lastLevel >= 0 { Descriptor.writeAll(STDERR_FILENO, Array("\r\u{1B}[2K".utf8)) }
        done = true
    }
}

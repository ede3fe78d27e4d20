import Foundation
import SupervisorCore
import SupervisorModel

/// The readable `status` table: one row per agent, a line per unreachable host, and per host a
/// footer line whose every figure says what it sums: the agents shown, or the whole host.
struct StatusTable {
    /// The widest CAUSE cell; longer causes are cut before their file:line.
    static let causeWidth = 72
    /// The states in the order the footer counts them.
    static let stateOrder = ["ready", "starting", "waiting", "backoff", "stopping", "stopped", "exited", "failed"]

    let style: TerminalStyle
    /// The host of each row, beside it.
    private var rowHosts: [String] = []
    private var rows: [[String]] = []
    private var states: [String] = []
    private var footer: [String] = []

    init(style: TerminalStyle) {
        self.style = style
    }

    /// A HOST column only when the rows come from more than one host.
    var showHost: Bool {
        guard let first = rowHosts.first else { return false }
        return rowHosts.contains { $0 != first }
    }

    mutating func add(_ status: HostStatus) {
        let host = status.host
        for agent in status.agents {
            let state = agent.state
            var health = agent.health
            // Remote dependencies that are not ready, with why: `host unreachable`, `starting`, ...
            var remoteProblems: [String: String] = [:]
            for remote in agent.remoteDependencies ?? [] where !remote.ready { remoteProblems[remote.agent] = remote.detail }
            if state == .waiting, let reason = agent.startQueue?.reason {
                // Its dependencies are ready; it waits for a start slot.
                health = "waiting: \(reason)"
            } else if state == .waiting, !agent.blockedBy.isEmpty {
                health = "waiting for " + agent.blockedBy.map { blocker in
                    remoteProblems[blocker].map { $0.hasPrefix("host ") ? "\(blocker) (\($0))" : blocker } ?? blocker
                }.joined(separator: ", ")
            } else if !remoteProblems.isEmpty && state != .waiting {
                health += " (" + remoteProblems.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
            }
            if state == .failed, let reason = agent.failureReason { health = reason }
            // An exit its policy does not restart: say how it ended (`exited 0 after being ready 12 s`).
            if state == .exited, let reason = agent.stateReason { health = reason }
            if let without = agent.startedWithoutDetail { health += "; \(without)" }
            if let errors = agent.errorsPerMinute, errors > 0 { health += " (\(errors) errors/min)" }
            let lastExit = agent.lastExit.map { "\(Self.duration($0.ago)) ago: \($0.text)" } ?? "-"
            let resources = agent.resources
            let rss = resources.map { Quantity.describe(bytes: $0.rss) } ?? "-"
            let cpu = resources?.cpu.map { Self.percent($0) } ?? "-"
            let limits = resources?.enforcement.rawValue ?? "-"
            let row = [
                agent.name, agent.group ?? "-", state.rawValue,
                agent.pid.map(String.init) ?? "-", Self.duration(agent.uptime),
                String(agent.restarts), rss, cpu, limits, Self.clip(health, 64), Self.clip(lastExit, 60),
                agent.cause?.text(fitting: Self.causeWidth) ?? "-",
            ]
            rowHosts.append(host)
            rows.append(row)
            states.append(state.rawValue)
        }
        footer.append(Self.summary(status))
        if let starts = status.starts, starts.queued > 0 {
            footer.append("\(host): \(starts.starting) of \(starts.limit) start slots in use, "
                          + "\(starts.queued) start\(starts.queued == 1 ? "" : "s") waiting (max_concurrent_starts)")
        }
        if let remote = status.remoteHosts, !remote.isEmpty {
            footer.append("\(host): depends on " + remote.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value.rawValue))" }.joined(separator: ", "))
        }
        footer += Self.logLossNotes(host, agents: status.agents, own: status.supervisorLogs ?? [])
        footer += Self.healthPortNotes(host, agents: status.agents)
    }

    /// `mainpc: 2 of 58 agents shown: 1 ready, 1 failed; RSS of the agents shown 40 MiB, CPU 3%;
    /// on the host 57/58 ready; supervisor pid 812, up 5m`. The counts, RSS and CPU are of the
    /// agents shown; the host's own count is added only when not all of them are shown.
    static func summary(_ status: HostStatus) -> String {
        let agents = status.agents
        let total = status.totals["total"] ?? agents.count
        let counts = Self.stateOrder.compactMap { state -> String? in
            let count = agents.filter { $0.state.rawValue == state }.count
            return count > 0 ? "\(count) \(state)" : nil
        }
        let rss = agents.compactMap { $0.resources?.rss }.reduce(0, +)
        let cpu = agents.compactMap { $0.resources?.cpu }.reduce(0, +)
        let noun = total == 1 ? "agent" : "agents"
        let shown = agents.count == total ? "\(total) \(noun) shown" : "\(agents.count) of \(total) \(noun) shown"
        var parts = [
            shown + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", ")),
            "RSS of the agents shown \(Quantity.describe(bytes: rss)), CPU \(Self.percent(cpu))",
        ]
        if agents.count != total { parts.append("on the host \(status.totals["ready"] ?? 0)/\(total) ready") }
        parts.append("supervisor pid \(status.supervisorPid), up \(Self.duration(status.uptime))")
        return "\(status.host): " + parts.joined(separator: "; ")
    }

    /// `mainpc: X: health port 6575 configured; agent answers on 5576`, for each agent whose
    /// health socket discovery found on another port.
    private static func healthPortNotes(_ host: String, agents: [AgentStatus]) -> [String] {
        agents.compactMap { agent in
            guard let found = agent.healthPortDiscovered else { return nil }
            let configured = (agent.healthPort ?? agent.port).map { "health port \($0) configured" } ?? "no health port configured"
            return "\(host): \(agent.name): \(configured); agent answers on \(found)"
        }
    }

    /// `mainpc: log lines lost: spammer 41 (failing now: no space left on device), quiet 3`, and
    /// a line per supervisor.log or errors.log that lost lines.
    private static func logLossNotes(_ host: String, agents: [AgentStatus], own: [LogFileStatus]) -> [String] {
        func failing(_ error: LogWriteError?) -> String {
            error.map { " (failing now: \($0.message))" } ?? ""
        }
        let losing = agents.compactMap { agent -> String? in
            let lost = agent.logLinesLost ?? 0
            guard lost > 0 || agent.logError != nil else { return nil }
            return "\(agent.name) \(lost)\(failing(agent.logError))"
        }
        var notes = losing.isEmpty ? [] : ["\(host): log lines lost: " + losing.joined(separator: ", ")]
        for file in own {
            let name = file.file.split(separator: "/").last.map(String.init) ?? file.file
            notes.append("\(host): \(name): \(file.linesLost) lines lost\(failing(file.error))")
        }
        return notes
    }

    mutating func addUnreachable(_ host: HostTable.Host, message: String) {
        footer.append("\(host.name): \(message)")
    }

    func rendered() -> String {
        var header = ["NAME", "GROUP", "STATE", "PID", "UPTIME", "RESTARTS", "RSS", "CPU", "LIMITS", "HEALTH", "LAST EXIT", "CAUSE"]
        guard !rows.isEmpty else { return footer.joined(separator: "\n") }
        let showHost = showHost
        var rows = rows
        if showHost {
            header.insert("HOST", at: 0)
            for index in rows.indices { rows[index].insert(rowHosts[index], at: 0) }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String], state: String?) -> String {
            cells.enumerated().map { index, cell in
                let padded = index == cells.count - 1 ? cell : Self.padded(cell, to: widths[index])
                let stateColumn = showHost ? 3 : 2
                guard index == stateColumn, let state else { return padded }
                return style.paint(padded, sgr: Self.colourCode(state))
            }.joined(separator: "  ")
        }
        var lines = [line(header, state: nil)]
        for (row, state) in zip(rows, states) { lines.append(line(row, state: state)) }
        return (lines + [""] + footer).joined(separator: "\n")
    }

    /// `cell.padding(toLength: width, withPad: " ", startingAt: 0)` (lengths in UTF-16 units),
    /// without bridging to NSString for every cell of the table, which showed in the profile.
    static func padded(_ cell: String, to width: Int) -> String {
        let length = cell.utf16.count
        if length == width { return cell }
        if length < width { return cell + String(repeating: " ", count: width - length) }
        return cell.padding(toLength: width, withPad: " ", startingAt: 0)
    }

    /// The SGR code of a state: green ready, red failed, yellow on its way, dim otherwise.
    private static func colourCode(_ state: String) -> String {
        switch state {
        case "ready": return "32"
        case "failed": return "31"
        case "starting", "backoff", "stopping", "waiting": return "33"
        default: return "2"
        }
    }

    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        return Quantity.describe(seconds: seconds < 1 ? seconds : seconds.rounded())
    }

    /// A share of one core as a whole percentage: `0.234` is `23%`.
    private static func percent(_ share: Double) -> String {
        "\(Int((share * 100).rounded(.toNearestOrEven)))%"
    }

    private static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}

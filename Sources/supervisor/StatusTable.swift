import Foundation
import SupervisorCore
import SupervisorModel

/// The readable `status` table: one row per agent, a line per unreachable host, totals.
struct StatusTable {
    /// The widest CAUSE cell; longer causes are cut before their file:line.
    static let causeWidth = 72

    let colour: Bool
    let showHost: Bool
    private var rows: [[String]] = []
    private var states: [String] = []
    private var footer: [String] = []

    init(colour: Bool, showHost: Bool) {
        self.colour = colour
        self.showHost = showHost
    }

    mutating func add(_ status: [String: Any]) {
        let host = status["host"] as? String ?? "?"
        for agent in status["agents"] as? [[String: Any]] ?? [] {
            let state = agent["state"] as? String ?? "?"
            var health = agent["health"] as? String ?? "-"
            // Remote dependencies that are not ready, with why: `host unreachable`, `starting`, ...
            var remoteProblems: [String: String] = [:]
            for remote in agent["remote_dependencies"] as? [[String: Any]] ?? [] where remote["ready"] as? Bool != true {
                if let name = remote["agent"] as? String { remoteProblems[name] = remote["detail"] as? String ?? "not ready" }
            }
            if state == "waiting", let reason = (agent["start_queue"] as? [String: Any])?["reason"] as? String {
                // Its dependencies are ready; it waits for a start slot.
                health = "waiting: \(reason)"
            } else if state == "waiting", let blockers = agent["blocked_by"] as? [String], !blockers.isEmpty {
                health = "waiting for " + blockers.map { blocker in
                    remoteProblems[blocker].map { $0.hasPrefix("host ") ? "\(blocker) (\($0))" : blocker } ?? blocker
                }.joined(separator: ", ")
            } else if !remoteProblems.isEmpty && state != "waiting" {
                health += " (" + remoteProblems.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
            }
            if state == "failed", let reason = agent["failure_reason"] as? String { health = reason }
            // An exit its policy does not restart: say how it ended (`exited 0 after being ready 12 s`).
            if state == "exited", let reason = agent["state_reason"] as? String { health = reason }
            if let without = agent["started_without_detail"] as? String { health += "; \(without)" }
            if let errors = agent["errors_per_minute"] as? Int, errors > 0 { health += " (\(errors) errors/min)" }
            let lastExit = (agent["last_exit"] as? [String: Any]).map { exit in
                "\(Self.duration(exit["ago"] as? Double)) ago: \(exit["text"] as? String ?? "")"
            } ?? "-"
            let resources = agent["resources"] as? [String: Any]
            let rss = (resources?["rss"] as? Int).map { Quantity.describe(bytes: UInt64($0)) } ?? "-"
            let cpu = (resources?["cpu"] as? Double).map { String(format: "%.0f%%", $0 * 100) } ?? "-"
            let limits = resources?["enforcement"] as? String ?? "-"
            var row = [
                agent["name"] as? String ?? "?", agent["group"] as? String ?? "-", state,
                (agent["pid"] as? Int).map(String.init) ?? "-", Self.duration(agent["uptime"] as? Double),
                String(agent["restarts"] as? Int ?? 0), rss, cpu, limits, Self.clip(health, 64), Self.clip(lastExit, 60),
                Self.cause(agent["cause"])?.text(fitting: Self.causeWidth) ?? "-",
            ]
            if showHost { row.insert(host, at: 0) }
            rows.append(row)
            states.append(state)
        }
        let agents = status["agents"] as? [[String: Any]] ?? []
        let totalRSS = agents.compactMap { ($0["resources"] as? [String: Any])?["rss"] as? Int }.reduce(0, +)
        let totalCPU = agents.compactMap { ($0["resources"] as? [String: Any])?["cpu"] as? Double }.reduce(0, +)
        let totals = status["totals"] as? [String: Int] ?? [:]
        let parts = ["ready", "starting", "waiting", "backoff", "stopping", "stopped", "exited", "failed"]
            .compactMap { key in totals[key].map { "\($0) \(key)" } }
        footer.append("\(host): \(totals["ready"] ?? 0)/\(totals["total"] ?? 0) ready (\(parts.joined(separator: ", "))), "
                      + "RSS \(Quantity.describe(bytes: UInt64(totalRSS))), CPU \(String(format: "%.0f%%", totalCPU * 100)); "
                      + "supervisor pid \(status["supervisor_pid"] as? Int ?? 0), up \(Self.duration(status["uptime"] as? Double))")
        if let starts = status["starts"] as? [String: Any], let queued = starts["queued"] as? Int, queued > 0 {
            footer.append("\(host): \(starts["starting"] as? Int ?? 0) of \(starts["limit"] as? Int ?? 0) start slots in use, "
                          + "\(queued) start\(queued == 1 ? "" : "s") waiting (max_concurrent_starts)")
        }
        if let remote = status["remote_hosts"] as? [String: String], !remote.isEmpty {
            footer.append("\(host): depends on " + remote.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", "))
        }
        footer += Self.logLossNotes(host, agents: agents, own: status["supervisor_logs"] as? [[String: Any]] ?? [])
        footer += Self.healthPortNotes(host, agents: agents)
    }

    /// `mainpc: X: health port 6575 configured; agent answers on 5576`, for each agent whose
    /// health socket discovery found on another port.
    private static func healthPortNotes(_ host: String, agents: [[String: Any]]) -> [String] {
        agents.compactMap { agent in
            guard let name = agent["name"] as? String, let found = agent["health_port_discovered"] as? Int else { return nil }
            let configured = (agent["health_port"] as? Int ?? agent["port"] as? Int).map { "health port \($0) configured" }
                ?? "no health port configured"
            return "\(host): \(name): \(configured); agent answers on \(found)"
        }
    }

    /// `mainpc: log lines lost: spammer 41 (failing now: no space left on device), quiet 3`, and
    /// a line per supervisor.log or errors.log that lost lines.
    private static func logLossNotes(_ host: String, agents: [[String: Any]], own: [[String: Any]]) -> [String] {
        func failing(_ error: Any?) -> String {
            ((error as? [String: Any])?["message"] as? String).map { " (failing now: \($0))" } ?? ""
        }
        let losing = agents.compactMap { agent -> String? in
            let lost = agent["log_lines_lost"] as? Int ?? 0
            guard lost > 0 || agent["log_error"] != nil, let name = agent["name"] as? String else { return nil }
            return "\(name) \(lost)\(failing(agent["log_error"]))"
        }
        var notes = losing.isEmpty ? [] : ["\(host): log lines lost: " + losing.joined(separator: ", ")]
        for file in own {
            let name = ((file["file"] as? String ?? "?") as NSString).lastPathComponent
            notes.append("\(host): \(name): \(file["lines_lost"] as? Int ?? 0) lines lost\(failing(file["error"]))")
        }
        return notes
    }

    mutating func addUnreachable(_ host: HostTable.Host, message: String) {
        footer.append("\(host.name): \(message)")
    }

    func rendered() -> String {
        var header = ["NAME", "GROUP", "STATE", "PID", "UPTIME", "RESTARTS", "RSS", "CPU", "LIMITS", "HEALTH", "LAST EXIT", "CAUSE"]
        if showHost { header.insert("HOST", at: 0) }
        guard !rows.isEmpty else { return footer.joined(separator: "\n") }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String], state: String?) -> String {
            cells.enumerated().map { index, cell in
                let padded = index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                let stateColumn = showHost ? 3 : 2
                guard colour, index == stateColumn, let state else { return padded }
                return Self.paint(padded, state)
            }.joined(separator: "  ")
        }
        var lines = [line(header, state: nil)]
        for (row, state) in zip(rows, states) { lines.append(line(row, state: state)) }
        return (lines + [""] + footer).joined(separator: "\n")
    }

    private static func paint(_ text: String, _ state: String) -> String {
        let code: String
        switch state {
        case "ready": code = "32"
        case "failed": code = "31"
        case "starting", "backoff", "stopping", "waiting": code = "33"
        default: code = "2"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        return Quantity.describe(seconds: seconds < 1 ? seconds : seconds.rounded())
    }

    /// The `cause` object of an agent in a status reply, typed.
    private static func cause(_ value: Any?) -> FailureCause? {
        guard let object = value as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: object) else { return nil }
        return try? JSONDecoder().decode(FailureCause.self, from: data)
    }

    private static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}

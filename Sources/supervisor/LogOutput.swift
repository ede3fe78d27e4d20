import Foundation
import SupervisorModel

/// The `name | ` before each line when several agents are shown, padded to one width and in
/// one colour per agent on a terminal; nothing for one agent.
struct LogPrefixes {
    private var text: [String: String] = [:]

    init(agents: [String], style: TerminalStyle?) {
        guard let style else { return }
        let width = agents.map(\.count).max() ?? 0
        let colours = ["36", "33", "32", "35", "34", "31", "96", "93", "92", "95", "94", "91"]
        for (index, agent) in agents.enumerated() {
            let padded = agent.padding(toLength: width, withPad: " ", startingAt: 0)
            text[agent] = style.paint(padded + " |", sgr: colours[index % colours.count]) + " "
        }
    }

    func prefix(_ agent: String) -> String { text[agent] ?? "" }
}

/// Writes one log line: as it is, after the agent's prefix, or as a JSON object.
struct LogOutput {
    let prefixes: LogPrefixes
    let json: Bool
    /// Each agent's host, for `--json`.
    let hosts: [String: String]
    /// One encoder for every line (`-f` writes many).
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `logs --json`: one line of an agent's log; `time` and `stream` are left out for a line
    /// that does not start with them (a traceback's continuation written by the agent itself
    /// has them; a line the file holds from elsewhere may not).
    struct Line: Codable, Equatable {
        var host: String
        var agent: String
        var time: String?
        var stream: String?
        var line: String
    }

    func write(agent: String, text: String) {
        guard json else {
            print(prefixes.prefix(agent) + text)
            return
        }
        var entry = Line(host: hosts[agent] ?? "", agent: agent, time: nil, stream: nil, line: text)
        if let stamp = LogMerge.timestamp(of: text) {
            entry.time = String(stamp)
            let rest = text[stamp.endIndex...].dropFirst()
            if rest.hasPrefix("out ") || rest.hasPrefix("err ") {
                entry.stream = String(rest.prefix(3))
                entry.line = String(rest.dropFirst(4))
            } else {
                entry.line = String(rest)
            }
        }
        print((try? encoder.encode(entry)).map { String(decoding: $0, as: UTF8.self) } ?? "")
    }
}

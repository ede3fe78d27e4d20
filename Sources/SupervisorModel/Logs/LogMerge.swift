/// `logs` of several agents: their lines in one stream, in time order, each with its agent.
/// An agent log line starts with a fixed-width UTC timestamp (`2026-11-27T14:33:03.123Z out
/// ...`), so lines compare as text; a line without one keeps its place after the previous line
/// of the same agent.
public enum LogMerge {
    /// One line and the agent it came from.
    public struct Line: Equatable, Sendable {
        public var agent: String
        public var text: String

        public init(agent: String, text: String) {
            self.agent = agent
            self.text = text
        }
    }

    /// Width of the timestamp every agent log line starts with.
    public static let timestampLength = 24

    /// The timestamp `line` starts with, or nil.
    public static func timestamp(of line: String) -> Substring? {
        let utf8 = line.utf8
        guard utf8.count >= timestampLength else { return nil }
        let end = utf8.index(utf8.startIndex, offsetBy: timestampLength)
        let stamp = line[..<end]
        guard stamp.last == "Z", stamp.dropFirst(4).first == "-", stamp.dropFirst(10).first == "T",
              stamp.first?.isNumber == true else { return nil }
        return stamp
    }

    /// The lines of each agent (each agent's own lines in file order), merged by timestamp;
    /// equal times keep the agents' order as given. With `since` (a timestamp in the same
    /// form) lines older than it are left out, and lines without a timestamp go with the line
    /// before them.
    public static func merge(_ logs: [(agent: String, lines: [String])], since: String? = nil) -> [Line] {
        var keyed: [(key: Substring, agent: Int, index: Int, line: Line)] = []
        for (agentIndex, log) in logs.enumerated() {
            var last: Substring = ""
            for (index, text) in log.lines.enumerated() {
                if let stamp = timestamp(of: text) { last = stamp }
                if let since, last < since[...] { continue }
                keyed.append((last, agentIndex, index, Line(agent: log.agent, text: text)))
            }
        }
        keyed.sort { a, b in
            if a.key != b.key { return a.key < b.key }
            if a.agent != b.agent { return a.agent < b.agent }
            return a.index < b.index
        }
        return keyed.map(\.line)
    }
}

import Foundation

/// One error from the legacy error bus, normalised from whatever shape an agent sent.
///
/// Frames: one frame `ERROR:{json}` (also `ERROR: {json}`, `error|{json}`, any short topic
/// before the JSON, or the JSON alone), a multipart message `[topic, json]`, or text after a
/// level word (`ERROR: disk full`). JSON: flat (`agent`, `severity`, `error_type`, `message`,
/// `timestamp`), nested under `error` (`source`, `level`, `error: {type, message}`), or the
/// legacy ErrorPublisher's `{"source", "timestamp", "error_data": {"error_type", "severity",
/// "details"}}`. A JSON object is never dropped: without a message, its details (or the whole
/// object) become the message.
public struct ErrorReport: Equatable, Sendable {
    public var agent: String
    public var severity: String
    public var type: String
    public var message: String
    /// As the agent sent it (ISO text or epoch seconds), or empty.
    public var time: String

    public init(agent: String, severity: String, type: String, message: String, time: String) {
        self.agent = agent
        self.severity = severity
        self.type = type
        self.message = message
        self.time = time
    }

    /// Words that, as a topic or prefix, say a frame is a report and how severe it is.
    static let levels: Set<String> = [
        "error", "errors", "critical", "fatal", "warning", "warn", "exception", "alert", "emergency", "info", "debug",
    ]

    /// Parses one single-frame message; nil when it is not a report.
    public static func parse(_ bytes: [UInt8]) -> ErrorReport? {
        parse(frames: [bytes])
    }

    /// Parses one message of any number of frames; nil when it is not a report.
    public static func parse(frames: [[UInt8]]) -> ErrorReport? {
        guard let first = frames.first else { return nil }
        if frames.count > 1 {
            let topic = Self.topic(first)
            for frame in frames.dropFirst() {
                if let report = single(frame, topic: topic, textAllowed: false) { return report }
            }
            // A topic frame and text: the text is the message.
            let text = frames.dropFirst().map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            guard let topic, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return textReport(text, level: topic)
        }
        return single(first, topic: nil, textAllowed: true)
    }

    /// One frame: JSON, a topic then JSON, or (when `textAllowed`) a level word then text.
    private static func single(_ bytes: [UInt8], topic: String?, textAllowed: Bool) -> ErrorReport? {
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
        guard !trimmed.isEmpty else { return nil }
        if let brace = trimmed.firstIndex(of: "{") {
            let prefix = Self.topic(Array(trimmed[..<brace].utf8))
            let bare = trimmed[..<brace].trimmingCharacters(in: .whitespaces).isEmpty
            if bare || prefix != nil, let object = JSONValue.parse(Array(trimmed[brace...].utf8))?.object {
                return report(from: object, topic: prefix ?? topic)
            }
        }
        guard textAllowed else { return nil }
        // `ERROR: text`, `error | text`, `CRITICAL text`.
        let word = trimmed.prefix { $0.isLetter }
        if levels.contains(word.lowercased()) {
            let rest = trimmed.dropFirst(word.count).drop { $0 == ":" || $0 == "|" || $0 == " " || $0 == "-" || $0 == "\t" }
            // Also `ERROR:{not json`: the text is all there is.
            if !rest.isEmpty { return textReport(String(rest), level: String(word)) }
        }
        return nil
    }

    /// A short printable prefix (`ERROR:`, `error |`, `errors.mainpc`): the text without its
    /// separators, or nil when it is empty or does not look like a topic.
    static func topic(_ bytes: [UInt8]) -> String? {
        guard bytes.count <= 64 else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let cleaned = text.trimmingCharacters(in: CharacterSet(charactersIn: " \t:|-=>").union(.whitespacesAndNewlines))
        guard !cleaned.isEmpty, cleaned.allSatisfy({ $0.isLetter || $0.isNumber || "_-./: ".contains($0) }) else { return nil }
        return cleaned
    }

    private static func textReport(_ text: String, level: String) -> ErrorReport {
        ErrorReport(agent: "unknown", severity: severity(fromTopic: level) ?? "error", type: "error",
                    message: text.trimmingCharacters(in: .whitespacesAndNewlines), time: "")
    }

    /// `ERROR` -> `error`, `warn` -> `warning`; nil for a topic that names no level.
    private static func severity(fromTopic topic: String) -> String? {
        let word = topic.lowercased().split(whereSeparator: { !$0.isLetter }).first.map(String.init) ?? ""
        guard levels.contains(word) else { return nil }
        switch word {
        case "errors", "exception": return "error"
        case "warn": return "warning"
        default: return word
        }
    }

    private static func report(from object: [String: JSONValue], topic: String?) -> ErrorReport {
        let nested = ["error", "error_data", "data", "payload", "details"].compactMap { object[$0]?.object }
        let places = [object] + nested
        func text(_ keys: [String], in places: [[String: JSONValue]] = places) -> String? {
            for place in places {
                for key in keys {
                    switch place[key] {
                    case .string(let value)? where !value.isEmpty: return value
                    case .number(let value)?: return NumberText.of(value)
                    default: continue
                    }
                }
            }
            return nil
        }
        let type = text(["error_type", "type", "category", "kind", "exception_type", "exception", "code"])
        let message = text(["message", "msg", "error_message", "description", "reason", "text", "details", "error"])
            ?? (places.lazy.compactMap { $0["details"] }.first { $0 != .null }).map(compact)
            ?? type
            ?? compact(.object(object))
        return ErrorReport(
            // The sender is named at the top, or beside the error; never inside its details.
            agent: text(["agent", "agent_name", "source", "component", "service", "name", "sender", "origin"], in: [object])
                ?? text(["agent", "agent_name", "source"], in: ["error", "error_data"].compactMap { object[$0]?.object })
                ?? "unknown",
            severity: (text(["severity", "level", "priority"]) ?? topic.flatMap(severity(fromTopic:)) ?? "error").lowercased(),
            type: type ?? "error", message: message,
            time: text(["timestamp", "time", "ts", "created_at"]) ?? "")
    }

    /// Compact JSON text of a value (keys sorted).
    private static func compact(_ value: JSONValue) -> String {
        value.jsonText
    }
}

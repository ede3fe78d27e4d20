import Foundation

/// One error from the legacy error bus, normalised from either shape the agents send:
/// `{"agent": ..., "severity": ..., "error_type": ..., "message": ..., "timestamp": ...}` or
/// `{"source"/"agent_name": ..., "level": ..., "error": {"type": ..., "message": ...}, "time": ...}`.
public struct ErrorReport: Equatable, Sendable {
    public var agent: String
    public var severity: String
    public var type: String
    public var message: String
    /// As the agent sent it (ISO text or epoch seconds), or empty.
    public var time: String

    /// Parses one bus frame `ERROR:{json}` (or a bare JSON object); nil when malformed.
    public static func parse(_ bytes: [UInt8]) -> ErrorReport? {
        var body = bytes[...]
        let prefix = Array("ERROR:".utf8)
        if body.starts(with: prefix) { body = body.dropFirst(prefix.count) }
        guard let object = JSONValue.parse(body)?.object else { return nil }
        let nested = object["error"]?.object ?? [:]
        func text(_ keys: [String], in source: [String: JSONValue]) -> String? {
            for key in keys {
                switch source[key] {
                case .string(let value)?: return value
                case .number(let value)?: return value == value.rounded() ? String(Int(value)) : String(value)
                default: continue
                }
            }
            return nil
        }
        guard let message = text(["message", "msg", "error_message", "details", "error"], in: object)
                ?? text(["message", "msg", "details"], in: nested) else { return nil }
        return ErrorReport(
            agent: text(["agent", "agent_name", "source", "component", "service"], in: object) ?? "unknown",
            severity: (text(["severity", "level"], in: object) ?? text(["severity", "level"], in: nested) ?? "error").lowercased(),
            type: text(["error_type", "type", "category"], in: object) ?? text(["type", "error_type"], in: nested) ?? "error",
            message: message,
            time: text(["timestamp", "time", "ts"], in: object) ?? "")
    }
}

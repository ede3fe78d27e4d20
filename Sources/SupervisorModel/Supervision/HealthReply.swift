/// Interprets a legacy agent's health reply: a JSON object whose `status` field says healthy
/// (`ok`, `healthy`, `success`, `online`, any case), not ready yet (`initializing`, `starting`),
/// or anything else: unhealthy.
///
/// Words and names compare as plain Swift strings after `lowercased()` of the standard library
/// (Unicode case mapping, no locale, no Foundation), trimmed of Unicode white space.
///
/// A reply that names an agent (`agent_name`, `agent` or `name` field, or a `message` such as
/// "ServiceRegistry is healthy") other than the one probed is never healthy: another agent
/// holds the port (`ProbeOutcome.wrongAgent`). A reply that names no agent is judged by its
/// status alone.
public enum HealthReply {
    public static let healthy: Set<String> = ["ok", "healthy", "success", "online"]
    public static let notReady: Set<String> = ["initializing", "starting"]

    /// The fields whose string value names the agent that answers.
    public static let nameFields = ["agent_name", "agent", "name"]
    /// Words that, after "X is", make a message name the agent X ("X is healthy").
    static let messageStates: Set<String> = healthy.union(notReady).union([
        "ready", "running", "alive", "up", "unhealthy", "degraded", "down", "error", "failing",
    ])

    /// Who is expected to answer, for the identity check.
    public struct Expectation: Equatable, Sendable {
        /// The agent probed, as the manifest names it.
        public var agent: String
        /// The port probed (for the message of a clash).
        public var port: Int
        /// Other names it may answer as (an agent imported as `Name-host` may still say `Name`).
        public var aliases: [String]

        public init(agent: String, port: Int, aliases: [String] = []) {
            self.agent = agent
            self.port = port
            self.aliases = aliases
        }

        /// The expectation for an agent of `host`: `Name-host` may also answer as `Name`.
        public init(agent: String, host: String, port: Int) {
            let suffix = "-\(host)"
            let base = agent.count > suffix.count && agent.hasSuffix(suffix) ? [String(agent.dropLast(suffix.count))] : []
            self.init(agent: agent, port: port, aliases: base)
        }

        func accepts(_ name: String) -> Bool {
            // The usual answer names the agent exactly: no normalizing then.
            if name == agent { return true }
            let wanted = HealthReply.normalized(name)
            return HealthReply.normalized(agent) == wanted || aliases.contains { HealthReply.normalized($0) == wanted }
        }
    }

    /// The outcome for a reply's bytes, with the agent's own status words; with `expecting`,
    /// a reply that names another agent is a port clash.
    public static func interpret(
        _ bytes: [UInt8], healthy: [String], notReady: [String], expecting: Expectation? = nil
    ) -> ProbeOutcome {
        // A handful of words: looked up in place rather than hashed into a set at every probe.
        interpret(bytes, isHealthy: { healthy.contains($0) }, isNotReady: { notReady.contains($0) }, expecting: expecting)
    }

    /// The outcome for a reply's bytes, with the legacy status words.
    public static func interpret(_ bytes: [UInt8], expecting: Expectation? = nil) -> ProbeOutcome {
        interpret(bytes, isHealthy: { healthy.contains($0) }, isNotReady: { notReady.contains($0) }, expecting: expecting)
    }

    private static func interpret(
        _ bytes: [UInt8], isHealthy: (String) -> Bool, isNotReady: (String) -> Bool, expecting: Expectation?
    ) -> ProbeOutcome {
        guard let object = JSONValue.parse(bytes)?.object else {
            let preview = String(decoding: bytes.prefix(80), as: UTF8.self)
            return .unhealthy("reply is not a JSON object: \"\(preview)\"")
        }
        if let expecting {
            let names = self.names(in: object)
            if !names.isEmpty && !names.contains(where: expecting.accepts) {
                return .wrongAgent(PortClash(port: expecting.port, answeredAs: names[0], expected: expecting.agent))
            }
        }
        guard let status = object["status"]?.string else {
            return .unhealthy("reply has no status field")
        }
        let lowered = status.lowercased()
        if isHealthy(lowered) { return .healthy }
        let message = object["message"]?.string.map { ": \($0)" } ?? ""
        if isNotReady(lowered) { return .notReady("status \(status)\(message)") }
        return .unhealthy("status \(status)\(message)")
    }

    /// The agent names a reply gives, trimmed, in the order of `nameFields`, then the message's.
    public static func names(in object: [String: JSONValue]) -> [String] {
        var names = nameFields.compactMap { object[$0]?.string.map { trimmed($0) } }.filter { !$0.isEmpty }
        if let message = object["message"]?.string, let named = agentNamed(byMessage: message) { names.append(named) }
        return names
    }

    /// `X` for a message of the form "X is healthy" (or running, ready, initializing, ...):
    /// three words, the second "is", the third a state word; nil for any other message.
    static func agentNamed(byMessage message: String) -> String? {
        let words = Self.words(of: message)
        guard words.count == 3, words[1].lowercased() == "is" else { return nil }
        let state = trimmed(words[2].lowercased(), dropping: \.isPunctuation)
        guard messageStates.contains(state) else { return nil }
        return String(words[0])
    }

    /// The words of `text`, split at white space. An ASCII text (the usual reply) is split on
    /// its bytes, the same split without walking grapheme clusters: in ASCII exactly tab, line
    /// feed, vertical tab, form feed, carriage return and space are white space.
    static func words(of text: String) -> [Substring] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.split(whereSeparator: \.isWhitespace) }
        return text.utf8.split(whereSeparator: { $0 == 0x20 || (0x09...0x0D).contains($0) }).map { Substring($0) }
    }

    /// Names compare trimmed and case-insensitively.
    static func normalized(_ name: String) -> String {
        trimmed(name).lowercased()
    }

    /// `text` without the leading and trailing characters `drop` names (white space and line
    /// breaks by default).
    static func trimmed(_ text: some StringProtocol, dropping drop: (Character) -> Bool = { $0.isWhitespace }) -> String {
        guard let first = text.firstIndex(where: { !drop($0) }), let last = text.lastIndex(where: { !drop($0) }) else { return "" }
        return String(text[first...last])
    }

    /// The request frame the legacy agents expect.
    public static let request = #"{"action": "health_check"}"#
}

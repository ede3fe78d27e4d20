import Foundation

/// Why an agent's process ended, in the agent's own words: the error line of a Python
/// traceback with the file and line it points at, the legacy `Error in main: ...` log line, the
/// last line the program wrote, or the launcher's reason when it could not start at all.
///
/// The I/O layer keeps the last lines of each run's output and reports the cause with the exit
/// (`SupervisorEvent.exited`); `extract(stdout:stderr:)` finds it. On the wire (status `cause`,
/// `agent.state` and `agent.errors` events) it is `{"kind", "message", "location", "text", ...}`.
public struct FailureCause: Equatable, Sendable {
    /// Where the cause was found.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A Python traceback: `message` is its last `XError: text` line.
        case pythonException = "python_exception"
        /// A legacy agent's `Error in main: ...` log line (its main() caught the exception).
        case errorInMain = "error_in_main"
        /// Nothing recognised: the last non-empty line of stderr (of stdout when stderr is empty).
        case lastLine = "last_line"
        /// The process could not be started; `message` is the launcher's reason.
        case spawnFailed = "spawn_failed"

        /// Found by a pattern that names an error (not merely the last line written).
        public var isRecognisedError: Bool { self == .pythonException || self == .errorInMain }
    }

    public var kind: Kind
    /// The error line: `NameError: name 'join_path' is not defined`, `Error in main: ...`.
    public var message: String
    /// `file.py:N` (the file's base name): for a traceback its innermost frame in the agent's own
    /// code, for a SyntaxError the place of the syntax error.
    public var location: String?
    /// For a Python exception, its class as written (`OSError`, `zmq.error.ZMQError`).
    public var exception: String?
    /// Which stream it was read from; nil for `spawnFailed`.
    public var stream: Stream?

    /// The output stream a cause was read from.
    public enum Stream: String, Sendable, Codable {
        case stdout, stderr
    }

    public init(kind: Kind, message: String, location: String? = nil, exception: String? = nil, stream: Stream? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.exception = exception
        self.stream = stream
    }

    /// `OSError: [Errno 98] Address already in use (base_agent.py:778)`.
    public var text: String {
        location.map { "\(message) (\($0))" } ?? message
    }

    /// `text` in at most `width` characters: the message is cut (with `…`) before the location,
    /// so the file and line stay visible.
    public func text(fitting width: Int) -> String {
        let full = text
        guard full.count > width else { return full }
        let suffix = location.map { " (\($0))" } ?? ""
        let room = width - suffix.count - 1
        guard room >= 8 else { return String(full.prefix(max(1, width - 1))) + "…" }
        return String(message.prefix(room)) + "…" + suffix
    }
}

extension FailureCause: Codable {
    enum CodingKeys: String, CodingKey {
        case kind, message, location, exception, stream, text
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        message = try container.decode(String.self, forKey: .message)
        location = try container.decodeIfPresent(String.self, forKey: .location)
        exception = try container.decodeIfPresent(String.self, forKey: .exception)
        stream = try container.decodeIfPresent(Stream.self, forKey: .stream)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(location, forKey: .location)
        try container.encodeIfPresent(exception, forKey: .exception)
        try container.encodeIfPresent(stream, forKey: .stream)
        // The human form too, so a client need not assemble it.
        try container.encode(text, forKey: .text)
    }
}

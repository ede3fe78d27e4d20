/// An error answered on the control socket: `{"ok": false, "error": {"code": ..., "message": ...}}`.
public struct ControlError: Error, Equatable, Sendable, Codable, CustomStringConvertible {
    /// Stable error codes (the wire form is the raw value).
    public enum Code: String, Sendable, Codable {
        case malformed = "request.malformed"
        /// The request's bytes are not UTF-8 text (UTF-16, Latin-1, a lone surrogate, ...).
        case notUTF8 = "request.not_utf8"
        /// The request's JSON has the same key twice in one object, at any depth.
        case duplicateKey = "request.duplicate_key"
        case unsupportedVersion = "request.unsupported_version"
        case unknownCommand = "request.unknown_command"
        case badArgument = "request.bad_argument"
        case tooLarge = "request.too_large"
        case forbidden = "request.forbidden"
        /// The CurveZMQ handshake was refused (client side only: no reply can be sent).
        case unauthenticated = "request.unauthenticated"
        case agentNotFound = "agent.not_found"
        case dependencyNotReady = "agent.dependency_not_ready"
        case logUnavailable = "agent.log_unavailable"
        case manifestInvalid = "manifest.invalid"
        case shuttingDown = "supervisor.shutting_down"
        case unreachable = "supervisor.unreachable"
    }

    public var code: Code
    public var message: String
    /// Extra structured detail (manifest issues for `reload`, close matches for unknown agents).
    public var details: [String]?

    public init(_ code: Code, _ message: String, details: [String]? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Longest piece of a client's text a message repeats: a refusal of a megabyte-long name
    /// must not cost a megabyte reply and event.
    public static let echoLimit = 80

    /// `text` in double quotes for a message, cut to `echoLimit` characters (`"abc..."`, with
    /// the full length) when longer.
    public static func quote(_ text: String) -> String {
        guard text.utf8.count > echoLimit, text.count > echoLimit else { return "\"\(text)\"" }
        return "\"\(text.prefix(echoLimit))...\" (\(text.utf8.count) bytes)"
    }
}

import Foundation

/// A control request, parsed and checked: `{"v": 1, "cmd": "status", "args": {...}, "id": ...}`.
public struct ControlRequest: Equatable, Sendable {
    /// The protocol version this supervisor speaks.
    public static let version = 1

    public var command: ControlCommand
    /// Echoed back in the reply so a DEALER client can match answers to questions.
    public var id: String?

    /// Parses one request frame. Never throws: every problem is a `ControlError`.
    public static func parse(_ bytes: [UInt8]) -> Result<ControlRequest, ControlError> {
        switch parseKeepingId(bytes) {
        case .success(let request): return .success(request)
        case .failure(let failure): return .failure(failure.error)
        }
    }

    /// Like `parse`, but a refusal keeps the request's id, so the error reply can carry it.
    public static func parseKeepingId(_ bytes: [UInt8]) -> Result<ControlRequest, IdentifiedError> {
        let object: [String: JSONValue]
        switch JSONParser.parse(bytes) {
        case .success(.object(let fields)):
            object = fields
        case .success:
            return .failure(IdentifiedError(error: ControlError(.malformed, "the request is not a JSON object"), id: nil))
        case .failure(let problem):
            return .failure(IdentifiedError(error: refusal(problem), id: nil))
        }
        var id: String?
        switch object["id"] {
        case .string(let text)?: id = text
        case .number?: id = object["id"]?.integer.map(String.init)
        default: id = nil
        }
        func refuse(_ error: ControlError) -> Result<ControlRequest, IdentifiedError> {
            .failure(IdentifiedError(error: error, id: id))
        }
        guard let version = object["v"]?.integer else {
            return refuse(ControlError(.malformed, "the request has no protocol version \"v\" (a number; this supervisor speaks v \(Self.version))"))
        }
        guard version == Self.version else {
            return refuse(ControlError(.unsupportedVersion, "protocol version \(version) is not supported; this supervisor speaks v \(Self.version)"))
        }
        guard let name = object["cmd"]?.string else {
            return refuse(ControlError(.malformed, "the request has no \"cmd\" string"))
        }
        guard let args = (object["args"] ?? .object([:])).object else {
            return refuse(ControlError(.malformed, "\"args\" must be a JSON object"))
        }
        switch ControlCommand.parse(name: name, args: args) {
        case .success(let command): return .success(ControlRequest(command: command, id: id))
        case .failure(let error): return refuse(error)
        }
    }

    /// The refusal for bytes that are not one strict JSON text.
    static func refusal(_ problem: JSONParseError) -> ControlError {
        switch problem.code {
        case .notUTF8:
            return ControlError(.notUTF8, "the request is not UTF-8 text: \(problem.description)")
        case .duplicateKey:
            return ControlError(.duplicateKey,
                                "the request has the key \(ControlError.quote(problem.pathText)) more than once (at byte \(problem.offset)); each key may appear only once")
        case .tooDeep, .syntax:
            return ControlError(.malformed, "the request is not a JSON object: \(problem.description)")
        }
    }

    /// A refused request's error with the id it carried.
    public struct IdentifiedError: Error, Sendable {
        public var error: ControlError
        public var id: String?

        public init(error: ControlError, id: String?) {
            self.error = error
            self.id = id
        }
    }
}

/// What a client may ask for. Selections are agent names, `group:<g>`, or `all`.
public enum ControlCommand: Equatable, Sendable {
    case ping
    case version
    case status(agents: [String])
    case start(selection: [String], withDependencies: Bool)
    case stop(selection: [String])
    case restart(selection: [String])
    case logs(agent: String, lines: Int)
    case down
    case reload

    /// The rights a command needs: reading, or changing what runs.
    public enum Right: String, Sendable, Codable {
        case read
        case admin
    }

    /// Every command name, for messages.
    public static let names = ["ping", "version", "status", "start", "stop", "restart", "logs", "down", "reload"]

    public var name: String {
        switch self {
        case .ping: "ping"
        case .version: "version"
        case .status: "status"
        case .start: "start"
        case .stop: "stop"
        case .restart: "restart"
        case .logs: "logs"
        case .down: "down"
        case .reload: "reload"
        }
    }

    public var requiredRight: Right {
        switch self {
        case .ping, .version, .status, .logs: .read
        case .start, .stop, .restart, .down, .reload: .admin
        }
    }

    static func parse(name: String, args: [String: JSONValue]) -> Result<ControlCommand, ControlError> {
        let allowed: [String: [String]] = [
            "ping": [], "version": [], "down": [], "reload": [], "status": ["agents"],
            "start": ["agents", "with_deps"], "stop": ["agents"], "restart": ["agents"], "logs": ["agent", "lines"],
        ]
        guard let keys = allowed[name] else {
            var message = "unknown command \(ControlError.quote(name)); commands: \(names.joined(separator: ", "))"
            if let close = Spelling.closest(to: name, among: names) { message += "; did you mean \"\(close)\"?" }
            return .failure(ControlError(.unknownCommand, message))
        }
        if let extra = args.keys.sorted().first(where: { !keys.contains($0) }) {
            let expected = keys.isEmpty ? "no arguments" : "arguments: \(keys.joined(separator: ", "))"
            return .failure(ControlError(.badArgument, "\(name) takes \(expected); \(ControlError.quote(extra)) is not one"))
        }
        var agents: [String] = []
        if let value = args["agents"] {
            guard let list = value.strings else {
                return .failure(ControlError(.badArgument, "\"agents\" must be a list of strings"))
            }
            agents = list
        }
        switch name {
        case "ping": return .success(.ping)
        case "version": return .success(.version)
        case "down": return .success(.down)
        case "reload": return .success(.reload)
        case "status": return .success(.status(agents: agents))
        case "start", "stop", "restart":
            guard !agents.isEmpty else {
                return .failure(ControlError(.badArgument, "\(name) needs \"agents\": names, \"group:<g>\" or \"all\""))
            }
            if name == "stop" { return .success(.stop(selection: agents)) }
            if name == "restart" { return .success(.restart(selection: agents)) }
            guard let withDeps = (args["with_deps"] ?? .bool(false)).bool else {
                return .failure(ControlError(.badArgument, "\"with_deps\" must be true or false"))
            }
            return .success(.start(selection: agents, withDependencies: withDeps))
        default:
            guard let agent = args["agent"]?.string else {
                return .failure(ControlError(.badArgument, "logs needs \"agent\": a name"))
            }
            let lines = (args["lines"] ?? .number(50)).integer
            guard let lines, (1...100_000).contains(lines) else {
                return .failure(ControlError(.badArgument, "\"lines\" must be a whole number from 1 to 100000"))
            }
            return .success(.logs(agent: agent, lines: lines))
        }
    }
}

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
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            return .failure(ControlError(.malformed, "the request is not a JSON object"))
        }
        let id: String? = (object["id"] as? String) ?? (object["id"] as? NSNumber).map { "\($0)" }
        guard let version = object["v"] as? Int else {
            return .failure(ControlError(.malformed, "the request has no protocol version \"v\" (this supervisor speaks v \(Self.version))"))
        }
        guard version == Self.version else {
            return .failure(ControlError(.unsupportedVersion, "protocol version \(version) is not supported; this supervisor speaks v \(Self.version)"))
        }
        guard let name = object["cmd"] as? String else {
            return .failure(ControlError(.malformed, "the request has no \"cmd\" string"))
        }
        let arguments = object["args"] ?? [String: Any]()
        guard let args = arguments as? [String: Any] else {
            return .failure(ControlError(.malformed, "\"args\" must be a JSON object"))
        }
        return ControlCommand.parse(name: name, args: args).map { ControlRequest(command: $0, id: id) }
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

    static func parse(name: String, args: [String: Any]) -> Result<ControlCommand, ControlError> {
        let allowed: [String: [String]] = [
            "ping": [], "version": [], "down": [], "reload": [], "status": ["agents"],
            "start": ["agents", "with_deps"], "stop": ["agents"], "restart": ["agents"], "logs": ["agent", "lines"],
        ]
        guard let keys = allowed[name] else {
            var message = "unknown command \"\(name)\"; commands: \(names.joined(separator: ", "))"
            if let close = Spelling.closest(to: name, among: names) { message += "; did you mean \"\(close)\"?" }
            return .failure(ControlError(.unknownCommand, message))
        }
        if let extra = args.keys.sorted().first(where: { !keys.contains($0) }) {
            let expected = keys.isEmpty ? "no arguments" : "arguments: \(keys.joined(separator: ", "))"
            return .failure(ControlError(.badArgument, "\(name) takes \(expected); \"\(extra)\" is not one"))
        }
        var agents: [String] = []
        if let value = args["agents"] {
            guard let list = value as? [String] else {
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
            guard let withDeps = (args["with_deps"] ?? false) as? Bool else {
                return .failure(ControlError(.badArgument, "\"with_deps\" must be true or false"))
            }
            return .success(.start(selection: agents, withDependencies: withDeps))
        default:
            guard let agent = args["agent"] as? String else {
                return .failure(ControlError(.badArgument, "logs needs \"agent\": a name"))
            }
            let lines = (args["lines"] ?? 50) as? Int
            guard let lines, (1...100_000).contains(lines) else {
                return .failure(ControlError(.badArgument, "\"lines\" must be a whole number from 1 to 100000"))
            }
            return .success(.logs(agent: agent, lines: lines))
        }
    }
}

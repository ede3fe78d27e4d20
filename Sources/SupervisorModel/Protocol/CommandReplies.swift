/// The `data` of the replies to `ping`, `version`, `logs`, `down`, `start`/`stop`/`restart`
/// and `reload` (the reply to `status` is `HostStatus`). Written by the server with
/// `JSONWriter`, decoded by clients with any JSON decoder (snake_case keys).

/// `ping`: `{"host": "mainpc", "instance": "...", "pid": 1202, "pong": true}`.
public struct PingReply: Equatable, Sendable, Codable, JSONObjectWritable {
    public var host: String
    public var instance: String
    public var pid: Int32
    public var pong: Bool

    public init(host: String, instance: String, pid: Int32) {
        self.host = host
        self.instance = instance
        self.pid = pid
        pong = true
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.field("host", host)
        writer.field("instance", instance)
        writer.field("pid", pid)
        writer.field("pong", pong)
    }
}

/// `version`: `{"protocol": 1, "version": "0.1.0", "zmq": "4.3.4"}`.
public struct VersionReply: Equatable, Sendable, Codable, JSONObjectWritable {
    public var `protocol`: Int
    public var version: String
    public var zmq: String

    public init(protocol: Int, version: String, zmq: String) {
        self.protocol = `protocol`
        self.version = version
        self.zmq = zmq
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.field("protocol", `protocol`)
        writer.field("version", version)
        writer.field("zmq", zmq)
    }
}

/// `logs`: the last lines of the agent's log file, the file, and the byte where they end.
public struct LogsReply: Equatable, Sendable, Codable, JSONObjectWritable {
    public var agent: String
    public var lines: [String]
    public var offset: UInt64
    public var path: String

    public init(agent: String, lines: [String], offset: UInt64, path: String) {
        self.agent = agent
        self.lines = lines
        self.offset = offset
        self.path = path
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("lines", lines)
        writer.field("offset", offset)
        writer.field("path", path)
    }
}

/// `down`: the host and how many agents had a process to stop.
public struct DownReply: Equatable, Sendable, Codable, JSONObjectWritable {
    public var host: String
    public var stopping: Int

    public init(host: String, stopping: Int) {
        self.host = host
        self.stopping = stopping
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.field("host", host)
        writer.field("stopping", stopping)
    }
}

/// `start`, `stop`, `restart`: what happened to each agent, in manifest order.
public struct CommandResults: Equatable, Sendable, Codable, JSONObjectWritable {
    public var agents: [CommandOutcome]

    public init(agents: [CommandOutcome]) {
        self.agents = agents
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.key("agents")
        writer.array(agents)
    }
}

extension CommandOutcome: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("result", result)
    }
}

/// `reload`: `{"added": [...], "changed": [...], "removed": [...], "unchanged": 1}`.
extension ReloadOutcome: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("added", added)
        writer.field("changed", changed)
        writer.field("removed", removed)
        writer.field("unchanged", unchanged)
    }
}

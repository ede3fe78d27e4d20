/// The body of a `system.commands` event: one answered request (`cmd` `?` when it could not
/// be parsed), or the summary of the refusals that had no event of their own (`client` `-`,
/// `suppressed`).
public struct CommandEvent: Equatable, Sendable, Codable, JSONObjectWritable {
    /// `code` and `message` of a refusal.
    public struct Refusal: Equatable, Sendable, Codable, JSONObjectWritable {
        public var code: String
        public var message: String

        public func writeFields(to writer: inout JSONWriter) {
            writer.field("code", code)
            writer.field("message", message)
        }
    }

    public var cmd: String
    /// `<peer address> (id <routing id in hex>)`, or the key's name with CurveZMQ.
    public var client: String
    public var ok: Bool
    public var error: Refusal?
    /// For the summary: how many refusals had no event.
    public var suppressed: Int?

    /// The event of one answered request.
    public init(cmd: String, client: String, ok: Bool, error: ControlError?) {
        self.cmd = cmd
        self.client = client
        self.ok = ok
        self.error = error.map { Refusal(code: $0.code.rawValue, message: $0.message) }
    }

    /// The summary of `count` refusals that were not announced one by one.
    public static func refusalSummary(_ count: Int) -> CommandEvent {
        var event = CommandEvent(cmd: "?", client: "-", ok: false, error: nil)
        event.suppressed = count
        return event
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.field("client", client)
        writer.field("cmd", cmd)
        writer.field("error", error)
        writer.field("ok", ok)
        writer.field("suppressed", suppressed)
    }
}

/// The body of a `remote.host` event: another host's supervisor, which agents here depend on,
/// started or stopped answering.
public struct RemoteHostEvent: Equatable, Sendable, Codable, JSONObjectWritable {
    /// Its host name.
    public var remote: String
    public var reachable: Bool
    /// The agents here still waiting for one of its agents.
    public var waiting: [String]

    public init(remote: String, reachable: Bool, waiting: [String]) {
        self.remote = remote
        self.reachable = reachable
        self.waiting = waiting
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.field("reachable", reachable)
        writer.field("remote", remote)
        writer.field("waiting", waiting)
    }
}

/// The body of a `remote.dependency` event: an agent of another host that agents here depend
/// on became ready or stopped being ready.
public struct RemoteDependencyEvent: Equatable, Sendable, Codable, JSONObjectWritable {
    /// `host/name`.
    public var agent: String
    public var ready: Bool
    /// Its state, or `host unreachable`.
    public var detail: String
    /// The agents here that depend on it and are running (they are not stopped).
    public var dependents: [String]

    public init(agent: String, ready: Bool, detail: String, dependents: [String]) {
        self.agent = agent
        self.ready = ready
        self.detail = detail
        self.dependents = dependents
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("dependents", dependents)
        writer.field("detail", detail)
        writer.field("ready", ready)
    }
}

/// The fields of an agent's status that come from its spec (`name`, `host`, `group`,
/// `required`, `port`, `health_port`), encoded once per manifest load (and again after a
/// reload) instead of at every `status` request.
public struct AgentStatusStatics: Sendable, Equatable {
    private var group: [UInt8]?
    private var healthPort: [UInt8]?
    private var host: [UInt8]
    private var name: [UInt8]
    private var port: [UInt8]?
    private var required: [UInt8]

    /// The encoded static fields of `status` (whose other fields are ignored).
    public init(_ status: AgentStatus) {
        func encoded(_ write: (inout JSONWriter) -> Void) -> [UInt8] {
            var writer = JSONWriter(capacity: 32)
            write(&writer)
            return writer.bytes
        }
        group = status.group.map { value in encoded { $0.string(value) } }
        healthPort = status.healthPort.map { value in encoded { $0.number(value) } }
        host = encoded { $0.string(status.host) }
        name = encoded { $0.string(status.name) }
        port = status.port.map { value in encoded { $0.number(value) } }
        required = encoded { $0.bool(status.required) }
    }

    func writeGroup(to writer: inout JSONWriter) {
        if let group { writer.key("group"); writer.raw(group) }
    }

    func writeHealthPort(to writer: inout JSONWriter) {
        if let healthPort { writer.key("health_port"); writer.raw(healthPort) }
    }

    func writeHost(to writer: inout JSONWriter) {
        writer.key("host")
        writer.raw(host)
    }

    func writeName(to writer: inout JSONWriter) {
        writer.key("name")
        writer.raw(name)
    }

    func writePort(to writer: inout JSONWriter) {
        if let port { writer.key("port"); writer.raw(port) }
    }

    func writeRequired(to writer: inout JSONWriter) {
        writer.key("required")
        writer.raw(required)
    }
}

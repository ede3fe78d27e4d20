/// A control request as a client writes it: `{"args": {...}, "cmd": "status", "id": "7", "v": 1}`.
/// (The server reads requests with the strict `JSONParser`, see `ControlRequest.parse`.)
public enum ControlRequestFrame {
    /// The bytes of `command` with `id`.
    public static func bytes(_ command: ControlCommand, id: String?) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("args")
        writer.beginObject()
        switch command {
        case .ping, .version, .down, .reload:
            break
        case .status(let agents):
            if !agents.isEmpty { writer.field("agents", agents) }
        case .start(let selection, let withDependencies):
            writer.field("agents", selection)
            if withDependencies { writer.field("with_deps", true) }
        case .stop(let selection), .restart(let selection):
            writer.field("agents", selection)
        case .logs(let agent, let lines):
            writer.field("agent", agent)
            writer.field("lines", lines)
        }
        writer.endObject()
        writer.field("cmd", command.name)
        writer.field("id", id)
        writer.field("v", ControlRequest.version)
        writer.endObject()
        return writer.bytes
    }
}

import Foundation

/// Builds the JSON replies of agent-sim's two REP sockets from the request and the uptime alone,
/// so the health status flips the very first time it is asked after a deadline passes.
struct HealthResponder {
    /// The `status` values agent-sim sends; the legacy checker reads `ok` as healthy,
    /// `initializing` as not ready yet and `unhealthy`/`error` as unhealthy.
    enum Status: String, Encodable {
        case initializing, ok, unhealthy, error
    }

    /// A health (or error) reply. Absent fields are left out of the JSON.
    struct Reply: Encodable, Equatable {
        var status: Status
        var ready: Bool?
        var agent: String?
        var uptime: Double?
        var message: String?
    }

    /// The main port's reply: who answered, and the request text as received.
    struct Echo: Encodable, Equatable {
        var agent: String
        var echo: String
    }

    private struct Request: Decodable {
        var action: String?
    }

    let name: String
    let readyAfter: Double
    let unhealthyAfter: Double?

    init(options: AgentSimOptions) {
        name = options.name
        readyAfter = options.readyAfter
        unhealthyAfter = options.unhealthyAfter
    }

    /// The health status at `uptime` seconds. Unhealthy wins over not-ready, so an agent told to
    /// turn unhealthy before it is ready reports the failure.
    func status(at uptime: Double) -> Status {
        if let unhealthyAfter, uptime >= unhealthyAfter { return .unhealthy }
        return uptime >= readyAfter ? .ok : .initializing
    }

    /// The reply to a request on the health socket.
    func healthReply(to frames: [[UInt8]], uptime: Double) -> Reply {
        let data = Data(frames.first ?? [])
        guard let request = try? JSONDecoder().decode(Request.self, from: data) else {
            return Reply(status: .error, message: "request is not a JSON object: \(Self.text(of: frames).prefix(200))")
        }
        guard request.action == "health_check" else {
            let action = request.action.map { "'\($0)'" } ?? "missing"
            return Reply(status: .error, message: "unknown action \(action); expected 'health_check'")
        }
        // Millisecond precision keeps the JSON short and readable.
        let rounded = (uptime * 1000).rounded() / 1000
        let ready = uptime >= readyAfter
        switch status(at: uptime) {
        case .initializing:
            return Reply(status: .initializing, ready: false, agent: name, uptime: rounded)
        case .ok:
            return Reply(status: .ok, ready: true, agent: name, uptime: rounded,
                         message: "\(name) is healthy")
        case .unhealthy, .error:
            return Reply(status: .unhealthy, ready: ready, agent: name, uptime: rounded,
                         message: "\(name) simulates a failure since \(unhealthyAfter ?? 0) s")
        }
    }

    /// The reply to a request on the main socket.
    func echoReply(to frames: [[UInt8]]) -> Echo {
        Echo(agent: name, echo: Self.text(of: frames))
    }

    /// `value` as compact JSON bytes.
    static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail; an empty object still keeps the REP usable.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    /// The request's frames as text (invalid UTF-8 replaced), multipart frames joined by newlines.
    private static func text(of frames: [[UInt8]]) -> String {
        frames.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }
}

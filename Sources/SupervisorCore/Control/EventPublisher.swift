import CZeroMQ
import Foundation
import SupervisorModel

/// The event stream: a PUB socket on control-port + 1 sending `[topic, json]`. Every event
/// carries a sequence number without gaps, a timestamp and the host.
final class EventPublisher {
    /// The topics published.
    enum Topic: String, CaseIterable {
        case agentState = "agent.state"
        case agentHealth = "agent.health"
        case agentMetrics = "agent.metrics"
        case agentErrors = "agent.errors"
        case systemCommands = "system.commands"
        /// Another host's supervisor became reachable or unreachable.
        case remoteHost = "remote.host"
        /// An agent of another host that local agents depend on became ready or not ready.
        case remoteDependency = "remote.dependency"
    }

    /// Events queued per subscriber that does not keep up; later ones are dropped for it (it
    /// sees a gap in `seq`). About 0.45 KB each in libzmq, so a stalled subscriber costs at most
    /// ~4.5 MB; 100 000 let one cost 45 MB.
    static let highWaterMark: Int32 = 10_000

    let socket: ZMQSocket
    let endpoint: String
    let host: String
    /// Names this run of the supervisor, so a subscriber notices a restart (sequence numbers
    /// start again).
    let instance: String
    private(set) var sequence: UInt64 = 0

    /// With CurveZMQ: the socket's connection events, for logging refused handshakes.
    let monitor: SocketMonitor?

    /// Binds the PUB; with `curve`, as a CurveZMQ server (subscribers need an authorized key).
    init(address: String, port: Int, host: String, instance: String, curve: CurveKeyPair? = nil) throws {
        endpoint = ZMQEndpoint.tcp(address, port: port)
        self.host = host
        self.instance = instance
        socket = try ZMQSocket(.pub)
        try socket.setOption(ZMQ_SNDHWM, Self.highWaterMark)
        monitor = try CurveSetup.serve(socket, keys: curve)
        try socket.bind(endpoint)
    }

    /// Publishes one event; `fields` are merged into the envelope.
    func publish(_ topic: Topic, _ fields: [String: Any]) {
        sequence += 1
        var event = fields
        event["seq"] = sequence
        event["ts"] = Timestamp.now()
        event["host"] = host
        event["instance"] = instance
        event["topic"] = topic.rawValue
        guard let data = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]) else { return }
        socket.sendMessage([Array(topic.rawValue.utf8), Array(data)])
    }

    func closeGracefully() {
        monitor?.close()
        try? socket.setOption(ZMQ_LINGER, Int32(500))
        socket.close()
    }
}

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
        /// A log file (an agent's, supervisor.log, errors.log) began or stopped losing lines.
        case systemLogs = "system.logs"

        /// The topic frame.
        var frame: [UInt8] { Array(rawValue.utf8) }
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

    /// Publishes one event: the body's keys and the envelope's in one JSON object.
    func publish(_ topic: Topic, _ body: some JSONObjectWritable) {
        sequence += 1
        let frame = EventFrame.body(body, topic: topic.rawValue, seq: sequence, ts: Timestamp.now(), host: host, instance: instance)
        socket.sendMessage([topic.frame, frame])
    }

    func closeGracefully() {
        monitor?.close()
        try? socket.setOption(ZMQ_LINGER, Int32(500))
        socket.close()
    }
}

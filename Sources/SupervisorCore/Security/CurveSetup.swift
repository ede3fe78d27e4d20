import CZeroMQ
import SupervisorModel

/// Turns a fresh `ZMQSocket` into a CurveZMQ server or client. Call before `bind`/`connect`:
/// libzmq reads these options when a connection's handshake starts.
public enum CurveSetup {
    /// The ZAP domain of every supervisor socket; the `ZAPHandler` answers for it.
    public static let zapDomain = "supervisor"

    /// A server (ROUTER for control, PUB for events): it proves it holds `keys.secretKey`, and
    /// asks the ZAP handler of its context about each client key (domain `supervisor`).
    ///
    /// Without a `ZAPHandler` bound in the same context libzmq accepts *every* client key, so
    /// create the handler first.
    public static func configureServer(_ socket: ZMQSocket, keys: CurveKeyPair) throws {
        try socket.setOption(ZMQ_CURVE_SERVER, Int32(1))
        try socket.setOption(ZMQ_CURVE_SECRETKEY, bytes: try CurveKeyPair.bytes(ofKey: keys.secretKey))
        try socket.setOption(ZMQ_CURVE_PUBLICKEY, bytes: try CurveKeyPair.bytes(ofKey: keys.publicKey))
        try socket.setOption(ZMQ_ZAP_DOMAIN, bytes: Array(zapDomain.utf8))
    }

    /// A supervisor's server socket (control ROUTER, event PUB): with `keys`, a Curve server,
    /// plus a monitor of its refused handshakes for the log; without, untouched and nil.
    static func serve(_ socket: ZMQSocket, keys: CurveKeyPair?) throws -> SocketMonitor? {
        guard let keys else { return nil }
        try configureServer(socket, keys: keys)
        return try SocketMonitor(socket, events: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
            | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
    }

    /// A client (DEALER, SUB, or another supervisor): it talks only to the server holding the
    /// secret key of `serverPublicKey`, and presents `keys` as its identity.
    public static func configureClient(_ socket: ZMQSocket, serverPublicKey: String, keys: CurveKeyPair) throws {
        try socket.setOption(ZMQ_CURVE_SERVERKEY, bytes: try CurveKeyPair.bytes(ofKey: serverPublicKey))
        try socket.setOption(ZMQ_CURVE_PUBLICKEY, bytes: try CurveKeyPair.bytes(ofKey: keys.publicKey))
        try socket.setOption(ZMQ_CURVE_SECRETKEY, bytes: try CurveKeyPair.bytes(ofKey: keys.secretKey))
    }
}

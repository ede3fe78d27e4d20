import Foundation
import SupervisorModel

/// What a CurveZMQ client presents to one supervisor: its own key pair (and the key's name, for
/// messages) and the public key of the supervisor it expects.
public struct ClientCredentials: Equatable, Sendable {
    public var keyName: String
    public var keys: CurveKeyPair
    public var serverPublicKey: String

    public init(keyName: String, keys: CurveKeyPair, serverPublicKey: String) {
        self.keyName = keyName
        self.keys = keys
        self.serverPublicKey = serverPublicKey
    }

    /// Makes `socket` a CurveZMQ client with these keys; call before `connect`.
    public func apply(to socket: ZMQSocket) throws {
        try CurveSetup.configureClient(socket, serverPublicKey: serverPublicKey, keys: keys)
    }

    /// A client key of `store` (`keys/clients/<name>.key`) talking to `host`'s supervisor.
    public static func client(_ name: String, toReach host: String, in store: KeyStore) throws(KeyIssue) -> ClientCredentials {
        ClientCredentials(keyName: name, keys: try store.clientKey(name), serverPublicKey: try store.hostPublicKey(host))
    }

    /// The supervisor of `own` (its host key, `read` in `authorized`) talking to `other`'s.
    public static func host(_ own: String, toReach other: String, in store: KeyStore) throws(KeyIssue) -> ClientCredentials {
        ClientCredentials(keyName: own, keys: try store.hostKey(own), serverPublicKey: try store.hostPublicKey(other))
    }
}

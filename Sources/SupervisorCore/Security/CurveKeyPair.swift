import CZeroMQ
import SupervisorModel

/// A CurveZMQ key pair in Z85 text (40 characters each), made and checked by libzmq.
public struct CurveKeyPair: Equatable, Sendable {
    /// Safe to share: what peers put in `keys/authorized` or use as a server key.
    public let publicKey: String
    /// Never leaves the machine that owns it.
    public let secretKey: String

    /// A new random key pair (`zmq_curve_keypair`).
    public static func generate() throws(KeyIssue) -> CurveKeyPair {
        try requireCurve()
        var publicText = [CChar](repeating: 0, count: Z85Key.length + 1)
        var secretText = [CChar](repeating: 0, count: Z85Key.length + 1)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else {
            throw KeyIssue(.curveUnavailable, message: "zmq_curve_keypair failed: \(String(cString: zmq_strerror(zmq_errno())))")
        }
        return CurveKeyPair(checkedPublic: text(publicText), secret: text(secretText))
    }

    /// The pair of a secret key, its public key derived with `zmq_curve_public`.
    public init(secretKey: String) throws(KeyIssue) {
        self.init(checkedPublic: try Self.publicKey(ofSecretKey: secretKey), secret: secretKey)
    }

    /// A pair read from a file: throws `keys.mismatched` when the public key does not belong to
    /// the secret key (a hand-edited or mixed-up file).
    public init(publicKey: String, secretKey: String, file: String? = nil) throws(KeyIssue) {
        let derived = try Self.publicKey(ofSecretKey: secretKey, file: file)
        guard derived == publicKey else {
            throw KeyIssue(.mismatchedKeys, file: file, message: "public-key does not belong to secret-key (it should be \"\(derived)\")")
        }
        self.init(checkedPublic: publicKey, secret: secretKey)
    }

    private init(checkedPublic: String, secret: String) {
        publicKey = checkedPublic
        secretKey = secret
    }

    /// The public key belonging to a Z85 secret key.
    public static func publicKey(ofSecretKey secretKey: String, file: String? = nil) throws(KeyIssue) -> String {
        try requireCurve()
        if let reason = Z85Key.problem(in: secretKey) {
            throw KeyIssue(.badKey, file: file, message: "secret-key \(reason)")
        }
        var publicText = [CChar](repeating: 0, count: Z85Key.length + 1)
        guard zmq_curve_public(&publicText, secretKey) == 0 else {
            throw KeyIssue(.badKey, file: file, message: "zmq_curve_public refused the secret key: \(String(cString: zmq_strerror(zmq_errno())))")
        }
        return text(publicText)
    }

    /// The 32 bytes of a Z85 key (for socket options and comparisons).
    public static func bytes(ofKey key: String) throws(KeyIssue) -> [UInt8] {
        if let reason = Z85Key.problem(in: key) {
            throw KeyIssue(.badKey, message: "the key \"\(key)\" \(reason)")
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        guard zmq_z85_decode(&bytes, key) != nil else {
            throw KeyIssue(.badKey, message: "the key \"\(key)\" is not valid Z85")
        }
        return bytes
    }

    /// The Z85 text of 32 key bytes (`zmq_z85_encode`), or nil when `bytes` is not 32 long.
    public static func z85(of bytes: [UInt8]) -> String? {
        guard bytes.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: Z85Key.length + 1)
        guard zmq_z85_encode(&text, bytes, bytes.count) != nil else { return nil }
        return Self.text(text)
    }

    /// The text of a NUL-terminated C buffer.
    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when this libzmq was built with CurveZMQ.
    public static var isAvailable: Bool { zmq_has("curve") != 0 }

    private static func requireCurve() throws(KeyIssue) {
        guard isAvailable else {
            throw KeyIssue(.curveUnavailable, message: "this libzmq (\(ZMQContext.version)) was built without CurveZMQ; install a libzmq with libsodium support")
        }
    }
}

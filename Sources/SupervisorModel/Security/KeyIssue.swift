/// A problem with a CurveZMQ key file or with `keys/authorized`: what, where, and one human
/// sentence. Used both as a collected issue (parsing `authorized` keeps the good lines) and as
/// the error thrown when a key cannot be loaded.
public struct KeyIssue: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable kind of problem.
    public enum Code: String, Sendable, Codable {
        /// A file is missing or cannot be read.
        case fileUnreadable = "keys.file_unreadable"
        /// A file cannot be written (or its mode set).
        case fileUnwritable = "keys.file_unwritable"
        /// An `authorized` line is not `name right public-key`, or a key file line is not `field = "value"`.
        case syntax = "keys.syntax"
        /// A right other than `read` or `admin`.
        case badRight = "keys.bad_right"
        /// A key that is not 40 Z85 characters (or does not decode to 32 bytes).
        case badKey = "keys.bad_key"
        /// A name that is empty or uses characters other than letters, digits, `-`, `_`, `.`.
        case badName = "keys.bad_name"
        /// The same name twice in `authorized`.
        case duplicateName = "keys.duplicate_name"
        /// The same public key twice in `authorized`.
        case duplicateKey = "keys.duplicate_key"
        /// A key file without a field it needs (`public-key`, or `secret-key` in a `.key` file).
        case missingField = "keys.missing_field"
        /// A key file field other than `public-key` and `secret-key`.
        case unknownField = "keys.unknown_field"
        /// A `.key` file whose public key does not belong to its secret key.
        case mismatchedKeys = "keys.mismatched"
        /// libzmq cannot do CurveZMQ (built without it) or failed to make a key.
        case curveUnavailable = "keys.curve_unavailable"
    }

    public var code: Code
    /// The file concerned, where there is one.
    public var file: String?
    /// 1-based line, where known.
    public var line: Int?
    /// One human sentence.
    public var message: String

    public init(_ code: Code, file: String? = nil, line: Int? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `keys/authorized:3: error: unknown right "amdin"; did you mean "admin"?`
    public var description: String {
        guard let file else { return "error: \(message)" }
        return "\(file)\(line.map { ":\($0)" } ?? ""): error: \(message)"
    }
}

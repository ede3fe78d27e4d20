/// The text of a key file under `keys/`: a header comment, then `field = "value"` lines.
///
/// ```
/// # CurveZMQ key of host mainpc for supervisor. Secret: never commit or share this file.
/// # Written by `supervisor keys init`. Format: public-key = "<40 Z85 characters>" and ...
/// public-key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
/// secret-key = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
/// ```
///
/// A `.key` file has both keys, a `.pub` file only `public-key`. Quotes are optional. Pure:
/// whether the public key belongs to the secret key is checked with libzmq in SupervisorCore.
public struct KeyFileText: Equatable, Sendable {
    /// Whose key a file holds, for its header.
    public enum Owner: Equatable, Sendable, CustomStringConvertible {
        /// The supervisor of a host.
        case host(String)
        /// A CLI or other client.
        case client(String)

        /// The host or client name.
        public var name: String {
            switch self {
            case .host(let name), .client(let name): name
            }
        }

        /// `host` or `client`.
        public var role: String {
            switch self {
            case .host: "host"
            case .client: "client"
            }
        }

        /// `host mainpc`, `client admin`.
        public var description: String { "\(role) \(name)" }
    }

    /// The public key, Z85.
    public var publicKey: String
    /// The secret key, Z85; nil in a `.pub` file.
    public var secretKey: String?

    public init(publicKey: String, secretKey: String? = nil) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// The field names a key file may use.
    public static let fieldNames = ["public-key", "secret-key"]

    /// The whole file text: header comment and one line per key.
    public func formatted(owner: Owner) -> String {
        var lines: [String]
        if let secretKey {
            lines = [
                "# CurveZMQ key of \(owner) for supervisor. Secret: never commit or share this file.",
                "# Written by `supervisor keys init`. Format: public-key = \"<40 Z85 characters>\" and",
                "# secret-key = \"<40 Z85 characters>\"; lines starting with # are comments.",
                "public-key = \"\(publicKey)\"",
                "secret-key = \"\(secretKey)\"",
            ]
        } else {
            lines = [
                "# CurveZMQ public key of \(owner) for supervisor. Public: copy it to the machines that talk to it.",
                "# Written by `supervisor keys init`. Format: public-key = \"<40 Z85 characters>\";",
                "# lines starting with # are comments.",
                "public-key = \"\(publicKey)\"",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses a key file. `requireSecret` is true for `.key` files. Throws the first problem,
    /// naming the file and line.
    public static func parse(_ text: String, file: String, requireSecret: Bool) throws(KeyIssue) -> KeyFileText {
        var values: [String: (value: String, line: Int)] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") { continue }
            // Z85 itself contains '=', so only the first one separates field and value.
            guard let equals = line.firstIndex(of: "=") else {
                throw KeyIssue(.syntax, file: file, line: lineNumber, message: "expected 'public-key = \"<key>\"' or 'secret-key = \"<key>\"' (the line is not shown: it may hold a secret key)")
            }
            let field = line[..<equals].trimmingBlanks()
            guard fieldNames.contains(field) else {
                var message = "unknown field \"\(field)\"; a key file has \(fieldNames.joined(separator: " and "))"
                if let close = Spelling.closest(to: field, among: fieldNames) { message += "; did you mean \"\(close)\"?" }
                throw KeyIssue(.unknownField, file: file, line: lineNumber, message: message)
            }
            if let first = values[field] {
                throw KeyIssue(.syntax, file: file, line: lineNumber, message: "\(field) is given twice (first on line \(first.line))")
            }
            var value = line[line.index(after: equals)...].trimmingBlanks()
            if value.hasPrefix("\"") {
                // A quoted value may be followed by a comment; Z85 has no '"'.
                let rest = value.dropFirst()
                guard let close = rest.firstIndex(of: "\"") else {
                    throw KeyIssue(.syntax, file: file, line: lineNumber, message: "\(field): the opening quote is not closed")
                }
                let after = rest[rest.index(after: close)...].trimmingBlanks()
                guard after.isEmpty || after.hasPrefix("#") else {
                    throw KeyIssue(.syntax, file: file, line: lineNumber, message: "\(field): unexpected \"\(after)\" after the key")
                }
                value = String(rest[..<close])
            }
            if let reason = Z85Key.problem(in: value) {
                throw KeyIssue(.badKey, file: file, line: lineNumber, message: "\(field) \(reason)")
            }
            values[field] = (value, lineNumber)
        }
        guard let publicKey = values["public-key"]?.value else {
            throw KeyIssue(.missingField, file: file, message: "no public-key line (expected public-key = \"<40 Z85 characters>\")")
        }
        let secretKey = values["secret-key"]?.value
        if requireSecret && secretKey == nil {
            throw KeyIssue(.missingField, file: file, message: "no secret-key line; this looks like a public (.pub) file, not a key file")
        }
        return KeyFileText(publicKey: publicKey, secretKey: secretKey)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and carriage returns.
    fileprivate func trimmingBlanks() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}

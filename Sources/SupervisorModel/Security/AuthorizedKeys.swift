/// The `keys/authorized` file: the CurveZMQ public keys a supervisor accepts, each with a name
/// (shown in logs and `system.commands` events) and a right.
///
/// ```
/// # name     right  public-key
/// admin      admin  rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7
/// monitor    read   Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID
/// pc2        read   ]7G0o3P]pOxe+rM@^&>GE5j5b*0RkLgq+4Q9!u1N
/// ```
///
/// A line starting with `#` is a comment; so is anything after the key that starts with `#`
/// (a key may itself contain `#`, so only fields after the third count). Parsing keeps every
/// good line and reports each bad one, as `HostTable` does: a bad line grants nothing.
public struct AuthorizedKeys: Equatable, Sendable {
    /// One accepted key.
    public struct Entry: Equatable, Sendable {
        /// Who holds the key: a client (`admin`) or a host's supervisor (`pc2`).
        public var name: String
        public var right: ControlCommand.Right
        /// The key in Z85, 40 characters.
        public var publicKey: String
        /// 1-based line in the file (0 when built in code).
        public var line: Int

        public init(name: String, right: ControlCommand.Right, publicKey: String, line: Int = 0) {
            self.name = name
            self.right = right
            self.publicKey = publicKey
            self.line = line
        }
    }

    /// The right names, for messages and did-you-mean.
    public static let rightNames = [ControlCommand.Right.read, .admin].map(\.rawValue)

    /// The file the entries came from.
    public var file: String
    /// The entries, in file order.
    public private(set) var entries: [Entry]
    private var indexByKey: [String: Int]
    private var indexByName: [String: Int]

    public init(file: String, entries: [Entry]) {
        self.file = file
        self.entries = []
        indexByKey = [:]
        indexByName = [:]
        for entry in entries where indexByKey[entry.publicKey] == nil && indexByName[entry.name] == nil {
            indexByKey[entry.publicKey] = self.entries.count
            indexByName[entry.name] = self.entries.count
            self.entries.append(entry)
        }
    }

    /// The entry holding this Z85 public key, if it is accepted.
    public func entry(forPublicKey key: String) -> Entry? {
        indexByKey[key].map { entries[$0] }
    }

    /// The entry with this name.
    public func entry(named name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    /// The right of the key with this name, or nil when no key has that name.
    public func right(ofKeyNamed name: String) -> ControlCommand.Right? {
        entry(named: name)?.right
    }

    /// Parses the text; every bad line is one issue, and the good lines are kept.
    public static func parse(text: String, file: String) -> (keys: AuthorizedKeys, issues: [KeyIssue]) {
        var entries: [Entry] = []
        var issues: [KeyIssue] = []
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            var fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.first?.hasPrefix("#") ?? true { continue }
            if let comment = fields.indices.dropFirst(3).first(where: { fields[$0].hasPrefix("#") }) {
                fields.removeSubrange(comment...)
            }
            func problem(_ code: KeyIssue.Code, _ message: String) {
                issues.append(KeyIssue(code, file: file, line: lineNumber, message: message))
            }
            guard fields.count == 3 else {
                problem(.syntax, "expected 'name right public-key', found \(fields.count) field(s)")
                continue
            }
            let (name, rightText, key) = (fields[0], fields[1], fields[2])
            if let reason = nameProblem(name) {
                problem(.badName, "name '\(name)' \(reason)")
                continue
            }
            guard let right = ControlCommand.Right(rawValue: rightText) else {
                var message = "'\(name)': unknown right \"\(rightText)\"; rights: \(rightNames.joined(separator: ", "))"
                if let close = Spelling.closeMatches(to: rightText, among: rightNames).first {
                    message += "; did you mean \"\(close)\"?"
                }
                problem(.badRight, message)
                continue
            }
            if let reason = Z85Key.problem(in: key) {
                problem(.badKey, "'\(name)': the public key \(reason)")
                continue
            }
            if let first = entries.first(where: { $0.name == name }) {
                problem(.duplicateName, "'\(name)' is listed twice (first on line \(first.line)); the first line counts")
                continue
            }
            if let first = entries.first(where: { $0.publicKey == key }) {
                problem(.duplicateKey, "'\(name)' has the same key as '\(first.name)' (line \(first.line)); the first line counts")
                continue
            }
            entries.append(Entry(name: name, right: right, publicKey: key, line: lineNumber))
        }
        return (AuthorizedKeys(file: file, entries: entries), issues)
    }

    /// Why `name` cannot name a key, or nil when it can (letters, digits, `-`, `_`, `.`).
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        guard name.allSatisfy({ ($0.isLetter || $0.isNumber) && $0.isASCII || $0 == "-" || $0 == "_" || $0 == "." }) else {
            return "may use only letters, digits, '-', '_' and '.'"
        }
        return nil
    }

    /// One line of the file for `entry`, names padded so columns line up in a typical file.
    public static func line(for entry: Entry) -> String {
        func padded(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - text.count))
        }
        return "\(padded(entry.name, 10)) \(padded(entry.right.rawValue, 6)) \(entry.publicKey)"
    }

    /// The comment at the top of a new file.
    public static let header = """
        # CurveZMQ keys this supervisor accepts, one per line: name right public-key
        # right: read (status, logs, events, ping, version) or admin (everything).
        # Remove a line to revoke a key; the supervisor re-reads this file when it changes.

        """
}

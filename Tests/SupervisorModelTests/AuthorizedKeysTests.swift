import Testing
@testable import SupervisorModel

/// Keys from ZeroMQ RFC 32 and libzmq, so the tests need no key generator.
private enum Sample {
    static let admin = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
    static let monitor = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
    /// Contains '#', which must not start a comment inside a key.
    static let host = "QuAuHhv-p<?z!#[B}8#HTk-A-w0H$GJQ*8E*oZPN"
    static let secret = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
}

/// `keys/authorized`: `name right public-key` lines, every bad line reported with its place.
@Suite("AuthorizedKeys")
struct AuthorizedKeysTests {
    private func parse(_ text: String) -> (keys: AuthorizedKeys, issues: [KeyIssue]) {
        AuthorizedKeys.parse(text: text, file: "keys/authorized")
    }

    @Test("a valid file: comments, blank lines, tabs, CRLF, trailing comments and '#' inside keys")
    func validFile() throws {
        let text = """
            # name right key

            admin  admin  \(Sample.admin)   # the operator\r
            \tmonitor\tread\t\(Sample.monitor)
              # indented comment
            mainpc read \(Sample.host)
            """
        let (keys, issues) = parse(text)
        #expect(issues.isEmpty)
        #expect(keys.file == "keys/authorized")
        #expect(keys.entries == [
            .init(name: "admin", right: .admin, publicKey: Sample.admin, line: 3),
            .init(name: "monitor", right: .read, publicKey: Sample.monitor, line: 4),
            .init(name: "mainpc", right: .read, publicKey: Sample.host, line: 6),
        ])
    }

    @Test("lookup by public key and by name")
    func lookup() {
        let (keys, _) = parse("admin admin \(Sample.admin)\nmonitor read \(Sample.monitor)\n")
        #expect(keys.entry(forPublicKey: Sample.admin)?.name == "admin")
        #expect(keys.entry(forPublicKey: Sample.monitor)?.right == .read)
        #expect(keys.entry(forPublicKey: Sample.host) == nil)
        #expect(keys.entry(named: "monitor")?.publicKey == Sample.monitor)
        #expect(keys.right(ofKeyNamed: "admin") == .admin)
        #expect(keys.right(ofKeyNamed: "monitor") == .read)
        #expect(keys.right(ofKeyNamed: "nobody") == nil)
    }

    @Test("an empty file accepts nobody")
    func emptyFile() {
        let (keys, issues) = parse("# nothing yet\n\n")
        #expect(keys.entries.isEmpty && issues.isEmpty)
        #expect(keys.entry(forPublicKey: Sample.admin) == nil)
    }

    @Test("a line with the wrong number of fields", arguments: [
        ("admin admin", "found 2 field(s)"),
        ("admin", "found 1 field(s)"),
        ("admin admin \(Sample.admin) extra", "found 4 field(s)"),
    ])
    func wrongFieldCount(line: String, message: String) throws {
        let (keys, issues) = parse("# header\n\(line)\n")
        #expect(keys.entries.isEmpty)
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.code == .syntax)
        #expect(issue.code.rawValue == "keys.syntax")
        #expect(issue.file == "keys/authorized" && issue.line == 2)
        #expect(issue.message.contains(message))
    }

    @Test("an unknown right suggests the close one", arguments: [
        ("amdin", "did you mean \"admin\"?"),
        ("Read", "did you mean \"read\"?"),
        ("rad", "did you mean \"read\"?"),
    ])
    func unknownRight(right: String, hint: String) throws {
        let (keys, issues) = parse("ops \(right) \(Sample.admin)\n")
        #expect(keys.entries.isEmpty)
        let issue = try #require(issues.first)
        #expect(issue.code == .badRight && issue.code.rawValue == "keys.bad_right")
        #expect(issue.line == 1)
        #expect(issue.message.contains("unknown right \"\(right)\"; rights: read, admin"))
        #expect(issue.message.hasSuffix(hint))
        #expect(issue.description.hasPrefix("keys/authorized:1: error: 'ops': unknown right"))
    }

    @Test("a right far from any gets no suggestion")
    func unknownRightWithoutHint() throws {
        let issue = try #require(parse("ops superuser \(Sample.admin)").issues.first)
        #expect(issue.code == .badRight)
        #expect(!issue.message.contains("did you mean"))
    }

    @Test("a bad key: length, characters, overflow", arguments: [
        (String(Sample.admin.dropLast()), "has 39 characters; a Z85 key has 40"),
        (Sample.admin + "x", "has 41 characters"),
        ("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf~", "contains \"~\", which is not a Z85 character"),
        ("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]y\"7", "contains \"\"\""),
        ("#####" + String(Sample.admin.dropFirst(5)), "characters 1-5 (\"#####\") do not encode 4 bytes"),
    ])
    func badKey(key: String, message: String) throws {
        let (keys, issues) = parse("ops admin \(key)\n")
        #expect(keys.entries.isEmpty)
        let issue = try #require(issues.first)
        #expect(issue.code == .badKey && issue.code.rawValue == "keys.bad_key")
        #expect(issue.message.contains("'ops': the public key"))
        #expect(issue.message.contains(message))
    }

    @Test("a bad name")
    func badName() throws {
        let issue = try #require(parse("op/s admin \(Sample.admin)").issues.first)
        #expect(issue.code == .badName)
        #expect(issue.message.contains("may use only letters, digits"))
    }

    @Test("the same name twice: the first line counts")
    func duplicateName() throws {
        let (keys, issues) = parse("admin admin \(Sample.admin)\n# again\nadmin read \(Sample.monitor)\n")
        #expect(keys.entries.map(\.publicKey) == [Sample.admin])
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.code == .duplicateName && issue.code.rawValue == "keys.duplicate_name")
        #expect(issue.line == 3)
        #expect(issue.message.contains("'admin' is listed twice (first on line 1)"))
        #expect(keys.entry(forPublicKey: Sample.monitor) == nil)
    }

    @Test("the same key under two names: the first line counts")
    func duplicateKey() throws {
        let (keys, issues) = parse("monitor read \(Sample.admin)\nadmin admin \(Sample.admin)\n")
        #expect(keys.entries.map(\.name) == ["monitor"])
        #expect(keys.entry(forPublicKey: Sample.admin)?.right == .read)
        let issue = try #require(issues.first)
        #expect(issue.code == .duplicateKey)
        #expect(issue.message.contains("same key as 'monitor' (line 1)"))
    }

    @Test("every bad line is reported and the good ones kept")
    func collectsEverything() {
        let text = """
            admin admin \(Sample.admin)
            ops amdin \(Sample.monitor)
            short read abc
            lonely
            monitor read \(Sample.monitor)
            """
        let (keys, issues) = parse(text)
        #expect(keys.entries.map(\.name) == ["admin", "monitor"])
        #expect(issues.map(\.code) == [.badRight, .badKey, .syntax])
        #expect(issues.map(\.line) == [2, 3, 4])
    }

    @Test("line(for:) writes a line that parses back")
    func lineRoundTrip() {
        let entry = AuthorizedKeys.Entry(name: "dashboard", right: .read, publicKey: Sample.host)
        let line = AuthorizedKeys.line(for: entry)
        #expect(line == "dashboard  read   \(Sample.host)")
        let (keys, issues) = parse(AuthorizedKeys.header + line + "\n")
        #expect(issues.isEmpty)
        #expect(keys.entries.map(\.name) == ["dashboard"])
    }
}

/// The key file format: header comment, `public-key = "..."`, `secret-key = "..."`.
@Suite("KeyFileText")
struct KeyFileTextTests {
    @Test("a .key file round-trips and documents itself in its header")
    func keyRoundTrip() throws {
        let text = KeyFileText(publicKey: Sample.admin, secretKey: Sample.secret).formatted(owner: .host("mainpc"))
        #expect(text.hasPrefix("# CurveZMQ key of host mainpc for supervisor. Secret: never commit or share this file.\n"))
        #expect(text.contains("public-key = \"\(Sample.admin)\"\nsecret-key = \"\(Sample.secret)\"\n"))
        let parsed = try KeyFileText.parse(text, file: "keys/hosts/mainpc.key", requireSecret: true)
        #expect(parsed == KeyFileText(publicKey: Sample.admin, secretKey: Sample.secret))
    }

    @Test("a .pub file has only the public key")
    func publicRoundTrip() throws {
        let text = KeyFileText(publicKey: Sample.monitor).formatted(owner: .client("monitor"))
        #expect(text.hasPrefix("# CurveZMQ public key of client monitor for supervisor."))
        #expect(!text.contains("secret-key ="))
        let parsed = try KeyFileText.parse(text, file: "keys/clients/monitor.pub", requireSecret: false)
        #expect(parsed == KeyFileText(publicKey: Sample.monitor))
    }

    @Test("unquoted values, blanks, CRLF and a comment after a quoted value are accepted")
    func lenient() throws {
        let text = "  public-key=\(Sample.host)\r\n\tsecret-key =  \"\(Sample.secret)\"  # mine\r\n"
        let parsed = try KeyFileText.parse(text, file: "k", requireSecret: true)
        #expect(parsed.publicKey == Sample.host)
        #expect(parsed.secretKey == Sample.secret)
    }

    @Test("problems name the file and line", arguments: [
        ("public-key \"\(Sample.admin)\"", KeyIssue.Code.syntax, 1, "expected 'public-key = \"<key>\"'"),
        ("public_key = \"\(Sample.admin)\"", .unknownField, 1, "did you mean \"public-key\"?"),
        ("public-key = \"\(Sample.admin)\"\npublic-key = \"\(Sample.admin)\"", .syntax, 2, "given twice (first on line 1)"),
        ("# c\npublic-key = \"\(Sample.admin)", .syntax, 2, "opening quote is not closed"),
        ("public-key = \"\(Sample.admin)\" extra", .syntax, 1, "unexpected \"extra\""),
        ("public-key = \"\(Sample.admin.dropLast(2))\"", .badKey, 1, "public-key has 38 characters"),
        ("secret-key = \"\(Sample.secret)\"", .missingField, nil, "no public-key line"),
        ("public-key = \"\(Sample.admin)\"", .missingField, nil, "no secret-key line"),
    ] as [(String, KeyIssue.Code, Int?, String)])
    func problems(text: String, code: KeyIssue.Code, line: Int?, message: String) throws {
        do {
            _ = try KeyFileText.parse(text, file: "keys/hosts/x.key", requireSecret: true)
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.code == code)
            #expect(error.file == "keys/hosts/x.key")
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.description.hasPrefix("keys/hosts/x.key\(line.map { ":\($0)" } ?? ""): error: "))
        }
    }

    @Test("Z85Key checks length, alphabet and range")
    func z85() {
        #expect(Z85Key.isValid(Sample.admin))
        #expect(Z85Key.isValid(Sample.host))
        #expect(Z85Key.problem(in: "") == "has 0 characters; a Z85 key has 40")
        #expect(Z85Key.problem(in: String(repeating: "#", count: 40))?.contains("do not encode 4 bytes") == true)
        #expect(Z85Key.abbreviated(Sample.admin) == "rq:rM>}U…")
    }
}

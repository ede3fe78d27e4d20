import Foundation
import Testing
@testable import SupervisorModel

/// Parsing control requests: every command, its arguments and defaults, the id echo, every
/// refusal with its code, and the right each command needs.
@Suite("ControlRequest")
struct ControlRequestTests {
    static func parse(_ json: String) -> Result<ControlRequest, ControlError> {
        ControlRequest.parse(Array(json.utf8))
    }

    /// The error `json` is refused with; fails the test when it parses.
    static func refusal(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ControlError {
        let result = parse(json)
        let error: ControlError? = if case .failure(let error) = result { error } else { nil }
        return try #require(error, "expected a refusal, got \(result)", sourceLocation: sourceLocation)
    }

    static let valid: [(String, ControlCommand)] = [
        (#"{"v": 1, "cmd": "ping"}"#, .ping),
        (#"{"v": 1, "cmd": "ping", "args": {}}"#, .ping),
        (#"{"v": 1, "cmd": "version"}"#, .version),
        (#"{"v": 1, "cmd": "status"}"#, .status(agents: [])),
        (#"{"v": 1, "cmd": "status", "args": {"agents": ["Api", "Web"]}}"#, .status(agents: ["Api", "Web"])),
        (#"{"v": 1, "cmd": "start", "args": {"agents": ["Api"]}}"#, .start(selection: ["Api"], withDependencies: false)),
        (#"{"v": 1, "cmd": "start", "args": {"agents": ["group:web"], "with_deps": true}}"#,
         .start(selection: ["group:web"], withDependencies: true)),
        (#"{"v": 1, "cmd": "start", "args": {"agents": ["all"], "with_deps": false}}"#,
         .start(selection: ["all"], withDependencies: false)),
        (#"{"v": 1, "cmd": "stop", "args": {"agents": ["Api", "group:data"]}}"#, .stop(selection: ["Api", "group:data"])),
        (#"{"v": 1, "cmd": "restart", "args": {"agents": ["all"]}}"#, .restart(selection: ["all"])),
        (#"{"v": 1, "cmd": "logs", "args": {"agent": "Api"}}"#, .logs(agent: "Api", lines: 50)),
        (#"{"v": 1, "cmd": "logs", "args": {"agent": "Api", "lines": 200}}"#, .logs(agent: "Api", lines: 200)),
        (#"{"v": 1, "cmd": "logs", "args": {"agent": "Api", "lines": 1}}"#, .logs(agent: "Api", lines: 1)),
        (#"{"v": 1, "cmd": "logs", "args": {"agent": "Api", "lines": 100000}}"#, .logs(agent: "Api", lines: 100_000)),
        (#"{"v": 1, "cmd": "down"}"#, .down),
        (#"{"v": 1, "cmd": "reload"}"#, .reload),
    ]

    @Test("every command parses with its arguments and defaults", arguments: valid)
    func validRequest(json: String, command: ControlCommand) throws {
        let request = try Self.parse(json).get()
        #expect(request.command == command)
        #expect(request.id == nil)
        #expect(ControlCommand.names.contains(request.command.name))
    }

    @Test("the id is echoed as a string, whether sent as a string or a number")
    func idEcho() throws {
        #expect(try Self.parse(#"{"v": 1, "cmd": "ping", "id": "req-7"}"#).get().id == "req-7")
        #expect(try Self.parse(#"{"v": 1, "cmd": "ping", "id": 42}"#).get().id == "42")
        #expect(try Self.parse(#"{"id": 3, "cmd": "status", "v": 1}"#).get()
            == ControlRequest(command: .status(agents: []), id: "3"))
    }

    static let malformed: [(String, String)] = [
        ("status please", "not a JSON object"),
        ("", "not a JSON object"),
        (#"[1, 2]"#, "not a JSON object"),
        (#""ping""#, "not a JSON object"),
        (#"{"cmd": "ping"}"#, #"no protocol version "v""#),
        (#"{"v": "1", "cmd": "ping"}"#, #"no protocol version "v""#),
        (#"{"v": 1}"#, #"no "cmd" string"#),
        (#"{"v": 1, "cmd": 5}"#, #"no "cmd" string"#),
        (#"{"v": 1, "cmd": "ping", "args": []}"#, #""args" must be a JSON object"#),
        (#"{"v": 1, "cmd": "ping", "args": "Api"}"#, #""args" must be a JSON object"#),
    ]

    @Test("requests that are not well-formed are refused as malformed", arguments: malformed)
    func malformedRequest(json: String, message: String) throws {
        let error = try Self.refusal(json)
        #expect(error.code == .malformed)
        #expect(error.message.contains(message), "\(error.message)")
    }

    static let duplicateKeys: [(String, String)] = [
        (#"{"v":1,"cmd":"down","cmd":"ping"}"#, "cmd"),
        (#"{"v":1,"cmd":"ping","cmd":"down"}"#, "cmd"),
        (#"{"v":1,"v":1,"cmd":"ping"}"#, "v"),
        (#"{"v":1,"cmd":"stop","args":{"agents":["Api"],"agents":["all"]}}"#, "args.agents"),
        (#"{"v":1,"cmd":"status","id":"a","id":"b"}"#, "id"),
        (#"{"v":1,"cmd":"ping","extra":[{"k":1,"k":2}]}"#, "extra[0].k"),
    ]

    // The first key used to win: {"cmd":"down","cmd":"ping"} ran down, while another reader
    // of the same bytes would see ping.
    @Test("a request with the same key twice, at any depth, is refused and runs nothing", arguments: duplicateKeys)
    func duplicateKey(json: String, key: String) throws {
        let error = try Self.refusal(json)
        #expect(error.code == .duplicateKey)
        #expect(error.code.rawValue == "request.duplicate_key")
        #expect(error.message.contains("the key \"\(key)\" more than once"), "\(error.message)")
    }

    static let notUTF8: [([UInt8], String)] = [
        ([0xFF, 0xFE] + Array(#"{"v":1,"cmd":"ping"}"#.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), "UTF-16"),
        (Array(#"{"v":1,"cmd":"ping"}"#.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), "UTF-16"),
        (Array(#"{"v":1,"cmd":"status","args":{"agents":["caf"#.utf8) + [0xE9] + Array(#""]}}"#.utf8), "incomplete"),
        (Array(#"{"v":1,"cmd":"ping","id":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), "surrogate"),
        (Array(#"{"v":1,"cmd":"ping","id":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8), "overlong"),
        (Array(#"{"v":1,"cmd":"ping","id":"\udc00"}"#.utf8), "lone surrogate"),
    ]

    @Test("a request that is not UTF-8 text is refused as not_utf8", arguments: notUTF8)
    func notUTF8Request(bytes: [UInt8], message: String) throws {
        let result = ControlRequest.parse(bytes)
        let error: ControlError? = if case .failure(let error) = result { error } else { nil }
        let refusal = try #require(error, "accepted: \(result)")
        #expect(refusal.code == .notUTF8)
        #expect(refusal.code.rawValue == "request.not_utf8")
        #expect(refusal.message.hasPrefix("the request is not UTF-8 text: "), "\(refusal.message)")
        #expect(refusal.message.contains(message), "\(refusal.message)")
    }

    @Test("syntax errors say where, trailing bytes and too deep nesting are malformed")
    func syntaxDetails() throws {
        let trailing = try Self.refusal(#"{"v":1,"cmd":"ping"} {"v":1,"cmd":"down"}"#)
        #expect(trailing.code == .malformed)
        #expect(trailing.message.contains("after the end of the JSON value at byte 21"), "\(trailing.message)")
        let deep = try Self.refusal(#"{"v":1,"cmd":"ping","x":"# + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "}")
        #expect(deep.code == .malformed && deep.message.contains("nested more than"), "\(deep.message)")
    }

    @Test("a request of another protocol version is refused as unsupported")
    func wrongVersion() throws {
        for version in [0, 2, 99] {
            let error = try Self.refusal(#"{"v": \#(version), "cmd": "ping"}"#)
            #expect(error.code == .unsupportedVersion)
            #expect(error.code.rawValue == "request.unsupported_version")
            #expect(error.message.contains("protocol version \(version) is not supported"))
            #expect(error.message.contains("speaks v 1"))
        }
    }

    @Test("an unknown command lists the commands and suggests the closest")
    func unknownCommand() throws {
        let typo = try Self.refusal(#"{"v": 1, "cmd": "stats"}"#)
        #expect(typo.code == .unknownCommand)
        #expect(typo.message.contains(#"unknown command "stats""#))
        #expect(typo.message.contains("commands: ping, version, status, start, stop, restart, logs, down, reload"))
        #expect(typo.message.hasSuffix(#"did you mean "status"?"#))

        #expect(try Self.refusal(#"{"v": 1, "cmd": "relaod"}"#).message.hasSuffix(#"did you mean "reload"?"#))

        let far = try Self.refusal(#"{"v": 1, "cmd": "frobnicate"}"#)
        #expect(far.code == .unknownCommand)
        #expect(!far.message.contains("did you mean"))
    }

    @Test("a megabyte-long command or argument name is refused at once, with a short message")
    func hugeNames() throws {
        let name = String(repeating: "x", count: 900_000)
        let command = try Self.refusal(#"{"v": 1, "cmd": "\#(name)"}"#)
        #expect(command.code == .unknownCommand)
        #expect(command.message.utf8.count < 300, "\(command.message.prefix(300))")
        #expect(command.message.contains("(900000 bytes)"))
        let argument = try Self.refusal(#"{"v": 1, "cmd": "ping", "args": {"\#(name)": 1}}"#)
        #expect(argument.code == .badArgument && argument.message.utf8.count < 300)
    }

    static let badArguments: [(String, String)] = [
        (#"{"v": 1, "cmd": "ping", "args": {"verbose": true}}"#, #"ping takes no arguments; "verbose" is not one"#),
        (#"{"v": 1, "cmd": "stop", "args": {"agents": ["Api"], "force": true}}"#,
         #"stop takes arguments: agents; "force" is not one"#),
        (#"{"v": 1, "cmd": "start", "args": {"agent": "Api"}}"#, #"start takes arguments: agents, with_deps; "agent" is not one"#),
        (#"{"v": 1, "cmd": "logs", "args": {"agents": ["Api"]}}"#, #"logs takes arguments: agent, lines; "agents" is not one"#),
        (#"{"v": 1, "cmd": "status", "args": {"agents": "Api"}}"#, #""agents" must be a list of strings"#),
        (#"{"v": 1, "cmd": "stop", "args": {"agents": ["Api", 7]}}"#, #""agents" must be a list of strings"#),
        (#"{"v": 1, "cmd": "restart", "args": {"agents": {"Api": true}}}"#, #""agents" must be a list of strings"#),
        (#"{"v": 1, "cmd": "start"}"#, #"start needs "agents""#),
        (#"{"v": 1, "cmd": "start", "args": {"agents": []}}"#, #"start needs "agents""#),
        (#"{"v": 1, "cmd": "stop", "args": {}}"#, #"stop needs "agents""#),
        (#"{"v": 1, "cmd": "restart", "args": {"agents": []}}"#, #"restart needs "agents""#),
        (#"{"v": 1, "cmd": "start", "args": {"agents": ["Api"], "with_deps": "yes"}}"#, #""with_deps" must be true or false"#),
        (#"{"v": 1, "cmd": "logs"}"#, #"logs needs "agent""#),
        (#"{"v": 1, "cmd": "logs", "args": {"agent": 5}}"#, #"logs needs "agent""#),
        (#"{"v": 1, "cmd": "logs", "args": {"agent": "Api", "lines": 0}}"#, #""lines" must be a whole number from 1 to 100000"#),
        (#"{"v": 1, "cmd": "logs", "args": {"agent": "Api", "lines": -5}}"#, #""lines" must be a whole number"#),
        (#"{"v": 1, "cmd": "logs", "args": {"agent": "Api", "lines": 100001}}"#, #""lines" must be a whole number"#),
        (#"{"v": 1, "cmd": "logs", "args": {"agent": "Api", "lines": "10"}}"#, #""lines" must be a whole number"#),
    ]

    @Test("bad arguments are refused with a sentence that names them", arguments: badArguments)
    func badArgument(json: String, message: String) throws {
        let error = try Self.refusal(json)
        #expect(error.code == .badArgument)
        #expect(error.code.rawValue == "request.bad_argument")
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test("reading commands need the read right, commands that change what runs need admin")
    func requiredRights() {
        let read: [ControlCommand] = [.ping, .version, .status(agents: []), .logs(agent: "Api", lines: 50)]
        let admin: [ControlCommand] = [
            .start(selection: ["Api"], withDependencies: false), .stop(selection: ["Api"]),
            .restart(selection: ["Api"]), .down, .reload,
        ]
        for command in read { #expect(command.requiredRight == .read, "\(command.name)") }
        for command in admin { #expect(command.requiredRight == .admin, "\(command.name)") }
        #expect(Set((read + admin).map(\.name)) == Set(ControlCommand.names))
        #expect(ControlCommand.Right.read.rawValue == "read" && ControlCommand.Right.admin.rawValue == "admin")
    }

    @Test("an error encodes its code by wire name")
    func errorWireForm() throws {
        let error = try Self.refusal(#"{"v": 1, "cmd": "nope"}"#)
        let data = try JSONEncoder().encode(error)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["code"] as? String == "request.unknown_command")
        #expect(object["message"] as? String == error.message)
        #expect(error.description.hasPrefix("request.unknown_command: "))
    }

    // Requests are decoded into JSONValue, which keeps booleans and numbers apart.
    @Test("booleans and numbers are not taken for each other")
    func strictTypes() {
        #expect(throws: ControlError.self) {
            try Self.parse(#"{"v": 1, "cmd": "start", "args": {"agents": ["Api"], "with_deps": 1}}"#).get()
        }
        #expect(throws: ControlError.self) {
            try Self.parse(#"{"v": 1, "cmd": "logs", "args": {"agent": "Api", "lines": true}}"#).get()
        }
        #expect(throws: ControlError.self) { try Self.parse(#"{"v": true, "cmd": "ping"}"#).get() }
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// Problems found while reading values: each is reported with its code, line, agent and key.
@Suite("Manifest value issues")
struct ManifestValueIssueTests {
    typealias Support = ManifestTestSupport

    /// Loads `yaml`, requires exactly one issue of `code` and checks where it is.
    @discardableResult
    func expectOne(
        _ code: ManifestIssue.Code, in yaml: String, agent: String?, key: String?, lineContaining needle: String,
        environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ManifestIssue {
        let issues = Support.load(yaml, environment: environment).issues
        let issue = try issues.single(code, sourceLocation: sourceLocation)
        #expect(issues.count == 1, "other issues: \(issues)", sourceLocation: sourceLocation)
        #expect(issue.severity == .error, sourceLocation: sourceLocation)
        #expect(issue.file == Support.file, sourceLocation: sourceLocation)
        #expect(issue.agent == agent, sourceLocation: sourceLocation)
        #expect(issue.key == key, sourceLocation: sourceLocation)
        #expect(issue.line != nil && issue.line == Support.line(of: needle, in: yaml), sourceLocation: sourceLocation)
        return issue
    }

    @Test("YAML syntax errors carry the line")
    func yamlSyntax() throws {
        let yaml = """
            version: 1
            agents:
              A:
                command: x: y
            """
        let result = Support.load(yaml)
        #expect(result.manifest == nil)
        let issue = try result.issues.single(.yamlSyntax)
        #expect(issue.line == 4)
        #expect(issue.message.hasPrefix("YAML syntax:"))
    }

    @Test("a key written twice is reported with its line")
    func duplicateKey() throws {
        let yaml = """
            agents:
              A:
                host: h
                command: [/bin/a]
                port: 7000
                port: 7001
            """
        // Yams rejects the whole document; the issue names the key and its line.
        let issue = try Support.load(yaml).issues.single(.yamlSyntax)
        #expect(issue.message.contains("port"))
        #expect(issue.line != nil)
    }

    @Test("an unknown key is reported with a did-you-mean")
    func unknownKey() throws {
        let issue = try expectOne(.unknownKey, in: """
            agents:
              A:
                host: h
                command: [/bin/a]
                helth: {kind: none}
            """, agent: "A", key: "helth", lineContaining: "helth")
        #expect(issue.message.contains("did you mean 'health'?"))
    }

    @Test("an unknown key inside a section is reported with its full path")
    func unknownNestedKey() throws {
        let issue = try expectOne(.unknownKey, in: """
            agents:
              A:
                host: h
                command: [/bin/a]
                health:
                  intervall: 5s
            """, agent: "A", key: "health.intervall", lineContaining: "intervall")
        #expect(issue.message.contains("did you mean 'interval'?"))
    }

    @Test("keys that make no sense in defaults are unknown there, with the reason")
    func unknownKeyInDefaults() throws {
        let issue = try expectOne(.unknownKey, in: """
            defaults:
              host: h
              command: [/bin/a]
              depends_on: [A]
            agents:
              A: {}
            """, agent: nil, key: "defaults.depends_on", lineContaining: "depends_on")
        #expect(issue.message.contains("set it on each agent"))
    }

    @Test("a value of the wrong shape is a wrongType", arguments: [
        ("env: [A, B]", "env"),
        ("command: /bin/a", "command"),
        ("health: fast", "health"),
        ("depends_on: {B: yes}", "depends_on"),
    ])
    func wrongType(entry: String, key: String) throws {
        try expectOne(.wrongType, in: """
            defaults:
              host: h
              command: [/bin/default]
            agents:
              A:
                group: g
                \(entry)
            """, agent: "A", key: key, lineContaining: entry)
    }

    @Test("an agent without a command is missing a key, at the agent")
    func missingCommand() throws {
        let issue = try expectOne(.missingKey, in: """
            agents:
              NoCommand: {host: h}
            """, agent: "NoCommand", key: "command", lineContaining: "NoCommand")
        #expect(issue.message.contains("no command"))
    }

    @Test("checks that need a port or command report the missing one", arguments: [
        ("health: {kind: zmq}", "health.port"),
        ("health: {kind: tcp}", "health.port"),
        ("health: {kind: exec}", "health.command"),
    ])
    func missingHealthKey(entry: String, key: String) throws {
        try expectOne(.missingKey, in: """
            agents:
              A: {host: h, command: [/bin/a], \(entry)}
            """, agent: "A", key: key, lineContaining: "A:")
    }

    @Test("a bad duration names the key", arguments: [
        ("health: {interval: 5x}", "health.interval"),
        ("health: {start_period: soon}", "health.start_period"),
        ("restart: {window: 0s}", "restart.window"),
        ("stop: {timeout: -1s}", "stop.timeout"),
        ("expected_ready: 1m30", "expected_ready"),
    ])
    func badDuration(entry: String, key: String) throws {
        try expectOne(.badDuration, in: """
            agents:
              A:
                host: h
                command: [/bin/a]
                \(entry)
            """, agent: "A", key: key, lineContaining: entry)
    }

    @Test("a bad size names the key", arguments: [
        ("limits: {memory: lots}", "limits.memory"),
        ("limits: {memory_high: 12X}", "limits.memory_high"),
        ("logs: {max_size: 0}", "logs.max_size"),
    ])
    func badSize(entry: String, key: String) throws {
        try expectOne(.badSize, in: """
            agents:
              A:
                host: h
                command: [/bin/a]
                \(entry)
            """, agent: "A", key: key, lineContaining: entry)
    }

    @Test("a value outside its allowed set is a badValue", arguments: [
        ("restart: {policy: sometimes}", "restart.policy", "always, never, on-failure"),
        ("restart: {policy: on_failure}", "restart.policy", "did you mean 'on-failure'?"),
        ("health: {kind: zmqq, port: 7000}", "health.kind", "did you mean 'zmq'?"),
        ("stop: {signal: SIGFOO}", "stop.signal", "unknown signal"),
        ("limits: {cpu: \"-1\"}", "limits.cpu", "cpu must be a positive number"),
        ("limits: {cpu: lots}", "limits.cpu", "cpu must be a positive number"),
        ("port: 70000", "port", "out of range"),
        ("port: seven", "port", "whole number"),
        ("required: maybe", "required", "true or false"),
        ("restart: {backoff: {factor: 0.5}}", "restart.backoff.factor", "between 1 and 100"),
        ("health: {retries: 0}", "health.retries", "out of range"),
    ])
    func badValue(entry: String, key: String, message: String) throws {
        let issue = try expectOne(.badValue, in: """
            agents:
              A:
                host: h
                command: [/bin/a]
                \(entry)
            """, agent: "A", key: key, lineContaining: entry)
        #expect(issue.message.contains(message), "\(issue.message)")
    }

    @Test("an undefined variable names the variable and the key")
    func undefinedVariable() throws {
        let issue = try expectOne(.undefinedVariable, in: """
            agents:
              A:
                host: h
                command: [/bin/a]
                cwd: ${NOT_SET_ANYWHERE}
            """, agent: "A", key: "cwd", lineContaining: "cwd:")
        #expect(issue.message.contains("NOT_SET_ANYWHERE"))
    }

    @Test("an undefined variable inside a list names the item, and the list is dropped")
    func undefinedVariableInList() throws {
        let issues = Support.load("""
            agents:
              A:
                host: h
                command: [/bin/a, "${MISSING_ARG}"]
            """).issues
        #expect(issues.map(\.code) == [.undefinedVariable, .missingKey])
        let issue = try issues.single(.undefinedVariable)
        #expect(issue.agent == "A")
        #expect(issue.key == "command.1")
        #expect(issue.line == 4)
        #expect(issue.message.contains("MISSING_ARG"))
    }

    @Test("only version 1 is read")
    func unsupportedVersion() throws {
        let issue = try expectOne(.badValue, in: """
            version: 2
            agents:
              A: {host: h, command: [/bin/a]}
            """, agent: nil, key: "version", lineContaining: "version")
        #expect(issue.message.contains("version 2"))
    }

    @Test("a misspelt top-level key is unknown, and the agents are then missing")
    func unknownTopLevelKey() throws {
        let issues = Support.load("""
            version: 1
            agent:
              A: {host: h, command: [/bin/a]}
            """).issues
        let unknown = try issues.single(.unknownKey)
        #expect(unknown.message.contains("did you mean 'agents'?"))
        #expect(unknown.line == 2)
        #expect(try issues.single(.missingKey).agent == nil)
    }
}

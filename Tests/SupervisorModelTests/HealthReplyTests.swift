import Foundation
import Testing
@testable import SupervisorModel

/// Legacy health replies, and the `healthChanged` actions probe results lead to.
@Suite("HealthReply")
struct HealthReplyTests {
    static func interpret(_ text: String) -> ProbeOutcome {
        HealthReply.interpret(Array(text.utf8))
    }

    @Test("healthy words in any case are healthy", arguments: ["ok", "healthy", "HEALTHY", "success", "online", "Ok", "OnLine"])
    func healthy(word: String) {
        #expect(Self.interpret(#"{"status": "\#(word)"}"#) == .healthy)
        #expect(Self.interpret(#"{"status": "\#(word)", "message": "fine", "uptime": 12}"#).isHealthy)
    }

    @Test("initializing and starting are not ready yet, with the status in the message")
    func notReady() {
        #expect(Self.interpret(#"{"status": "initializing"}"#) == .notReady("status initializing"))
        #expect(Self.interpret(#"{"status": "Starting", "message": "loading model"}"#)
            == .notReady("status Starting: loading model"))
        #expect(!Self.interpret(#"{"status": "starting"}"#).isHealthy)
    }

    @Test("any other status is unhealthy, with the status (and message) in the message",
          arguments: ["degraded", "unhealthy", "error", "DOWN", ""])
    func unhealthy(word: String) {
        #expect(Self.interpret(#"{"status": "\#(word)"}"#) == .unhealthy("status \(word)"))
        #expect(Self.interpret(#"{"status": "\#(word)", "message": "disk full"}"#) == .unhealthy("status \(word): disk full"))
    }

    @Test("a reply that is not JSON is unhealthy and quotes the start of the reply")
    func notJSON() throws {
        guard case .unhealthy(let message) = Self.interpret("pong") else {
            Issue.record("expected unhealthy")
            return
        }
        #expect(message == #"reply is not a JSON object: "pong""#)

        let long = String(repeating: "x", count: 500)
        guard case .unhealthy(let cut) = Self.interpret(long) else {
            Issue.record("expected unhealthy")
            return
        }
        #expect(cut.contains(String(repeating: "x", count: 80)) && !cut.contains(String(repeating: "x", count: 81)))
        #expect(Self.interpret("") == .unhealthy(#"reply is not a JSON object: """#))
    }

    @Test("a JSON array or a bare value is not an object: unhealthy")
    func notAnObject() {
        for reply in [#"[{"status": "ok"}]"#, #""ok""#, "42", "null"] {
            guard case .unhealthy(let message) = Self.interpret(reply) else {
                Issue.record("\(reply) should be unhealthy")
                continue
            }
            #expect(message.hasPrefix("reply is not a JSON object"), "\(reply)")
        }
    }

    @Test("an object without a status string is unhealthy")
    func noStatus() {
        #expect(Self.interpret(#"{"message": "ok"}"#) == .unhealthy("reply has no status field"))
        #expect(Self.interpret(#"{}"#) == .unhealthy("reply has no status field"))
        #expect(Self.interpret(#"{"status": 200}"#) == .unhealthy("reply has no status field"))
        #expect(Self.interpret(#"{"Status": "ok"}"#) == .unhealthy("reply has no status field"))
    }

    @Test("the request frame is the legacy health_check action")
    func requestFrame() throws {
        let object = try JSONSerialization.jsonObject(with: Data(HealthReply.request.utf8)) as? [String: String]
        #expect(object == ["action": "health_check"])
    }
}

/// Reply identity: a reply that names another agent than the one probed is a port clash.
@Suite("HealthReply identity")
struct HealthReplyIdentityTests {
    static let tiered = HealthReply.Expectation(agent: "TieredResponder", port: 8100)

    static func interpret(_ text: String, _ expecting: HealthReply.Expectation = tiered) -> ProbeOutcome {
        HealthReply.interpret(Array(text.utf8), expecting: expecting)
    }

    @Test("a message \"X is healthy\" naming another agent is a clash naming both",
          arguments: ["ServiceRegistry is healthy", "ServiceRegistry is healthy.", "ServiceRegistry is RUNNING"])
    func messageNamesAnother(message: String) {
        let outcome = Self.interpret(#"{"status": "ok", "message": "\#(message)"}"#)
        #expect(outcome == .wrongAgent(PortClash(port: 8100, answeredAs: "ServiceRegistry", expected: "TieredResponder")))
        #expect(!outcome.isHealthy)
        #expect(outcome.problem == "port 8100 answers as ServiceRegistry, not TieredResponder: a port clash")
    }

    @Test("a name, agent or agent_name field naming another agent is a clash", arguments: ["name", "agent", "agent_name"])
    func fieldNamesAnother(field: String) {
        let outcome = Self.interpret(#"{"status": "healthy", "\#(field)": " ServiceRegistry "}"#)
        #expect(outcome == .wrongAgent(PortClash(port: 8100, answeredAs: "ServiceRegistry", expected: "TieredResponder")))
    }

    @Test("its own name, trimmed and in any case, is judged by status as before")
    func ownName() {
        #expect(Self.interpret(#"{"status": "ok", "message": "TieredResponder is healthy"}"#) == .healthy)
        #expect(Self.interpret(#"{"status": "ok", "agent_name": "  tieredresponder\n"}"#) == .healthy)
        #expect(Self.interpret(#"{"status": "initializing", "name": "TieredResponder"}"#) == .notReady("status initializing"))
        #expect(Self.interpret(#"{"status": "error", "agent": "TIEREDRESPONDER"}"#) == .unhealthy("status error"))
    }

    @Test("a message is split into words on its bytes when it is ASCII, as on its characters otherwise",
          arguments: ["A is healthy", " A\tis\r\nready. ", "A  is\u{0B}up", "A is", "A is healthy now", "\u{1C}A is up",
                      "Zoë is healthy", "A\u{00A0}is healthy", "A\u{2003}is\u{0085}up", ""])
    func messageWords(message: String) {
        #expect(HealthReply.words(of: message) == message.split(whereSeparator: \.isWhitespace))
        #expect(HealthReply.agentNamed(byMessage: message) == Self.namedByCharacters(message))
    }

    /// The message rule on Swift characters (the reference for the byte split).
    static func namedByCharacters(_ message: String) -> String? {
        let words = message.split(whereSeparator: \.isWhitespace)
        guard words.count == 3, words[1].lowercased() == "is" else { return nil }
        let state = HealthReply.trimmed(words[2].lowercased(), dropping: \.isPunctuation)
        return HealthReply.messageStates.contains(state) ? String(words[0]) : nil
    }

    @Test("any field giving its own name wins over another name elsewhere")
    func anyOwnNameWins() {
        #expect(Self.interpret(#"{"status": "ok", "agent": "TieredResponder", "message": "Registry is healthy"}"#) == .healthy)
    }

    @Test("a reply without a name, or a message of another form, is judged by status alone")
    func noName() {
        #expect(Self.interpret(#"{"status": "ok"}"#) == .healthy)
        #expect(Self.interpret(#"{"status": "ok", "message": "all systems go"}"#) == .healthy)
        #expect(Self.interpret(#"{"status": "ok", "message": "Model is loading"}"#) == .healthy, "not a state word")
        #expect(Self.interpret(#"{"status": "ok", "message": "the registry is healthy"}"#) == .healthy, "four words")
        #expect(Self.interpret(#"{"status": "ok", "name": 42, "agent": ""}"#) == .healthy, "no string name")
        #expect(HealthReply.interpret(Array(#"{"status": "ok", "name": "Other"}"#.utf8)) == .healthy, "nothing expected")
    }

    @Test("even an unhealthy or not-ready reply from another agent is a clash")
    func clashWhateverTheStatus() {
        #expect(Self.interpret(#"{"status": "initializing", "agent": "ServiceRegistry"}"#)
            == .wrongAgent(PortClash(port: 8100, answeredAs: "ServiceRegistry", expected: "TieredResponder")))
    }

    @Test("an agent imported as Name-host may answer as Name")
    func renamedAgent() {
        let expecting = HealthReply.Expectation(agent: "MemoryOrchestratorService-pc2", host: "pc2", port: 7141)
        #expect(expecting.aliases == ["MemoryOrchestratorService"])
        #expect(Self.interpret(#"{"status": "ok", "name": "MemoryOrchestratorService"}"#, expecting) == .healthy)
        #expect(Self.interpret(#"{"status": "ok", "name": "MemoryOrchestratorService-pc2"}"#, expecting) == .healthy)
        #expect(Self.interpret(#"{"status": "ok", "name": "MemoryOrchestrator"}"#, expecting).problem
            == "port 7141 answers as MemoryOrchestrator, not MemoryOrchestratorService-pc2: a port clash")
        #expect(HealthReply.Expectation(agent: "pc2", host: "pc2", port: 1).aliases.isEmpty)
        #expect(HealthReply.Expectation(agent: "Plain", host: "pc2", port: 1).aliases.isEmpty)
    }
}

/// `healthChanged`: published when an agent becomes ready, on the first failed liveness check,
/// and when it recovers.
@Suite("HostSupervisor health changes")
struct HealthChangeTests {
    static let yaml = """
        defaults: {host: h, command: [/bin/a]}
        agents:
          Service: {health: {kind: zmq, port: 7000, start_period: 30s, interval: 5s, retries: 3}}
          Quiet: {health: {kind: none, start_period: 1s}}
        """

    static func changes(_ actions: [SupervisorAction]) -> [String] {
        actions.compactMap {
            if case .healthChanged(let agent, let healthy, let detail) = $0 { "\(agent) \(healthy) \(detail)" } else { nil }
        }
    }

    @Test("becoming ready announces healthy, for probed and unchecked agents")
    func readyIsHealthy() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        #expect(Self.changes(try driver.answerProbe("Service", .notReady("initializing"))).isEmpty)
        driver.advance(to: 0.5)
        #expect(Self.changes(try driver.answerProbe("Service", .healthy)) == ["Service true ready"])
        #expect(Self.changes(driver.advance(to: 1)) == ["Quiet true up"])
    }

    @Test("the first failed liveness check announces unhealthy once; recovery announces healthy again")
    func failureAndRecovery() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        try driver.answerProbe("Service", .healthy)

        driver.advance(to: 5)
        let first = try driver.answerProbe("Service", .unhealthy("connection refused"))
        #expect(Self.changes(first) == ["Service false connection refused"])
        driver.advance(to: 10)
        #expect(Self.changes(try driver.answerProbe("Service", .notReady("busy"))).isEmpty, "only the first failure")
        #expect(driver.runtime("Service")?.probeFailures == 2)

        driver.advance(to: 15)
        let recovered = try driver.answerProbe("Service", .healthy)
        #expect(Self.changes(recovered) == ["Service true healthy again"])
        #expect(driver.runtime("Service")?.probeFailures == 0)

        driver.advance(to: 20)
        #expect(Self.changes(try driver.answerProbe("Service", .healthy)).isEmpty, "healthy to healthy is no change")
        driver.advance(to: 25)
        #expect(Self.changes(try driver.answerProbe("Service", .unhealthy("again"))) == ["Service false again"])
    }

    @Test("a failure that reaches retries still announces only once, then stops the agent")
    func failureToRestart() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        try driver.answerProbe("Service", .healthy)
        var announced: [String] = []
        for time in [5.0, 10, 15] {
            driver.advance(to: time)
            announced += Self.changes(try driver.answerProbe("Service", .unhealthy("refused")))
        }
        #expect(announced == ["Service false refused"])
        #expect(driver.state("Service") == .stopping)
    }
}

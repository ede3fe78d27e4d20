import Foundation
import Testing
@testable import SupervisorModel

/// Every reply, event and status type writes the same bytes as its Codable form through
/// `JSONEncoder` with sorted keys (what the server sent before `JSONWriter`), and decodes back.
@Suite("ProtocolEncoding")
struct ProtocolEncodingTests {
    static func same<T: Codable & JSONWritable & Equatable>(_ value: T, _ comment: Comment? = nil) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
        #expect(String(decoding: value.jsonBytes, as: UTF8.self) == expected, comment)
        #expect(try JSONDecoder().decode(T.self, from: Data(value.jsonBytes)) == value, comment)
    }

    static func sameEncoding<T: Encodable & JSONWritable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: value.jsonBytes, as: UTF8.self) == String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static let cause = FailureCause(kind: .pythonException, message: "OSError: [Errno 98] Address already in use",
                                    location: "base_agent.py:778", exception: "OSError", stream: .stderr)

    /// A status with every field of the host and of its agents somewhere (also read back by
    /// `ProtocolReadingTests`).
    static func fullStatus() throws -> HostStatus {
        var driver = try SupervisorDriver(yaml: AgentStatusTests.yaml)
        driver.send(.startAll)
        try driver.answerProbe("Service", .notReady("initializing"))
        driver.advance(to: 0.5)
        driver.exit("Broken", code: 3)
        driver.kill("Plain", signal: 9)
        driver.kill("Plain", signal: 9)
        var status = driver.supervisor.status(of: [], now: 0.75, supervisorPid: 4242)
        status.instance = "123-abc"
        status.eventSeq = 17
        status.remoteHosts = ["pc2": .reachable, "PC10": .unknown]
        status.awaitingRemote = ["pc2/Base"]
        status.supervisorLogs = [LogFileStatus(file: "/tmp/x/supervisor.log", linesLost: 3,
                                               error: LogWriteError(code: .noSpace, errno: 28, message: "no space left on device"))]
        status.agents[0].resources = ResourceFigures(enforcement: .cgroupV2, rss: 17_141_760, cpu: 0.25, threads: 3, fds: 13,
                                                     processes: 1, throttled: 0.5, unenforced: [])
        status.agents[0].errorsPerMinute = 2
        status.agents[0].logLinesLost = 4
        status.agents[0].logError = LogWriteError(code: .ioError, errno: 5, message: "input/output error")
        status.agents[0].healthPortDiscovered = 7199
        status.agents[1].cause = Self.cause
        status.agents[1].startedWithout = ["Service"]
        status.agents[1].startedWithoutDetail = "started without Service (failed)"
        status.agents[1].startQueue = StartQueueStatus(position: 1, reason: "4 agents starting (max_concurrent_starts 4)")
        status.agents[1].remoteDependencies = [RemoteDependencyStatus(agent: "pc2/Base", ready: false, detail: "host unreachable")]
        #expect(status.agents.contains { $0.lastExit != nil } && status.agents.contains { $0.restartIn != nil })
        return status
    }

    @Test("status: every agent field, with and without the cached static fields")
    func status() throws {
        let status = try Self.fullStatus()
        try Self.same(status)

        let cached = ControlReplyFrame.success(id: "7", capacity: 64) { writer in
            status.writeFields(to: &writer) { AgentStatusFragments($0) }
        }
        #expect(cached == ControlReplyFrame.success(status, id: "7"))
        let reply = try JSONDecoder().decode(ControlReplyEnvelope<HostStatus>.self, from: Data(cached))
        #expect(reply.ok && reply.id == "7" && reply.data == status)
    }

    @Test("status fragments: kept while only the clocks move, not once any other field changed")
    func statusFragments() throws {
        let status = try Self.fullStatus()
        let kept = status.agents.map(AgentStatusFragments.init)
        var later = status
        for index in later.agents.indices {
            later.agents[index].uptime = later.agents[index].uptime.map { $0 + 1.5 }
            later.agents[index].restartIn = later.agents[index].restartIn.map { max(0, $0 - 1.5) }
            later.agents[index].lastExit?.ago += 1.5
        }
        #expect(kept.indices.allSatisfy { kept[$0].matches(later.agents[$0]) })
        let reused = ControlReplyFrame.success(id: nil, capacity: 64) { writer in
            // Each agent finds its own fragments (names differ), and only them.
            later.writeFields(to: &writer) { agent in kept.first { $0.matches(agent) } }
        }
        #expect(reused == ControlReplyFrame.success(later, id: nil))
        #expect(kept.allSatisfy { fragments in later.agents.filter(fragments.matches).count == 1 })

        var changed = later.agents[0]
        changed.health = "failing 1/3: timeout"
        #expect(!kept[0].matches(changed))
        changed = later.agents[0]
        changed.resources?.rss += 4096
        #expect(!kept[0].matches(changed))
        changed = later.agents[0]
        changed.logLinesLost = (changed.logLinesLost ?? 0) + 1
        #expect(!kept[0].matches(changed))
    }

    @Test("AgentStatusStoredFields: every stored field of AgentStatus is compared by the fragments, or is a clock")
    func statusStoredFields() throws {
        let labels = Mirror(reflecting: try Self.fullStatus().agents[0]).children.compactMap(\.label)
        // A new field must be compared in `equalsAsideFromClocks` (and written in one of the runs
        // of `AgentStatus.writeFields`), or kept status fragments would hide its changes.
        #expect(Set(labels) == Set(AgentStatus.comparedFields + AgentStatus.clockFields))
        #expect(labels.count == AgentStatus.comparedFields.count + AgentStatus.clockFields.count)
    }

    @Test("replies: ping, version, logs, down, command results, reload, errors")
    func replies() throws {
        try Self.same(PingReply(host: "mainpc", instance: "1202-2o6we455bw32v", pid: 1202))
        try Self.same(VersionReply(protocol: 1, version: "0.1.0", zmq: "4.3.4"))
        try Self.same(LogsReply(agent: "beta", lines: ["2026-11-27T15:44:54.896Z out beta ready"], offset: 1643, path: "/tmp/logs/mainpc/beta.log"))
        try Self.same(DownReply(host: "mainpc", stopping: 4))
        try Self.same(CommandResults(agents: [CommandOutcome(agent: "alpha", result: "starting"), CommandOutcome(agent: "beta", result: "waiting for alpha")]))
        try Self.same(ReloadOutcome(added: ["delta"], removed: ["gamma"], changed: ["beta"], unchanged: 1))
        try Self.same(ControlError(.agentNotFound, "no agent named \"alpah\" on host mainpc; did you mean alpha?", details: ["alpha"]))
        try Self.same(ControlError(.shuttingDown, "the supervisor of mainpc is shutting down"))
        let refusal = ControlReplyFrame.failure(ControlError(.badArgument, "\"lines\" must be a whole number from 1 to 100000"), id: nil)
        #expect(String(decoding: refusal, as: UTF8.self)
            == #"{"error":{"code":"request.bad_argument","message":"\"lines\" must be a whole number from 1 to 100000"},"ok":false}"#)
    }

    @Test("requests: what the CLI sends reads back as the same command")
    func requests() throws {
        let commands: [ControlCommand] = [
            .ping, .version, .down, .reload, .status(agents: []), .status(agents: ["group:tools", "alpha"]),
            .start(selection: ["beta"], withDependencies: true), .start(selection: ["all"], withDependencies: false),
            .stop(selection: ["a"]), .restart(selection: ["b", "c"]), .logs(agent: "beta", lines: 5),
        ]
        for command in commands {
            let request = try ControlRequest.parse(ControlRequestFrame.bytes(command, id: "42")).get()
            #expect(request == ControlRequest(command: command, id: "42"))
        }
    }

    @Test("events: the body's keys and the envelope's in one object, in order")
    func events() throws {
        let transition = AgentTransition(agent: "alpha", from: .starting, to: .ready, pid: 15211, reason: "ready after 0.04 s", at: 1, cause: Self.cause)
        let frame = EventFrame.body(AgentStateEvent(transition), topic: "agent.state", seq: 18, ts: "2026-11-27T15:45:14.095Z",
                                    host: "mainpc", instance: "1-a")
        let object = try #require(JSONValue.parse(frame)?.object)
        #expect(object["agent"] == "alpha" && object["to"] == "ready" && object["seq"] == .number(18) && object["topic"] == "agent.state")
        let text = String(decoding: frame, as: UTF8.self)
        #expect(text.hasPrefix(#"{"agent":"alpha","cause":{"exception":"OSError","#))
        #expect(text.hasSuffix(#""reason":"ready after 0.04 s","seq":18,"to":"ready","topic":"agent.state","ts":"2026-11-27T15:45:14.095Z"}"#))
        let received = try JSONDecoder().decode(ReceivedEvent<AgentStateEvent>.self, from: Data(frame))
        #expect(received.seq == 18 && received.instance == "1-a" && received.body == AgentStateEvent(transition))

        try Self.same(AgentStateEvent(transition))
        try Self.same(AgentFailureEvent(agent: "flaky", summary: "out of memory (limit 50 MB)", givingUp: false, cause: Self.cause))
        try Self.same(HealthEvent(agent: "alpha", healthy: true, detail: "ready"))
        try Self.same(CommandEvent(cmd: "restart", client: "unknown (id 006b8b4569)", ok: false,
                                   error: ControlError(.forbidden, "stop needs the admin right")))
        try Self.same(CommandEvent.refusalSummary(990))
        try Self.same(RemoteHostEvent(remote: "mainpc", reachable: false, waiting: ["User"]))
        try Self.same(RemoteDependencyEvent(agent: "pc2/Base", ready: true, detail: "ready", dependents: ["User"]))
        let report = ErrorReport(agent: "X", severity: "error", type: "ValueError", message: "bad", time: "2026-01-01")
        try Self.same(ErrorBusEvent(report))
        let notice = LogWriteNotice(file: "/tmp/l/spammer.log", agent: "spammer",
                                    change: .resumed(outage: 36, linesLost: 36))
        try Self.same(notice)
        try Self.sameEncoding(HealthPortDiscovery(agent: "Responder", configuredPort: 26575, discoveredPort: 25576, healthy: true))
        try Self.sameEncoding(HealthPortDiscovery(agent: "Responder", configuredPort: nil, discoveredPort: 25576, healthy: false))
        try Self.sameEncoding(PortClash(port: 26580, answeredAs: "ServiceRegistry", expected: "TieredResponder"))
    }

    @Test("agent.metrics: the figures are fields of the event, an empty unenforced is left out")
    func metrics() {
        let figures = ResourceFigures(enforcement: .none, rss: 25_919_488, cpu: 0, threads: 3, fds: 13, processes: 1)
        let sampled = MetricsEvent(agent: "alpha", state: .ready, restarts: 1, pid: 15876, uptime: 7.01912718299991, resources: figures)
        #expect(sampled.jsonBytes == Array(#"{"agent":"alpha","cpu":0,"enforcement":"none","fds":13,"pid":15876,"processes":1,"restarts":1,"rss":25919488,"state":"ready","threads":3,"uptime":7.01912718299991}"#.utf8))
        let early = MetricsEvent(agent: "alpha", state: .starting, restarts: 0, pid: 1, uptime: 0.5, enforcement: .watchdog, logLinesLost: 2)
        #expect(early.jsonBytes == Array(#"{"agent":"alpha","enforcement":"watchdog","log_lines_lost":2,"pid":1,"restarts":0,"state":"starting","uptime":0.5}"#.utf8))
        let down = MetricsEvent(agent: "flaky", state: .backoff, restarts: 2)
        #expect(down.jsonBytes == Array(#"{"agent":"flaky","restarts":2,"state":"backoff"}"#.utf8))
    }
}

import Foundation
import Testing

/// `logs` (last lines, `-f`) and `events` (the JSON event stream).
extension ControlCommandLineTests {
    /// An agent log line: ISO-8601 timestamp, stream, text.
    static let logLinePattern = #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z out "#

    @Test("logs NAME -n 2 prints the agent's last two lines")
    func logsPrintsLastLines() throws {
        let session = try Session(manifest: """
            agents:
              counter:
                host: mainpc
                command: ["sh", "-c", "for i in 1 2 3 4 5; do echo line $i; done; exec sleep 1000"]
                health: {kind: none, start_period: 100ms}
            """)
        defer { session.close() }
        try session.up()
        let log = session.harness.agentLog("counter")
        #expect(eventually { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("line 5\n") })

        let two = try session.cli(["logs", "counter", "-n", "2"])
        #expect(two.status == 0, "\(two)")
        #expect(two.lines.count == 2, "\(two)")
        #expect(Self.matches(two.lines.first ?? "", Self.logLinePattern + "line 4"), "\(two)")
        #expect(Self.matches(two.lines.last ?? "", Self.logLinePattern + "line 5"), "\(two)")

        let all = try session.cli(["logs", "counter", "--host", "mainpc"])
        #expect(all.status == 0, "\(all)")
        #expect(all.lines.map { $0.split(separator: " ").dropFirst(2).joined(separator: " ") } == (1...5).map { "line \($0)" }, "\(all)")

        let unknown = try session.cli(["logs", "countr"])
        #expect(unknown.status != 0, "\(unknown)")
        #expect(unknown.stderr.lowercased().contains("did you mean counter"), "\(unknown)")
        try session.harness.stop()
    }

    @Test("logs -f keeps printing new lines as the agent writes them")
    func logsFollowPrintsNewLines() throws {
        let session = try Session(manifest: """
            agents:
              ticker:
                host: mainpc
                command: ["sh", "-c", "while true; do echo tick; sleep 0.2; done"]
                health: {kind: none, start_period: 100ms}
            """)
        defer { session.close() }
        try session.up()
        let log = session.harness.agentLog("ticker")
        #expect(eventually { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("tick\n") })

        let follow = try session.background(["logs", "ticker", "-f", "-n", "1"])
        // One line is the tail asked for; everything after it was written while following.
        #expect(follow.waitForLines(5, timeout: 60), "logs -f printed only:\n\(follow.text)")
        #expect(follow.process.isRunning, "logs -f ended by itself:\n\(follow.text)")
        follow.terminate()
        let lines = follow.lines
        #expect(lines.count >= 5)
        for line in lines {
            #expect(Self.matches(line, Self.logLinePattern + "tick"), "unexpected line: \(line)")
        }
        let stamps = lines.map { $0.prefix(24) }
        #expect(stamps == stamps.sorted() && Set(stamps).count == stamps.count, "\(lines)")
        try session.harness.stop()
    }

    @Test("events --topic agent.state --count 3 prints a restart's state changes as JSON lines, then exits")
    func eventsShowARestart() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: """
            defaults:
              host: mainpc
              command: [\(Self.sim)]
              health: {kind: zmq}
            agents:
              store:
                health: {port: \(ports[0])}
              api:
                health: {port: \(ports[1])}
                depends_on: [store]
            """, avoiding: ports)
        defer { session.close() }
        try session.up()
        let before = try session.waitForStates(["store": "ready", "api": "ready"])
        let oldApi = try #require(before.pid("api"))

        let events = try session.background(["events", "mainpc", "--topic", "agent.state", "--count", "3"])
        // A subscriber only receives what is published after it has connected.
        #expect(eventually(timeout: 60) { Self.isConnected(pid: events.process.processIdentifier, toPort: session.controlPort + 1) },
                "events never connected to port \(session.controlPort + 1): \(events.text)")
        let restart = try session.cli(["restart", "api"])
        #expect(restart.status == 0, "\(restart)")
        #expect(events.waitForExit(timeout: 60), "events did not stop after 3 events:\n\(events.text)")
        #expect(events.process.terminationStatus == 0, "\(events.text)")

        let objects = events.lines.map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        try #require(objects.count == 3 && objects.allSatisfy { $0 != nil }, "not 3 JSON objects, one per line:\n\(events.text)")
        let parsed = objects.compactMap { $0 }
        let sequence = parsed.compactMap { $0["seq"] as? Int }
        #expect(sequence.count == 3 && sequence == sequence.sorted() && Set(sequence).count == 3, "\(events.text)")
        #expect(parsed.allSatisfy { $0["topic"] as? String == "agent.state" && $0["host"] as? String == "mainpc" })
        #expect(parsed.allSatisfy { $0["agent"] as? String == "api" }, "\(events.text)")
        let changes = parsed.map { "\($0["from"] as? String ?? "?") -> \($0["to"] as? String ?? "?")" }
        #expect(changes == ["ready -> stopping", "stopping -> starting", "starting -> ready"], "\(events.text)")

        let after = try session.waitForStates(["api": "ready"])
        #expect(parsed.first?["pid"] as? Int == Int(oldApi))
        #expect(parsed.last?["pid"] as? Int == after.pid("api").map { Int($0) })
        #expect(after.pid("api") != oldApi)
        try session.harness.stop()
    }

    /// One agent that only sleeps.
    static let idleManifest = """
        agents:
          idle:
            host: mainpc
            command: ["sleep", "1000"]
            health: {kind: none, start_period: 100ms}
        """

    /// `supervisor ARGS` (an `events` verb) in the background, once it is connected to the event port.
    static func connectedEvents(_ arguments: [String], in session: Session) throws -> BackgroundCommand {
        let events = try session.background(arguments)
        #expect(eventually(timeout: 60) { isConnected(pid: events.process.processIdentifier, toPort: session.controlPort + 1) },
                "events never connected to port \(session.controlPort + 1): \(events.text)")
        return events
    }

    @Test("events ends with exit 3 and a line on stderr when its supervisor stops", .timeLimit(.minutes(3)))
    func eventsEndWhenTheSupervisorStops() throws {
        let session = try Session(manifest: Self.idleManifest)
        defer { session.close() }
        try session.up()
        let events = try Self.connectedEvents(["events", "mainpc"], in: session)
        #expect(try session.harness.stop() == 0)
        // Told by the lost connection and a ping left unanswered for 3 s.
        #expect(events.waitForExit(timeout: 60), "events kept running after its supervisor stopped:\n\(events.text)")
        #expect(events.process.terminationStatus == 3, "\(events.text)")
        let message = "the supervisor of mainpc stopped: no answer on tcp://127.0.0.1:\(session.controlPort) for 3 s"
        #expect(events.text.contains(message), "\(events.text)")
    }

    @Test("events ends with exit 3 when another run of the supervisor takes over, and prints none of its events",
          .timeLimit(.minutes(3)))
    func eventsEndWhenTheSupervisorRestarts() throws {
        let session = try Session(manifest: Self.idleManifest)
        defer { session.close() }
        try session.up()
        let first = try #require(try session.snapshot()?.json["instance"] as? String)
        let events = try Self.connectedEvents(["events", "mainpc", "--topic", "agent.state"], in: session)
        // SIGKILL: the agents die with it; a new supervisor binds the same ports at once.
        try session.harness.stop(signal: SIGKILL)
        try session.harness.start()
        #expect(events.waitForExit(timeout: 60), "events kept running after its supervisor was replaced:\n\(events.text)")
        #expect(events.process.terminationStatus == 3, "\(events.text)")
        let second = try session.waitForStatus("the new supervisor") { $0.json["instance"] as? String != first }
        let now = try #require(second.json["instance"] as? String)
        // Mostly the new run answers the ping first; on a slow machine the ping may time out.
        let restarted = "the supervisor of mainpc restarted (instance \(first), now \(now))"
        #expect(events.text.contains(restarted) || events.text.contains("the supervisor of mainpc stopped"), "\(events.text)")
        #expect(!events.text.contains(#""instance":"\#(now)""#), "printed an event of the new run:\n\(events.text)")
        try session.harness.stop()
    }
}

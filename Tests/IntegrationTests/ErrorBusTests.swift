import Foundation
import Testing

/// Real pyzmq PUB sockets report on the error bus the way the legacy agents do, right after
/// their start-up, in every frame shape they use; errors.log and `agent.errors` get each one.
@Suite("error bus", .serialized)
struct ErrorBusTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("legacy/error_publisher.py").path

    @Test("reports sent right after a PUB connects, one frame or multipart, with or without a message, all arrive",
          .timeLimit(.minutes(3)))
    func reportsArrive() throws {
        let ports = try PortAllocator.free(1)
        let harness = try SupervisorHarness(manifest: """
            error_bus: {host: mainpc, port: \(ports[0])}
            defaults:
              host: mainpc
              command: ["\(TestPython.path)", "\(Self.script)"]
              cwd: work
            agents:
              Starter: {env: {REPORTS: publisher, STAY: "1"}}
              Reporter: {env: {REPORTS: "multipart,spaced,text", STAY: "600"}}
              Idle: {command: ["\(TestPython.path)", "-c", "import time; time.sleep(600)"]}
            """)
        defer { harness.cleanUp() }
        try FileManager.default.createDirectory(at: harness.directory.appendingPathComponent("work"), withIntermediateDirectories: true)
        try harness.start()
        try harness.waitForLine("ready: 3/3 agents", timeout: 120)

        // Listen to the event stream first: restart Idle until its state changes show up.
        let events = try harness.background(["events", "--topic", "agent.errors", "--topic", "agent.state"])
        #expect(eventually(timeout: 60) {
            _ = try? harness.run(["restart", "Idle"])
            return events.linesSoFar.contains { $0.contains("\"Idle\"") }
        }, "the events client saw nothing")
        try Data().write(to: harness.directory.appendingPathComponent("work/go"))

        let errorsLog = harness.directory.appendingPathComponent("logs/mainpc/errors.log")
        let expected = [
            "Starter critical startup_failed: {\"reason\":\"Starter could not reach redis\"}",
            "Reporter error timeout: Reporter multipart report",
            "Reporter warning ValueError: Reporter spaced report",
            "unknown error error: Reporter plain text report",
        ]
        #expect(eventually(timeout: 60) {
            let text = harness.text(of: errorsLog)
            return expected.allSatisfy(text.contains)
        }, "errors.log: \(harness.text(of: errorsLog))")

        #expect(eventually(timeout: 30) { events.linesSoFar.filter { $0.contains("\"agent.errors\"") }.count >= 4 })
        let published = events.linesSoFar.compactMap { line -> [String: Any]? in
            guard line.contains("\"agent.errors\"") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
        #expect(published.allSatisfy { $0["source"] as? String == "error_bus" }, "\(published)")
        #expect(Set(published.compactMap { $0["message"] as? String }) == [
            "{\"reason\":\"Starter could not reach redis\"}", "Reporter multipart report", "Reporter spaced report",
            "Reporter plain text report",
        ])
        #expect(published.contains { $0["agent"] as? String == "Starter" && $0["severity"] as? String == "critical" })
        try harness.stop()
    }
}

import Foundation
import Testing

/// The daemon's memory under a flood of garbage. Before, 100 000 malformed frames with one
/// event subscriber that did not read took it from 34 MB to 73 MB (every refusal was published
/// and 100 000 events were queued for that subscriber), and clients that sent without reading
/// left ~50 MB more behind (10 000 requests queued per client, freed into a fragmented heap).
extension ProtocolRobustnessTests {
    @Test("60 000 malformed frames, a stalled subscriber, silent and 900 KB clients: RSS grows by under 10 MB",
          .timeLimit(.minutes(5)))
    func memoryUnderGarbage() throws {
        let fixture = try ProtocolFixture(ports: 1) { ports in
            """
            agents:
              alpha:
                host: mainpc
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
                health: {kind: zmq, port: \(ports[0])}
            """
        }
        defer { fixture.cleanUp() }
        try fixture.start(readyLine: "ready: 1/1")
        let pid = try #require(fixture.harness.process?.processIdentifier)
        let before = try fixture.pids()

        let run = try fixture.python("flood.py", [
            fixture.endpoint, "\(pid)", "--frames", "60000", "--stalled-subscriber",
            "--silent-clients", "4", "--silent-frames", "5000", "--large", "100", "--timeout", "200",
        ], timeout: 260)
        let flood = run.json
        print("flood: \(flood["elapsed"]) s; RSS \(flood["rss_before"]) KB -> \(flood["rss_after"]) KB (peak \(flood["rss_peak"]) KB)")
        #expect(flood["sent"].int == 60_000, "\(run.stderr)")
        #expect(flood["replies"].int == 60_000, "every frame read its refusal")
        #expect(flood["large_replies"].int == 100)
        #expect(flood["stalled_subscriber"].bool == true)
        let growth = (flood["rss_after"].int ?? 0) - (flood["rss_before"].int ?? 0)
        #expect(flood["rss_before"].int ?? 0 > 0)
        #expect(growth < 10_000, "RSS grew by \(growth) KB: \(flood["rss_samples"])")

        // The refusals were summed up, not published one by one, and the daemon is fine.
        #expect(flood["final_ping"]["ok"].bool == true)
        try fixture.harness.waitForLine("control: ", "more refused requests in the last 1 s were not announced one by one")
        let status = fixture.agents(try fixture.status())
        #expect(status["alpha"]?["state"].string == "ready")
        #expect(status["alpha"]?["pid"].int.map(Int32.init) == before["alpha"])
        #expect(try fixture.harness.stop() == 0)
    }
}

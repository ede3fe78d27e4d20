import Foundation
import Testing

/// `logs` of several agents, `group:` and `all`: merged in time order with a name prefix,
/// `--since`, and `-f` of several files.
extension ControlCommandLineTests {
    /// Two ticking agents of group `talk` and one quiet agent of group `other`.
    static func chattyManifest(_ ports: [Int]) -> String {
        """
        defaults:
          host: mainpc
          health: {kind: zmq}
        agents:
          alpha:
            group: talk
            command: [\(sim), "--print-every", "200ms", "--line-text", "alpha says {n}"]
            health: {port: \(ports[0])}
          beta:
            group: talk
            command: [\(sim), "--print-every", "300ms", "--line-text", "beta says {n}"]
            health: {port: \(ports[1])}
          quiet:
            group: other
            command: [\(sim)]
            health: {port: \(ports[2])}
        """
    }

    @Test("logs of two agents, group: and all: one stream in time order, each line after its agent's name")
    func logsOfManyAgents() throws {
        let ports = try PortAllocator.free(3)
        let session = try Session(manifest: Self.chattyManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        _ = try session.waitForStates(["alpha": "ready", "beta": "ready", "quiet": "ready"])
        let betaLog = session.harness.agentLog("beta")
        try #require(eventually(timeout: 60) {
            ((try? String(contentsOf: betaLog, encoding: .utf8)) ?? "").contains("beta says 8")
        }, "beta did not tick")

        let both = try session.cli(["logs", "alpha", "beta", "-n", "5"])
        #expect(both.status == 0, "\(both)")
        #expect(both.lines.count == 10, "\(both)")
        #expect(both.lines.filter { $0.hasPrefix("alpha | ") }.count == 5 && both.lines.filter { $0.hasPrefix("beta  | ") }.count == 5, "\(both)")
        let stamps = both.lines.map { String($0.dropFirst("alpha | ".count).prefix(24)) }
        #expect(stamps == stamps.sorted(), "not in time order: \(both)")
        #expect(!both.stdout.contains("\u{1B}"), "colour codes into a pipe: \(both)")

        let group = try session.cli(["logs", "group:talk", "-n", "2"])
        #expect(group.status == 0 && Set(group.lines.map { String($0.prefix(8)) }) == ["alpha | ", "beta  | "], "\(group)")
        let all = try session.cli(["logs", "all", "-n", "1", "--color", "always"])
        #expect(all.status == 0 && all.lines.count == 3 && all.stdout.contains("\u{1B}["), "\(all)")
        #expect(try session.cli(["logs", "group:nope"]).status == 4)

        // One agent: the file's lines as they are, no prefix.
        let one = try session.cli(["logs", "alpha", "-n", "3"])
        #expect(one.lines.count == 3 && one.lines.allSatisfy { $0.hasPrefix("20") }, "\(one)")

        // --since: lines older than then are left out; a time in the future leaves none.
        let recent = try session.cli(["logs", "alpha", "beta", "--since", "2s"])
        #expect(recent.status == 0 && !recent.lines.isEmpty && recent.lines.count < 40, "\(recent)")
        let cutoff = String(try #require(recent.lines.first).dropFirst(8).prefix(24))
        #expect(both.lines.allSatisfy { String($0.dropFirst(8).prefix(24)) <= cutoff || recent.stdout.contains($0) }, "\(recent)")
        let future = try session.cli(["logs", "alpha", "--since", "2999-01-01T00:00:00Z"])
        #expect(future.status == 0 && future.stdout.isEmpty, "\(future)")
        #expect(try session.cli(["logs", "alpha", "--since", "yesterday"]).status == 2)

        // --json: one object per line, the timestamp and stream taken apart, no prefix.
        let json = try session.cli(["logs", "alpha", "beta", "-n", "2", "--json"])
        #expect(json.status == 0 && json.lines.count == 4, "\(json)")
        for line in json.lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["host"] as? String == "mainpc" && ["alpha", "beta"].contains(object["agent"] as? String ?? ""), "\(line)")
            #expect((object["time"] as? String)?.count == 24 && object["stream"] as? String == "out", "\(line)")
            #expect((object["line"] as? String)?.contains("says") == true, "\(line)")
        }

        // -f of two agents prints new lines of both.
        let follow = try session.background(["logs", "alpha", "beta", "-n", "0", "-f"])
        #expect(eventually(timeout: 60) {
            let text = follow.text
            return text.contains("alpha | ") && text.contains("beta  | ") && text.contains("says")
        }, "\(follow.text)")
        follow.terminate()
        try session.harness.stop()
    }
}

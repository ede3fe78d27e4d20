import Foundation
import Testing

/// 30 agents crash-looping under `up --max-concurrent-starts 4`, each busy until it crashes (as
/// an interpreter importing its packages): never more than 4 spawned and not yet exited at
/// once, the rest wait their turn (shown in status), and status keeps answering throughout.
@Suite("restart storms", .serialized)
struct StartStormTests {
    static let agents = 30
    static let limit = 4

    @Test("a crash storm stays within the start bound and status keeps answering", .timeLimit(.minutes(3)))
    func crashStormIsBounded() throws {
        let names = (1...Self.agents).map { "Crashy\($0)" }
        // A busy start holds its slot until its process exits (the settle time is far longer,
        // and a busy process never goes quiet).
        let harness = try SupervisorHarness(manifest: """
            start_settle: 60s
            defaults:
              host: mainpc
              command: [/bin/sh, -c, "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; echo 'fatal: cannot reach the model manager' >&2; exit 1"]
              health: {kind: none, start_period: 10s}
              restart: {max_restarts: 100000, window: 60s, backoff: {initial: 100ms, factor: 1, max: 100ms}}
            agents:
            \(names.map { "  \($0): {}" }.joined(separator: "\n"))
            """)
        defer { harness.cleanUp() }
        try harness.start(extraArguments: ["--max-concurrent-starts", String(Self.limit)])
        try harness.waitForLine("; waiting: ", "agents starting (max_concurrent_starts \(Self.limit))", timeout: 60)

        // Status answers, again and again, while the storm goes on (until every agent has run
        // twice); it shows the bound.
        var answered = 0
        var sawQueued = false
        var sawTableReason = false
        let deadline = Date().addingTimeInterval(120)
        var round = 0
        while Date() < deadline {
            if round >= 12 && names.allSatisfy({ harness.pids(of: $0).count >= 2 }) { break }
            round += 1
            let reply = try harness.run(["status", "mainpc", "--json"])
            #expect(reply.status == 0, "\(reply.output)")
            let data = try #require(try JSONSerialization.jsonObject(with: Data(reply.output.utf8)) as? [String: Any])
            answered += 1
            let starts = try #require(data["starts"] as? [String: Any])
            #expect(starts["limit"] as? Int == Self.limit)
            #expect((starts["starting"] as? Int ?? 0) <= Self.limit)
            let agents = try #require(data["agents"] as? [[String: Any]])
            #expect(agents.filter { $0["state"] as? String == "starting" }.count <= Self.limit)
            sawQueued = sawQueued || agents.contains {
                (($0["start_queue"] as? [String: Any])?["reason"] as? String)?.hasSuffix("(max_concurrent_starts \(Self.limit))") == true
            }
            if round % 4 == 0 {
                let table = try harness.run(["status", "mainpc"])
                #expect(table.status == 0)
                sawTableReason = sawTableReason || table.output.contains("waiting: ")
                    && table.output.contains("starting (max_concurrent_starts \(Self.limit))")
            }
        }
        #expect(answered == round && answered >= 12)
        #expect(sawQueued, "some agent waited for a start slot")
        #expect(sawTableReason, "the table says why an agent waits")
        #expect(try harness.stop() == 0)

        // Replayed from the log: spawned and not yet exited never exceeded the bound, and every
        // agent ran more than once (nobody starves).
        var live = 0
        var most = 0
        var spawns: [String: Int] = [:]
        for line in harness.logText().split(separator: "\n") {
            guard let name = names.first(where: { line.contains(" \($0) spawned pid ") || line.contains(" \($0) exited: ") }) else {
                continue
            }
            if line.contains(" spawned pid ") {
                live += 1
                spawns[name, default: 0] += 1
            } else {
                live -= 1
            }
            most = max(most, live)
        }
        #expect(most <= Self.limit, "at most \(Self.limit) starting at once; the log shows \(most)")
        #expect(most == Self.limit)
        #expect(names.allSatisfy { (spawns[$0] ?? 0) >= 2 }, "\(spawns)")
    }
}

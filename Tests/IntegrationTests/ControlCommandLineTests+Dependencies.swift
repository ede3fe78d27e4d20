import Foundation
import Testing

/// Dependency conditions with real processes: a dependent that does not require a root that
/// fails at once starts without it, `up --keep-going` starts the dependents of a required one,
/// and an exit 0 is told as such.
extension ControlCommandLineTests {
    /// `root` exits 1 at once and gives up after one restart; `optional` does not require it,
    /// `strict` does; `quitter` exits 0 a moment after it is ready.
    static func dependencyManifest(_ ports: [Int]) -> String {
        """
        defaults:
          host: mainpc
          command: [\(sim)]
          health: {kind: zmq}
        agents:
          root:
            command: ["sh", "-c", "exit 1"]
            health: {kind: none}
            restart: {max_restarts: 1, backoff: {initial: 0s}}
          optional:
            health: {port: \(ports[0])}
            depends_on: [{name: root, required: false}]
          strict:
            health: {port: \(ports[1])}
            depends_on: [root]
          quitter:
            command: ["sh", "-c", "sleep 1; exit 0"]
            health: {kind: none, start_period: 200ms}
        """
    }

    @Test("a dependent that does not require a failed root starts without it and says so; one that requires it waits")
    func optionalDependencyOfFailedRoot() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.dependencyManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        let snapshot = try session.waitForStates(["root": "failed", "optional": "ready", "strict": "waiting", "quitter": "exited"])
        let optional = try #require(snapshot.agent("optional"))
        #expect(optional["started_without"] as? [String] == ["root"], "\(optional)")
        #expect(optional["started_without_detail"] as? String == "started without root (failed)", "\(optional)")
        #expect(snapshot.agent("strict")?["blocked_by"] as? [String] == ["root"])
        #expect(snapshot.agent("strict")?["started_without"] == nil)
        let quitter = try #require(snapshot.agent("quitter"))
        let reason = quitter["state_reason"] as? String ?? ""
        #expect(reason.hasPrefix("exited 0 after being ready ") && reason.hasSuffix(" s; policy on-failure does not restart it"), "\(quitter)")

        let table = try session.cli(["status", "mainpc"])
        let rows = try #require(StatusTableText(table.stdout), "\(table)")
        #expect(rows.row("optional")?["HEALTH"] == "ok; started without root (failed)", "\(table)")
        #expect(rows.row("quitter")?["HEALTH"]?.hasPrefix("exited 0 after being ready") == true, "\(table)")

        let log = session.harness.logText()
        #expect(log.contains("optional: waiting -> starting (started without root (failed))"), "\(log)")
        #expect(log.contains("optional: started without root (failed)"), "the start-up summary names it: \(log)")
        #expect(log.contains("blocked: strict (waits for root)"), "\(log)")
        try session.harness.stop()
    }

    @Test("up --keep-going starts the dependents of a failed required dependency")
    func keepGoing() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.dependencyManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.harness.start(extraArguments: ["--keep-going"])
        let snapshot = try session.waitForStates(["root": "failed", "optional": "ready", "strict": "ready"])
        let strict = try #require(snapshot.agent("strict"))
        #expect(strict["started_without"] as? [String] == ["root"], "\(strict)")
        #expect(strict["started_without_detail"] as? String == "started without root (failed; --keep-going)", "\(strict)")
        #expect(snapshot.agent("optional")?["started_without_detail"] as? String == "started without root (failed)")
        #expect(!session.harness.logText().contains("blocked:"))
        try session.harness.stop()
    }
}

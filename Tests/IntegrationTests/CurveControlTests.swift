import Foundation
import Testing

/// CurveZMQ on the control and event sockets, through the CLI as a user would run it: keys from
/// `supervisor keys init`, a supervisor started with `--curve`, and clients with the right key,
/// no key, a revoked key, a read key asking for `stop`, and a wrong server key.
@Suite("CurveZMQ control", .serialized)
struct CurveControlTests {
    @Test("the right key works; no key, a revoked key, a wrong server key and a read key asking for stop are refused and logged")
    func keysAndRights() throws {
        let port = try PortAllocator.free()
        let harness = try SupervisorHarness(manifest: """
            agents:
              solo:
                host: mainpc
                command: [\(SupervisorHarness.agentSimPath)]
                health: {kind: zmq, port: \(port)}
            """)
        defer { harness.cleanUp() }
        let initialized = try harness.run(["keys", "init", "--client", "admin:admin", "--client", "monitor:read", "--client", "intruder:admin"])
        #expect(initialized.status == 0, "\(initialized.output)")
        // Revoke `intruder`: its key files stay, its authorized line goes.
        let authorized = harness.directory.appendingPathComponent("keys/authorized")
        let kept = harness.text(of: authorized).split(separator: "\n").filter { !$0.hasPrefix("intruder ") }
        try (kept.joined(separator: "\n") + "\n").write(to: authorized, atomically: true, encoding: .utf8)
        // A second key directory: its mainpc.pub is not the running supervisor's key.
        #expect(try harness.run(["keys", "init", "--keys", "otherkeys"]).status == 0)

        try harness.start(extraArguments: ["--curve", "--no-cgroups"])
        try harness.waitForLine("ready: 1/1")
        try harness.waitForLine("CurveZMQ, keys in keys/authorized")

        let admin = try harness.run(["status", "mainpc", "--key", "admin"])
        #expect(admin.status == 0, "\(admin.output)")
        #expect(admin.output.contains("solo"))
        let monitor = try harness.run(["status", "mainpc", "--key", "monitor"])
        #expect(monitor.status == 0, "\(monitor.output)")

        let noKey = try harness.run(["status", "mainpc"])
        #expect(noKey.status != 0)
        #expect(noKey.output.contains("requires a CurveZMQ key"), "\(noKey.output)")
        // The refused client may reset the connection before the supervisor read its greeting.
        #expect(eventually(timeout: 60) {
            !harness.lines("control: refused", "the client did not use CurveZMQ (no key)").isEmpty
                || !harness.lines("control: refused", "ended during the CurveZMQ handshake").isEmpty
        }, "\(harness.logText())")

        let revoked = try harness.run(["status", "mainpc", "--key", "intruder"])
        #expect(revoked.status != 0)
        #expect(revoked.output.contains("refused key 'intruder'"), "\(revoked.output)")
        try harness.waitForLine("control: refused key", "not in keys/authorized")

        let wrongServer = try harness.run(["status", "mainpc", "--keys", "otherkeys", "--key", "admin"])
        #expect(wrongServer.status != 0)
        #expect(wrongServer.output.contains("CurveZMQ handshake with the supervisor of mainpc failed"), "\(wrongServer.output)")
        try harness.waitForLine("control: refused", "CurveZMQ handshake failed")

        let readStop = try harness.run(["stop", "solo", "--key", "monitor"])
        #expect(readStop.status == 1, "\(readStop.output)")
        #expect(readStop.output.contains("stop needs the admin right; key 'monitor' has only the read right"), "\(readStop.output)")
        try harness.waitForLine("control: refused stop from key monitor")
        #expect(harness.lines("solo: ready -> stopping").isEmpty)

        // The event stream takes the same keys; the admin key may stop.
        let events = try harness.background(["events", "mainpc", "--key", "monitor", "--topic", "system.commands", "--count", "1"])
        var seen: [String] = []
        for _ in 0..<300 where seen.isEmpty {
            // Until the subscription has reached the supervisor, events are not delivered.
            _ = try harness.run(["ping", "mainpc", "--key", "admin"])
            _ = eventually(timeout: 0.5) { !events.linesSoFar.isEmpty }
            seen = events.linesSoFar
        }
        #expect(seen.first?.contains("\"client\":\"key admin from 127.0.0.1") == true, "\(seen)")
        let stop = try harness.run(["stop", "solo", "--key", "admin"])
        #expect(stop.status == 0, "\(stop.output)")
        try harness.waitForLine("solo: ready -> stopping")
        #expect(try harness.stop() == 0)
    }
}

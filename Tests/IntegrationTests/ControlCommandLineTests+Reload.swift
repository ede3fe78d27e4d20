import Foundation
import Testing

/// `reload` after editing agents.yaml.
extension ControlCommandLineTests {
    /// `store`, `api` (needs store) and `legacy`; the edit changes api's command, removes
    /// legacy and adds `fresh`. `apiExtra`, `apiGroup` and `storeHealthExtra` are spliced into the text.
    static func reloadManifest(_ ports: [Int], apiExtra: String = "", apiGroup: String = "api", storeHealthExtra: String = "",
                               replacing: String? = nil) -> String {
        let last = replacing ?? """
              legacy:
                command: ["/bin/sleep", "1000"]
                health: {kind: none, start_period: 100ms}
            """
        return """
            defaults:
              host: mainpc
              health: {kind: zmq}
            agents:
              store:
                command: [\(sim)]
                health: {port: \(ports[0])\(storeHealthExtra)}
              api:
                command: [\(sim)\(apiExtra)]
                group: \(apiGroup)
                health: {port: \(ports[1])}
                depends_on: [store]
            \(last)
            """
    }

    private func writeManifest(_ text: String, in session: Session) throws {
        try text.write(to: session.directory.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)
    }

    @Test("reload: an added agent starts, a removed one stops, a changed one restarts, the others keep their pids")
    func reloadAppliesEdits() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.reloadManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        let before = try session.waitForStates(["store": "ready", "api": "ready", "legacy": "ready"])
        let store = try #require(before.pid("store"))
        let api = try #require(before.pid("api"))
        let legacy = try #require(before.pid("legacy"))

        #expect(before.agent("api")?["group"] as? String == "api")

        // The new group shows in status: the spec's fields encoded at the first status are
        // encoded again after a reload.
        try writeManifest(Self.reloadManifest(ports, apiExtra: #", "--ready-after", "50ms""#, apiGroup: "web", replacing: """
              fresh:
                command: ["/bin/sleep", "1000"]
                health: {kind: none, start_period: 100ms}
            """), in: session)
        let reload = try session.cli(["reload", "mainpc"])
        #expect(reload.status == 0, "\(reload)")
        #expect(reload.lines == ["mainpc: added fresh; removed legacy; changed api; 1 unchanged"], "\(reload)")

        let after = try session.waitForStatus("fresh ready, legacy gone, api ready with a new pid") { snapshot in
            snapshot.names == ["store", "api", "fresh"] && snapshot.state("fresh") == "ready"
                && snapshot.state("api") == "ready" && snapshot.pid("api").map { $0 != api } == true
        }
        #expect(eventually { !processIsAlive(legacy) }, "the removed agent's process is still running")
        #expect(!processIsAlive(api))
        #expect(after.pid("store") == store && processIsAlive(store), "an unchanged agent was restarted")
        #expect(session.harness.pids(of: "store") == [store])
        #expect(after.pid("fresh") == session.harness.pids(of: "fresh").last)
        #expect(after.agent("api")?["group"] as? String == "web", "status still shows the group from before the reload")
        #expect(session.harness.pids(of: "legacy") == [legacy])

        let unknown = try session.cli(["status", "mainpc", "legacy"])
        #expect(unknown.status == 4, "a removed agent is unknown: \(unknown)")
        try session.harness.stop()
    }

    @Test("reload of a manifest with an error: non-zero exit, the error with file:line, nothing changed")
    func reloadRefusesABrokenManifest() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.reloadManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        let before = try session.waitForStates(["store": "ready", "api": "ready", "legacy": "ready"])
        let spawned = session.harness.lines(" spawned pid ").count

        // The bad duration is on store's health line; api's command changes too, and must not restart.
        let broken = Self.reloadManifest(ports, apiExtra: #", "--ready-after", "50ms""#, storeHealthExtra: ", interval: 5x")
        let line = try #require(broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("5x") }) + 1
        try writeManifest(broken, in: session)
        let reload = try session.cli(["reload", "mainpc"])
        #expect(reload.status != 0, "\(reload)")
        #expect(reload.output.contains("agents.yaml:\(line): error:"), "\(reload)")
        #expect(reload.output.contains("bad duration \"5x\""), "\(reload)")
        #expect(reload.output.contains("nothing was changed"), "\(reload)")

        let after = try #require(try session.snapshot())
        #expect(after.names == ["store", "api", "legacy"])
        for name in ["store", "api", "legacy"] {
            #expect(after.state(name) == "ready", "\(name)")
            #expect(after.pid(name) != nil && after.pid(name) == before.pid(name), "\(name) was restarted")
        }
        #expect(session.harness.lines(" spawned pid ").count == spawned)
        try session.harness.stop()
    }
}

import Foundation
import Testing

/// How the verbs find agents.yaml, hosts and the keys when not told, run as a user runs them:
/// the built binary in a subfolder, with $SUPERVISOR_MANIFEST, with --manifest elsewhere.
@Suite("manifest discovery", .serialized)
struct ManifestDiscoveryTests {
    static let manifest = """
        agents:
          a: {host: mainpc, command: [/bin/sleep, "1000"], health: {kind: none, start_period: 100ms}}
        """

    /// Runs `supervisor ARGS` with `directory` as its current folder.
    static func run(
        _ harness: SupervisorHarness, in directory: URL, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        try harness.runProgram("/usr/bin/env", ["-C", directory.path, SupervisorHarness.supervisorPath] + arguments, environment: environment)
    }

    /// A new empty folder inside the harness folder.
    static func folder(_ harness: SupervisorHarness, _ path: String) throws -> URL {
        let url = harness.directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A hosts file that does not list mainpc: read by mistake, it makes `check` fail.
    static let wrongHosts = "other 127.0.0.1 7999\n"

    @Test("from a subfolder the verbs find ../../agents.yaml and the hosts beside it")
    func parentFolder() throws {
        let harness = try SupervisorHarness(manifest: Self.manifest)
        defer { harness.cleanUp() }
        let sub = try Self.folder(harness, "a/b")
        let manifestPath = harness.directory.appendingPathComponent("agents.yaml").standardizedFileURL.path
        let check = try Self.run(harness, in: sub, ["check"])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("\(manifestPath): 1 agents (mainpc: 1)"), "\(check.output)")
        let plan = try Self.run(harness, in: sub, ["plan", "mainpc"])
        #expect(plan.status == 0 && plan.output.contains("host mainpc: 1 agent in 1 level"), "\(plan.output)")
        // status (its quick path and ArgumentParser's) reads the hosts beside the manifest: the
        // host is known, and nothing runs there (exit 3, not 2 or 4).
        for arguments in [["status", "mainpc"], ["status", "mainpc", "--color=never"]] {
            let status = try Self.run(harness, in: sub, arguments)
            #expect(status.status == 3, "\(arguments): \(status.output)")
        }
    }

    @Test("$SUPERVISOR_MANIFEST names a manifest elsewhere; its hosts and $SUPERVISOR_HOSTS")
    func environmentVariable() throws {
        let harness = try SupervisorHarness(manifest: Self.manifest)
        defer { harness.cleanUp() }
        let elsewhere = try Self.folder(harness, "elsewhere")
        try Self.wrongHosts.write(to: elsewhere.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let manifestPath = harness.directory.appendingPathComponent("agents.yaml").path
        let check = try Self.run(harness, in: elsewhere, ["check"], environment: ["SUPERVISOR_MANIFEST": manifestPath])
        #expect(check.status == 0 && check.output.contains("\(manifestPath): 1 agents"), "\(check.output)")
        // $SUPERVISOR_HOSTS wins over the hosts beside the manifest, --hosts over both.
        let wrong = elsewhere.appendingPathComponent("hosts").path
        let named = try Self.run(harness, in: elsewhere, ["check"], environment: ["SUPERVISOR_MANIFEST": manifestPath, "SUPERVISOR_HOSTS": wrong])
        #expect(named.status == 1 && named.output.contains("mainpc"), "\(named.output)")
        let right = harness.directory.appendingPathComponent("hosts").path
        let flag = try Self.run(
            harness, in: elsewhere, ["check", "--hosts", right], environment: ["SUPERVISOR_MANIFEST": manifestPath, "SUPERVISOR_HOSTS": wrong])
        #expect(flag.status == 0, "\(flag.output)")
    }

    @Test("--manifest in another folder reads the hosts beside it, not the current folder's")
    func manifestOption() throws {
        let harness = try SupervisorHarness(manifest: Self.manifest)
        defer { harness.cleanUp() }
        let work = try Self.folder(harness, "work")
        try Self.wrongHosts.write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        try "agents: {}\n".write(to: work.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)
        for manifest in ["../agents.yaml", harness.directory.appendingPathComponent("agents.yaml").path] {
            let check = try Self.run(harness, in: work, ["check", "--manifest", manifest])
            #expect(check.status == 0 && check.output.contains("\(manifest): 1 agents"), "\(manifest): \(check.output)")
            let status = try Self.run(harness, in: work, ["status", "mainpc", "--manifest", manifest])
            #expect(status.status == 3, "\(manifest): \(status.output)")
        }
    }

    @Test("no manifest anywhere: one message saying where it looked, exit 2")
    func notFound() throws {
        let harness = try SupervisorHarness(manifest: Self.manifest)
        defer { harness.cleanUp() }
        // A folder none of whose parents holds an agents.yaml (the harness's own is beside it).
        let empty = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("no-manifest-\(UUID().uuidString.prefix(8))/deep")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty.deletingLastPathComponent()) }
        let parents = sequence(first: empty.deletingLastPathComponent()) { $0.path == "/" ? nil : $0.deletingLastPathComponent() }
        let stray = parents.map { $0.appendingPathComponent("agents.yaml").path }.filter { FileManager.default.fileExists(atPath: $0) }
        try #require(stray.isEmpty, "an agents.yaml above the test folder would be found: \(stray)")
        for arguments in [["check"], ["plan", "mainpc"], ["status"], ["status", "--json"], ["stop", "a"], ["export", "systemd"]] {
            let result = try Self.run(harness, in: empty, arguments)
            #expect(result.status == 2, "\(arguments): \(result.output)")
            #expect(result.output.contains("no agents.yaml found in \(empty.path) or any parent folder up to /"), "\(arguments): \(result.output)")
            #expect(result.output.contains("--manifest PATH") && result.output.contains("SUPERVISOR_MANIFEST"), "\(result.output)")
            #expect(result.output.split(separator: "\n").count == 1, "\(arguments): \(result.output)")
        }
        // A hosts file named is enough for the host-wide verbs: no supervisor runs (3).
        let hosts = harness.directory.appendingPathComponent("hosts").path
        #expect(try Self.run(harness, in: empty, ["status", "--hosts", hosts]).status == 3)
        // --help needs no manifest.
        #expect(try Self.run(harness, in: empty, ["status", "--help"]).status == 0)
    }

    @Test("the client verbs' keys are the ones beside the manifest")
    func keysBesideManifest() throws {
        let harness = try SupervisorHarness(manifest: Self.manifest)
        defer { harness.cleanUp() }
        let keys = try harness.run(["keys", "init"])
        try #require(keys.status == 0, "\(keys.output)")
        let sub = try Self.folder(harness, "sub")
        // The admin key is found (a missing key is exit 2); nothing runs on mainpc: exit 3.
        let status = try Self.run(harness, in: sub, ["status", "mainpc", "--key", "admin"])
        #expect(status.status == 3, "\(status.output)")
        let stop = try Self.run(harness, in: sub, ["stop", "a", "--key", "admin"])
        #expect(stop.status == 3, "\(stop.output)")
        let missing = try Self.run(harness, in: sub, ["status", "mainpc", "--key", "admin", "--keys", sub.appendingPathComponent("keys").path])
        #expect(missing.status == 2, "\(missing.output)")
    }

    @Test("up --detach from a subfolder: logs and run files beside the manifest; down from there too", .timeLimit(.minutes(3)))
    func detachFromSubfolder() throws {
        let harness = try SupervisorHarness(manifest: Self.manifest)
        defer { UpAllTests.killDetachedSupervisors(of: harness) }
        let sub = try Self.folder(harness, "sub")
        for manifest in [nil, "../agents.yaml"] {
            let arguments = ["up", "mainpc", "--detach"] + (manifest.map { ["--manifest", $0] } ?? [])
            let up = try Self.run(harness, in: sub, arguments, environment: [SupervisorHarness.runMarker: harness.directory.path])
            #expect(up.status == 0, "\(arguments): \(up.output)")
            #expect(harness.logText().contains(" a spawned pid "), "\(harness.logText())")
            #expect(FileManager.default.fileExists(atPath: harness.directory.appendingPathComponent("run/mainpc.lock").path))
            #expect(!FileManager.default.fileExists(atPath: sub.appendingPathComponent("logs").path))
            let status = try Self.run(harness, in: sub, ["status", "mainpc"])
            #expect(status.status == 0 && status.output.contains("ready"), "\(status.output)")
            let down = try Self.run(harness, in: sub, ["down", "mainpc"])
            #expect(down.status == 0, "\(down.output)")
            #expect(eventually(timeout: 30) { (try? Self.run(harness, in: sub, ["status", "mainpc"]).status) == 3 })
        }
    }
}

import Foundation
import Testing

/// Two supervisors as two hosts, each in its own network namespace with its own address: a pc2
/// agent waits for a mainpc agent, and a cut link is shown without stopping anything.
@Suite("two hosts", .serialized)
struct TwoHostTests {
    /// One folder with agents.yaml and hosts, shared by both supervisors (as `up --all` does).
    final class Deployment: @unchecked Sendable {
        let directory: URL
        let link: NetworkLink
        private(set) var supervisors: [String: Process] = [:]

        init(link: NetworkLink, manifest: String, hosts: String) throws {
            self.link = link
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("supervisor-2h-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try manifest.write(to: directory.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)
            try hosts.write(to: directory.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        }

        func index(_ host: String) -> Int { host == "mainpc" ? 0 : 1 }

        /// `supervisor up HOST` on that host, in the background.
        func up(_ host: String, _ extra: [String] = []) throws {
            let argv = link.command(on: index(host), [SupervisorHarness.supervisorPath, "up", host] + extra)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: argv[0])
            child.arguments = Array(argv.dropFirst())
            child.currentDirectoryURL = directory
            let console = directory.appendingPathComponent("console-\(host).log")
            FileManager.default.createFile(atPath: console.path, contents: nil)
            let handle = try FileHandle(forWritingTo: console)
            child.standardOutput = handle
            child.standardError = handle
            try child.run()
            supervisors[host] = child
        }

        /// A CLI verb run on host `on`.
        @discardableResult
        func cli(on host: String, _ arguments: [String]) -> (status: Int32, output: String) {
            let argv = link.command(on: index(host), [SupervisorHarness.supervisorPath] + arguments)
            // The admin key from `keys init` (needed explicitly where the hosts are on loopback).
            return NetworkLink.run(argv[0], Array(argv.dropFirst()), in: directory, environment: ["SUPERVISOR_KEY": "admin"])
        }

        /// The `status --json` reply of a host, asked from that host.
        func status(_ host: String) throws -> [String: Any] {
            let result = cli(on: host, ["status", host, "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            return try #require(object, "status \(host): \(result.output)")
        }

        func agent(_ name: String, in status: [String: Any]) -> [String: Any]? {
            (status["agents"] as? [[String: Any]])?.first { $0["name"] as? String == name }
        }

        func log(_ host: String) -> String {
            (try? String(contentsOf: directory.appendingPathComponent("logs/\(host)/supervisor.log"), encoding: .utf8)) ?? ""
        }

        func lines(_ host: String, _ fragment: String) -> [String] {
            log(host).split(separator: "\n").map(String.init).filter { $0.contains(fragment) }
        }

        /// Waits until `host`'s log has at least `count` lines containing `fragment`.
        func waitForLines(_ host: String, _ fragment: String, count: Int = 1, timeout: TimeInterval = 60) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if lines(host, fragment).count >= count { return }
                if let process = supervisors[host], !process.isRunning { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            let console = (try? String(contentsOf: directory.appendingPathComponent("console-\(host).log"), encoding: .utf8)) ?? ""
            throw HarnessError.timeout(waitingFor: "\(count)x '\(fragment)' in \(host)'s log", log: log(host) + "\nconsole:\n" + console)
        }

        func tearDown() {
            for (_, process) in supervisors where process.isRunning {
                kill(process.processIdentifier, SIGCONT)
                kill(process.processIdentifier, SIGTERM)
            }
            let deadline = Date().addingTimeInterval(30)
            for (_, process) in supervisors {
                while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            link.remove()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// The ISO-8601 timestamp that starts a log line, as a comparable string.
    static func time(of line: String) -> String { String(line.prefix { $0 != " " }) }

    @Test("a pc2 agent waits for its mainpc dependency even when pc2 starts first; a cut link stops nothing and is reconciled")
    func remoteDependencyAcrossTwoHosts() throws {
        let link = NetworkLink.make()
        if let reason = link.fallbackReason {
            print("two hosts: no network namespaces (\(reason)); using two loopback addresses and a frozen supervisor as the cut")
        }
        let ports = link.usesNamespaces ? [7700, 7710, 17000, 17001] : try PortAllocator.free(4)
        let agentSim = SupervisorHarness.agentSimPath
        let manifest = """
            agents:
              Base:
                host: mainpc
                command: [\(agentSim), --ready-after, 1500ms]
                health: {kind: zmq, port: \(ports[2]), interval: 1s}
              User:
                host: pc2
                command: [\(agentSim)]
                health: {kind: zmq, port: \(ports[3]), interval: 1s}
                depends_on: [mainpc/Base]
            """
        let hosts = "mainpc \(link.addresses[0]) \(ports[0])\npc2 \(link.addresses[1]) \(ports[1])\n"
        let deployment = try Deployment(link: link, manifest: manifest, hosts: hosts)
        defer { deployment.tearDown() }
        // Non-loopback addresses: control, events and the supervisors' own subscriptions use
        // CurveZMQ, with the keys `keys init` makes (hosts follow each other with their host keys).
        let keys = deployment.cli(on: "mainpc", ["keys", "init"])
        #expect(keys.status == 0, "\(keys.output)")
        let extra = link.usesNamespaces ? ["--no-cgroups"] : ["--no-cgroups", "--curve"]

        // pc2 first: its agent waits, and mainpc is reported unreachable.
        try deployment.up("pc2", extra)
        try deployment.waitForLines("pc2", "host mainpc is unreachable")
        #expect(!deployment.lines("pc2", "through the supervisor of mainpc").filter { $0.contains("(CurveZMQ as key pc2)") }.isEmpty)
        let waiting = try deployment.status("pc2")
        #expect(deployment.agent("User", in: waiting)?["state"] as? String == "waiting")
        #expect((waiting["remote_hosts"] as? [String: String])?["mainpc"] == "unreachable")
        let table = deployment.cli(on: "pc2", ["status", "pc2"])
        #expect(table.output.contains("waiting for mainpc/Base (host unreachable)"), "\(table.output)")

        // mainpc comes up: User starts only after Base is ready.
        try deployment.up("mainpc", extra)
        try deployment.waitForLines("pc2", "User: starting -> ready")
        let baseReady = try #require(deployment.lines("mainpc", "Base: starting -> ready").first)
        let userSpawned = try #require(deployment.lines("pc2", "User spawned pid").first)
        #expect(Self.time(of: baseReady) <= Self.time(of: userSpawned), "Base ready \(baseReady); User spawned \(userSpawned)")
        #expect(deployment.lines("pc2", "User spawned pid").count == 1)
        let running = try deployment.status("pc2")
        let userPid = try #require(deployment.agent("User", in: running)?["pid"] as? Int)

        // Cut the link: pc2 says mainpc is unreachable and keeps User running.
        let mainpcPid = try #require(deployment.supervisors["mainpc"]?.processIdentifier)
        link.cut(orFreeze: mainpcPid)
        try deployment.waitForLines("pc2", "host mainpc is unreachable", count: 2)
        let cut = try deployment.status("pc2")
        let user = try #require(deployment.agent("User", in: cut))
        #expect(user["state"] as? String == "ready")
        #expect(user["pid"] as? Int == userPid)
        #expect((cut["remote_hosts"] as? [String: String])?["mainpc"] == "unreachable")
        let remote = (user["remote_dependencies"] as? [[String: Any]])?.first
        #expect(remote?["agent"] as? String == "mainpc/Base")
        #expect(remote?["detail"] as? String == "host unreachable")
        #expect(processIsAlive(Int32(userPid)))

        // While cut, Base stops on mainpc: pc2 cannot hear it (a missed event).
        if link.usesNamespaces {
            let stop = deployment.cli(on: "mainpc", ["stop", "Base"])
            #expect(stop.status == 0, "\(stop.output)")
        }

        // Restore: pc2 reconciles with mainpc's status and sees what really happened.
        link.restore(orThaw: mainpcPid)
        try deployment.waitForLines("pc2", "host mainpc is reachable", count: 2)
        if link.usesNamespaces {
            let deadline = Date().addingTimeInterval(30)
            var detail: String?
            while Date() < deadline {
                let status = try deployment.status("pc2")
                detail = ((deployment.agent("User", in: status)?["remote_dependencies"] as? [[String: Any]])?.first)?["detail"] as? String
                if detail == "stopped" { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            #expect(detail == "stopped")
            #expect(deployment.lines("pc2", "User spawned pid").count == 1, "a remote dependency going down stops nothing")
            #expect(deployment.cli(on: "mainpc", ["start", "Base"]).status == 0)
        }
        try deployment.waitForLines("pc2", "mainpc/Base is ready", count: 2)
        let after = try deployment.status("pc2")
        #expect(deployment.agent("User", in: after)?["pid"] as? Int == userPid)
        #expect((after["remote_hosts"] as? [String: String])?["mainpc"] == "reachable")
    }
}

import Foundation
import Testing

/// `up --detach`, `down`, and what `up` refuses.
extension ControlCommandLineTests {
    @Test("up --detach returns after start-up and says where logs and control are; a second up is refused; down stops it all")
    func detachThenDown() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: """
            defaults:
              host: mainpc
              command: [\(Self.sim)]
              health: {kind: zmq}
            agents:
              store:
                command: [\(Self.sim), "--ready-after", "200ms"]
                health: {port: \(ports[0])}
              api:
                health: {port: \(ports[1])}
                depends_on: [store]
            """, avoiding: ports)
        defer { session.close() }

        let up = try session.cli(["up", "mainpc", "--detach"])
        let daemon = session.adoptDetached(from: up.stdout)
        #expect(up.status == 0, "\(up)")
        let pid = try #require(daemon, "no pid in: \(up)")
        #expect(session.lockPid == pid, "run/mainpc.lock names another pid")
        #expect(up.stdout.contains("agents: 2/2 ready"), "start-up had not ended: \(up)")
        let logsLine = try #require(up.lines.first { $0.hasPrefix("logs: ") }, "\(up)")
        let logFolder = String(logsLine.dropFirst("logs: ".count).prefix { $0 != " " })
        #expect(logFolder.hasSuffix("/logs/mainpc/"), "\(logsLine)")
        #expect(FileManager.default.fileExists(atPath: logFolder + "supervisor.log"), "\(logsLine)")
        #expect(up.lines.contains { $0.hasPrefix("control: tcp://127.0.0.1:\(session.controlPort)") }, "\(up)")

        // The command has returned; the supervisor keeps running and answers.
        #expect(processIsAlive(pid))
        let running = try session.waitForStates(["store": "ready", "api": "ready"])
        #expect(running.json["supervisor_pid"] as? Int == Int(pid))
        let agents = [running.pid("store"), running.pid("api")].compactMap { $0 }
        #expect(agents.count == 2)

        for arguments in [["up", "mainpc"], ["up", "mainpc", "--detach"]] {
            let second = try session.cli(arguments, timeout: 60)
            #expect(second.status != 0 && !second.timedOut, "\(arguments): \(second)")
            #expect(second.stderr.contains("already running"), "\(arguments): \(second)")
            #expect(second.stderr.contains("run/mainpc.lock"), "\(arguments): \(second)")
            #expect(second.stderr.contains("pid \(pid)"), "\(arguments): \(second)")
        }
        #expect(processIsAlive(pid), "a refused up disturbed the running supervisor")
        #expect(session.harness.pids(of: "store").count == 1 && session.harness.pids(of: "api").count == 1)

        let down = try session.cli(["down", "mainpc"])
        #expect(down.status == 0, "\(down)")
        #expect(down.stdout.contains("mainpc: supervisor stopped"), "\(down)")
        #expect(eventually { !processIsAlive(pid) }, "the supervisor outlived down")
        #expect(eventually { agents.allSatisfy { !processIsAlive($0) } }, "agents outlived down")
        #expect(session.harness.logText().contains("supervisor stopped"))

        let after = try session.cli(["status"])
        #expect(after.status == 3, "\(after)")
        let downAgain = try session.cli(["down", "mainpc"])
        #expect(downAgain.status == 3, "\(downAgain)")
    }

    @Test("up refuses a non-loopback control address without CurveZMQ keys or --insecure-control (exit 2); nothing is started")
    func upRefusesNonLoopbackControl() throws {
        let port = try PortAllocator.free()
        // Never reached: the supervisor must refuse before binding or connecting anything.
        let session = try Session(manifest: """
            agents:
              solo:
                host: mainpc
                command: [\(Self.sim)]
                health: {kind: zmq, port: \(port)}
            """, hostsText: "mainpc 10.1.2.3 7700\n")
        defer { session.close() }
        for arguments in [["up", "mainpc"], ["up", "mainpc", "--detach"]] {
            let result = try session.cli(arguments, timeout: 60)
            #expect(result.status == 2 && !result.timedOut, "\(arguments): \(result)")
            #expect(result.stderr.contains("10.1.2.3:7700"), "\(arguments): \(result)")
            #expect(result.stderr.contains("--insecure-control"), "\(arguments): \(result)")
            #expect(result.stderr.contains("supervisor keys init"), "\(arguments): \(result)")
            #expect(!FileManager.default.fileExists(atPath: session.directory.appendingPathComponent("logs").path), "\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: session.directory.appendingPathComponent("run").path), "\(arguments)")
        }
    }
}

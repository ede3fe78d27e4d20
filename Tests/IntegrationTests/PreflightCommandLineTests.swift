import Foundation
import Testing

/// `check --deep` and the preflight of `up`, through the built binary, with real scripts, a
/// real interpreter and a port the test holds.
@Suite("preflight on the command line", .serialized)
struct PreflightCommandLineTests {
    /// Writes `text` to `relative` in the harness's folder.
    func write(_ harness: SupervisorHarness, _ relative: String, _ text: String) throws {
        let url = harness.directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("check --deep names the SyntaxError's file and line, the missing script and the port in use; exit 1")
    func deepCheck() throws {
        let ports = try PortAllocator.free(3)
        let harness = try SupervisorHarness(manifest: """
            defaults: {host: mainpc, cwd: legacy, command: ["\(TestPython.path)", agents/ok.py]}
            agents:
              Fine: {port: \(ports[0])}
              Broken: {command: ["\(TestPython.path)", agents/broken.py]}
              Gone: {command: ["\(TestPython.path)", agents/gone.py]}
              Busy: {port: \(ports[1]), health: {kind: zmq, port: \(ports[2])}}
            """)
        defer { harness.cleanUp() }
        try write(harness, "legacy/agents/ok.py", "print('ok')\n")
        try write(harness, "legacy/agents/broken.py", "import os\n\nvalue = (1,\n         2))\n")

        // Without --deep: the missing script is a warning, and nothing is compiled.
        let plain = try harness.run(["check"])
        #expect(plain.status == 0, "\(plain.output)")
        #expect(plain.output.contains("warning: agent 'Gone', key 'command': script agents/gone.py in "))
        #expect(!plain.output.contains("SyntaxError"))

        // A port held by another process (a Python listener started by the test).
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: TestPython.path)
        listener.arguments = ["-c", """
            import socket, sys, time
            s = socket.socket(); s.bind(("127.0.0.1", \(ports[1]))); s.listen(1)
            print("listening", flush=True); time.sleep(120)
            """]
        let pipe = Pipe()
        listener.standardOutput = pipe
        try listener.run()
        defer {
            // SIGKILL: a test runner may hand its children SIGTERM ignored or blocked.
            kill(listener.processIdentifier, SIGKILL)
            listener.waitUntilExit()
        }
        #expect(pipe.fileHandleForReading.availableData.count > 0, "the listener did not start")

        let deep = try harness.run(["check", "--deep"])
        #expect(deep.status == 1, "\(deep.output)")
        #expect(deep.output.contains("error: agent 'Broken', key 'command': agents/broken.py:4: SyntaxError: unmatched ')'"), "\(deep.output)")
        #expect(deep.output.contains("error: agent 'Gone', key 'command': script agents/gone.py in "))
        #expect(deep.output.contains("error: agent 'Busy', key 'port': port \(ports[1]) is already in use: 127.0.0.1:\(ports[1]) is listened on by pid \(listener.processIdentifier)"),
                "\(deep.output)")
        #expect(!deep.output.contains("agent 'Fine'"))
        #expect(deep.output.contains("4 checked deeply; 3 error(s), 0 warning(s)"))
    }

    @Test("up names every agent that cannot start before it spawns any, and starts the others")
    func upReportsUpFront() throws {
        let harness = try SupervisorHarness(manifest: """
            defaults: {host: mainpc, restart: {max_restarts: 1, window: 1m}}
            agents:
              Sleeper: {command: ["\(TestPython.path)", "-c", "import time; time.sleep(600)"]}
              NoScript: {command: ["\(TestPython.path)", missing/agent.py]}
              NoProgram: {command: [/nonexistent/bin/agent]}
              NoFolder: {command: [/bin/true], cwd: /nonexistent/folder}
            """)
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("Sleeper spawned pid")
        let log = harness.logText().split(separator: "\n").map(String.init)
        let summary = try #require(log.firstIndex { $0.contains("preflight: 3 of 4 agents cannot start as configured") }, "\(log)")
        let firstSpawn = try #require(log.firstIndex { $0.contains(" spawned pid ") || $0.contains(" cannot start: ") })
        #expect(summary < firstSpawn)
        let findings = log[summary...].filter { $0.contains("preflight: agents.yaml:") }
        #expect(findings.count == 3)
        #expect(findings.contains { $0.contains("agent 'NoScript', key 'command': script missing/agent.py in ") })
        #expect(findings.contains { $0.contains("agent 'NoProgram', key 'command': cannot run /nonexistent/bin/agent") })
        #expect(findings.contains { $0.contains("agent 'NoFolder', key 'cwd': working directory /nonexistent/folder does not exist") })
        #expect(findings.allSatisfy { log.firstIndex(of: $0)! < firstSpawn })
        // The same lines reach the terminal.
        #expect(eventually(timeout: 10) { harness.text(of: harness.consoleLog).contains("agent 'NoFolder', key 'cwd'") })
        try harness.stop()
    }
}

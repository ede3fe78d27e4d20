import Foundation
import Testing
import TestSupport

/// Agent logs on a disk that fills up, through the built binaries: the supervisor stays up,
/// says so once, counts what is lost, and writes again when space returns. Needs root (for a
/// tmpfs as the logs folder); skipped otherwise.
@Suite("logs on a full disk", .serialized)
struct LogSpaceTests {
    typealias Session = ControlCommandLineTests.Session

    /// `spammer` waits for a file `go` in its folder, then writes about 2.8 MB at once (more
    /// than the disk holds) and a tick line every 20 ms after that. `idle` writes nothing; it
    /// is stopped during the outage so that the supervisor has lines to lose.
    static let manifest: String = {
        let script = """
            while [ ! -e go ]; do sleep 0.05; done
            yes "burst \(String(repeating: "x", count: 200))" | head -n 12000
            i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.02; done
            """
        return """
            agents:
              spammer:
                host: mainpc
                cwd: .
                command: ["/bin/sh", "-c", \(String(reflecting: script))]
              idle:
                host: mainpc
                command: ["/bin/sh", "-c", "while :; do sleep 1; done"]
            """
    }()

    @Test("a full log disk: one warning on stderr, lines lost in status and a system.logs event; logging resumes when space returns")
    func fullDiskThenSpace() throws {
        let session = try Session(manifest: Self.manifest)
        guard let disk = TmpfsMount.make(at: session.directory.appendingPathComponent("logs").path, size: "2m", test: "LogSpaceTests") else {
            session.close()
            return
        }
        defer {
            session.close()  // every process first, so nothing holds a file on the disk
            disk.unmount()
            try? FileManager.default.removeItem(at: session.directory)
        }
        let harness = session.harness
        func console() -> String { harness.text(of: harness.consoleLog) }
        func lost(_ snapshot: ControlCommandLineTests.Snapshot) -> Int { snapshot.agent("spammer")?["log_lines_lost"] as? Int ?? -1 }

        try session.up()
        let start = try #require(try session.snapshot())
        #expect(lost(start) == 0, "\(start.json)")
        let events = try session.background(["events", "mainpc", "--topic", "system.logs"])
        #expect(eventually(timeout: 60) {
            ControlCommandLineTests.isConnected(pid: events.process.processIdentifier, toPort: session.controlPort + 1)
        }, "events never connected: \(events.text)")
        // supervisor.log is on the same disk. Its last block may have room for a few more lines
        // once the disk is full (tmpfs allocates whole pages): pad it to a page boundary, so
        // that its next line needs a page the full disk does not have.
        try Self.padToPage(harness.supervisorLog.path)
        FileManager.default.createFile(atPath: session.directory.appendingPathComponent("go").path, contents: nil)

        // The disk fills: one warning on stderr.
        let failing = "spammer.log: no space left on device; "
        #expect(eventually(timeout: 90) { console().contains(failing) }, "no warning on stderr:\n\(console().suffix(2000))")
        let full = try session.waitForStatus("lines lost in status") { lost($0) > 0 }
        let error = full.agent("spammer")?["log_error"] as? [String: Any]
        #expect(error?["code"] as? String == "no_space" && error?["message"] as? String == "no space left on device", "\(full.json)")
        // More lines are lost (a tick every 20 ms), still without another warning.
        let later = try session.waitForStatus("more lines lost") { lost($0) >= lost(full) + 20 }
        #expect(later.agent("spammer")?["state"] as? String == "ready")
        #expect(console().components(separatedBy: failing).count - 1 == 1, "one warning, not one per line:\n\(console().suffix(3000))")
        let table = try session.cli(["status", "mainpc"])
        #expect(table.status == 0 && table.stdout.contains("mainpc: log lines lost: spammer "), "\(table)")
        #expect(table.stdout.contains("(failing now: no space left on device)"), "\(table)")
        #expect(eventually(timeout: 30) { Self.events(events.text).contains { $0["agent"] as? String == "spammer" && $0["state"] as? String == "failing" } },
                "no system.logs event: \(events.text)")
        let event = Self.events(events.text).first { $0["state"] as? String == "failing" }
        #expect(event?["topic"] as? String == "system.logs" && (event?["lines_lost"] as? Int ?? 0) > 0, "\(String(describing: event))")
        #expect((event?["error"] as? [String: Any])?["code"] as? String == "no_space", "\(String(describing: event))")

        // supervisor.log could not take the warning: it is on stderr only, kept for later. The
        // supervisor's notes about a stop are lost from the file (and counted), not from stderr.
        let ownFailing = "supervisor.log: no space left on device; "
        #expect(console().contains(ownFailing), "\(console().suffix(2000))")
        #expect(!harness.logText().contains(failing), "the disk is full, yet supervisor.log took the warning")
        let stop = try session.cli(["stop", "idle"])
        #expect(stop.status == 0, "\(stop)")
        try session.waitForStates(["idle": "stopped"])
        #expect(console().contains("idle: stopping -> stopped"))
        let own = try session.waitForStatus("supervisor.log's lost lines") { snapshot in
            (snapshot.json["supervisor_logs"] as? [[String: Any]])?.contains { ($0["lines_lost"] as? Int ?? 0) > 0 } == true
        }
        let ownEntry = (own.json["supervisor_logs"] as? [[String: Any]])?.first
        #expect((ownEntry?["file"] as? String)?.hasSuffix("/logs/mainpc/supervisor.log") == true, "\(own.json)")
        #expect((ownEntry?["error"] as? [String: Any])?["code"] as? String == "no_space", "\(own.json)")
        let ownTable = try session.cli(["status", "mainpc"])
        #expect(ownTable.stdout.contains("mainpc: supervisor.log: "), "\(ownTable)")
        #expect(Self.events(events.text).contains { $0["agent"] == nil && ($0["file"] as? String)?.hasSuffix("supervisor.log") == true },
                "no system.logs event for supervisor.log: \(events.text)")

        // Space returns: logging resumes by itself, said once.
        #expect(disk.resize("16m"), "remount failed: \(String(cString: strerror(errno)))")
        let resumed = "spammer.log: logging resumed, "
        #expect(eventually(timeout: 90) { console().contains(resumed) }, "no resumed note:\n\(console().suffix(2000))")
        let back = try session.waitForStatus("the log error to clear") { $0.agent("spammer")?["log_error"] == nil }
        #expect(lost(back) >= lost(later), "\(back.json)")
        let log = harness.text(of: harness.agentLog("spammer"))
        let gap = try #require(log.firstRange(of: #/err supervisor: \d+ lines lost here \(no space left on device\)\n/#),
                               "no marker in the agent log")
        let afterGap = log.utf8.distance(from: log.startIndex, to: gap.upperBound)
        #expect(eventually(timeout: 30) {
            String(decoding: Array(harness.text(of: harness.agentLog("spammer")).utf8).dropFirst(afterGap), as: UTF8.self).contains(" out tick ")
        }, "no new lines after the marker")
        #expect(eventually(timeout: 30) { Self.events(events.text).contains { $0["agent"] as? String == "spammer" && $0["state"] as? String == "resumed" } },
                "no resumed event: \(events.text)")
        // supervisor.log works again: where lines are missing a marker, the kept warning, then both resumed notes.
        let ownResumed = "supervisor.log: logging resumed, "
        #expect(eventually(timeout: 30) { harness.logText().contains(ownResumed) }, "supervisor.log:\n\(harness.logText().suffix(2000))")
        let text = harness.logText()
        let order: [Regex<Substring>] = [#/supervisor\.log: \d+ lines? lost here \(no space left on device\)/#, #/spammer\.log: no space left on device; /#,
                     #/spammer\.log: logging resumed, /#, #/supervisor\.log: logging resumed, \d+ lines? w(?:as|ere) lost/#]
        let positions = order.map { text.firstRange(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(),
                "supervisor.log:\n\(text.suffix(2000))")
        #expect(!text.contains("idle: stopping -> stopped"), "a line written while the disk was full")
        #expect(console().components(separatedBy: resumed).count - 1 == 1, "\(console().suffix(3000))")
        #expect(console().components(separatedBy: ownResumed).count - 1 == 1, "\(console().suffix(3000))")
        #expect(harness.process?.isRunning == true, "the supervisor stays up")
        #expect(try harness.stop() == 0)
    }

    /// Appends a line of padding to a log so that its size is a multiple of the page size.
    static func padToPage(_ path: String) throws {
        let size = try #require((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue)
        let page = Int(getpagesize())
        var padding = page - size % page
        if padding < 40 { padding += page }
        let line = "test padding " + String(repeating: ".", count: padding - "test padding \n".count) + "\n"
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
    }

    /// The JSON objects `supervisor events` printed, one per line.
    static func events(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}

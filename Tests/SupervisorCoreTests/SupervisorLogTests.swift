import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// supervisor.log on a disk that fails: lines are counted, warnings are kept for later.
@Suite("SupervisorLog on a full disk")
struct SupervisorLogTests {
    @Test("warnings wait until supervisor.log can take them; then a marker, the warnings and 'logging resumed'")
    func warningsWaitForTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("supervisor.log")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/full")
        let log = try SupervisorLog(directory: directory.path, host: "h", mirrorToStderr: false, settle: 0)
        log.note("spawned alpha")
        log.warn("logs/h/alpha.log: no space left on device; 1 line lost so far")
        log.note("alpha: starting -> ready")
        let failing = log.takeNotices()
        #expect(failing.map(\.state) == [.failing])
        #expect(failing.first?.agent == nil && failing.first?.file == path && failing.first?.linesLost == 1)
        #expect(log.fileStatus == LogFileStatus(file: path, linesLost: 2, error: failing.first?.error))

        try FileManager.default.removeItem(atPath: path)
        try directory.write("supervisor.log", "")
        log.note("alpha exited")
        let text = directory.read("supervisor.log") ?? ""
        let messages = text.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 2).last.map(String.init) ?? "" }
        #expect(messages == [
            "supervisor.log: 2 lines lost here (no space left on device)",
            "logs/h/alpha.log: no space left on device; 1 line lost so far",
            "alpha exited",
            "\(path): logging resumed, 2 lines were lost",
        ], "\(text)")
        #expect(log.takeNotices().map(\.state) == [.resumed])
        #expect(log.fileStatus == LogFileStatus(file: path, linesLost: 2, error: nil))
    }

    @Test("batched: lines wait for flush, then go in order, warnings and notes alike")
    func batchedLinesWaitForFlush() throws {
        let directory = try TemporaryDirectory()
        let log = try SupervisorLog(directory: directory.path, host: "h", mirrorToStderr: false)
        log.batched = true
        log.note("alpha exited")
        log.note("alpha: ready -> starting")
        #expect(directory.read("supervisor.log") == "")
        // A warning goes at once, after the notes before it (only warnings are held when the
        // file fails, and what explains a crash is on disk).
        log.warn("warning: beta cannot be watched")
        log.note("alpha spawned pid 7")
        #expect(directory.read("supervisor.log")?.split(separator: "\n").count == 3)
        log.flush()
        let messages = (directory.read("supervisor.log") ?? "").split(separator: "\n").map {
            $0.split(separator: " ", maxSplits: 2).last.map(String.init) ?? ""
        }
        #expect(messages == ["alpha exited", "alpha: ready -> starting", "warning: beta cannot be watched", "alpha spawned pid 7"])
        log.flush()
        #expect(directory.read("supervisor.log")?.split(separator: "\n").count == 4)
    }

    @Test("a log that never lost a line is not in status")
    func healthyLogIsNotListed() throws {
        let directory = try TemporaryDirectory()
        let log = try SupervisorLog(directory: directory.path, host: "h", mirrorToStderr: false)
        log.note("hello")
        #expect(log.fileStatus == nil)
        #expect(log.takeNotices().isEmpty)
    }
}

import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

@Suite("AgentLog writes whole, prefixed lines per stream")
struct AgentLogTests {
    /// `2026-11-27T14:33:03.123Z out text`
    private static var linePattern: Regex<(Substring, Substring, Substring, Substring)> { #/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) (out|err) (.*)/# }

    /// The log's lines as (stream, text); fails the test on a line without the prefix.
    private func entries(_ directory: TemporaryDirectory, _ agent: String = "worker") -> [(String, String)] {
        let text = directory.read("\(agent).log") ?? ""
        #expect(text.isEmpty || text.hasSuffix("\n"), "every entry ends with a newline")
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
            guard let match = try? Self.linePattern.wholeMatch(in: String(line)) else {
                Issue.record("line without timestamp and stream prefix: \(line)")
                return nil
            }
            return (String(match.output.2), String(match.output.3))
        }
    }

    private func makeLog(_ directory: TemporaryDirectory) throws -> AgentLog {
        try AgentLog(directory: directory.path, agent: "worker", rotation: LogRotation())
    }

    @Test("lines get an ISO-8601 millisecond UTC timestamp and out/err prefix")
    func linesArePrefixed() throws {
        let directory = try TemporaryDirectory()
        let log = try makeLog(directory)
        log.receive(Array("started\nlistening on 7200\n".utf8), from: .out)
        log.receive(Array("warning: slow disk\n".utf8), from: .err)
        let lines = entries(directory)
        #expect(lines.map(\.0) == ["out", "out", "err"])
        #expect(lines.map(\.1) == ["started", "listening on 7200", "warning: slow disk"])
        #expect(log.file.path == directory.file("worker.log"))
    }

    @Test("a line split over two receive() calls is written once, whole")
    func splitLineIsWrittenOnce() throws {
        let directory = try TemporaryDirectory()
        let log = try makeLog(directory)
        log.receive(Array("first\nsecond ha".utf8), from: .out)
        #expect(entries(directory).map(\.1) == ["first"])
        log.receive(Array("lf\n".utf8), from: .out)
        #expect(entries(directory).map(\.1) == ["first", "second half"])
    }

    @Test("stdout and stderr are assembled separately and never mix mid-line")
    func streamsDoNotMix() throws {
        let directory = try TemporaryDirectory()
        let log = try makeLog(directory)
        log.receive(Array("out: begin".utf8), from: .out)
        log.receive(Array("err: whole\nerr: be".utf8), from: .err)
        log.receive(Array(" end\n".utf8), from: .out)
        log.receive(Array("gun\n".utf8), from: .err)
        let lines = entries(directory)
        #expect(lines.map(\.0) == ["err", "out", "err"])
        #expect(lines.map(\.1) == ["err: whole", "out: begin end", "err: begun"])
    }

    @Test("finish() writes the trailing partial line of that stream only")
    func finishWritesTrailingPartialLine() throws {
        let directory = try TemporaryDirectory()
        let log = try makeLog(directory)
        log.receive(Array("complete\nno newline at the end".utf8), from: .out)
        log.receive(Array("pending err".utf8), from: .err)
        log.finish(.out)
        #expect(entries(directory).map(\.1) == ["complete", "no newline at the end"])
        log.finish(.out)
        #expect(entries(directory).count == 2, "a second finish writes nothing")
        log.finish(.err)
        let lines = entries(directory)
        #expect(lines.last?.0 == "err")
        #expect(lines.last?.1 == "pending err")
    }

    @Test("the log rotates with the agent's rotation settings")
    func usesRotation() throws {
        let directory = try TemporaryDirectory()
        var rotation = LogRotation()
        rotation.maxSize = 64
        rotation.maxFiles = 1
        let log = try AgentLog(directory: directory.path, agent: "worker", rotation: rotation)
        log.receive(Array("\(String(repeating: "a", count: 30))\n".utf8), from: .out)
        log.receive(Array("\(String(repeating: "b", count: 30))\n".utf8), from: .out)
        #expect(entries(directory).map(\.1) == [String(repeating: "b", count: 30)])
        #expect(directory.read("worker.log.1")?.contains(String(repeating: "a", count: 30)) == true)
    }

    @Test("lines an agent's log could not take are counted, announced once, and marked in the file when it works again")
    func lostLinesAreMarked() throws {
        let directory = try TemporaryDirectory()
        // A disk that fails every write: the log's name leads to /dev/full.
        try FileManager.default.createSymbolicLink(atPath: directory.file("worker.log"), withDestinationPath: "/dev/full")
        let log = try AgentLog(directory: directory.path, agent: "worker", rotation: LogRotation(), settle: 0)
        let failing = try #require(log.receive(Array("one\ntwo\n".utf8), from: .out))
        #expect(failing.state == .failing && failing.agent == "worker" && failing.linesLost == 2)
        #expect(failing.error?.code == .noSpace)
        #expect(failing.message == "\(directory.file("worker.log")): no space left on device; 2 lines lost so far")
        #expect(log.receive(Array("three\n".utf8), from: .err) == nil, "no notice per line")
        #expect(log.linesLost == 3 && log.failure?.code == .noSpace)

        // Space is back: the name now leads to a regular file.
        try FileManager.default.removeItem(atPath: directory.file("worker.log"))
        try directory.write("worker.log", "")
        let resumed = try #require(log.receive(Array("four\n".utf8), from: .out))
        #expect(resumed.state == .resumed && resumed.outageLinesLost == 3 && resumed.linesLost == 3)
        #expect(resumed.message.hasSuffix("worker.log: logging resumed, 3 lines were lost"))
        let lines = entries(directory)
        #expect(lines.map(\.0) == ["err", "out"])
        #expect(lines.map(\.1) == ["supervisor: 3 lines lost here (no space left on device)", "four"])
        #expect(log.linesLost == 3 && log.failure == nil)
    }

    @Test("a log that failed, was written once and then left alone, resumes on settle()")
    func settleResumesAQuietLog() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory.file("worker.log"), withDestinationPath: "/dev/full")
        let log = try AgentLog(directory: directory.path, agent: "worker", rotation: LogRotation(), settle: 1)
        #expect(log.receive(Array("lost\n".utf8), from: .out)?.state == .failing)
        #expect(log.settle() == nil, "nothing written since: the disk may still be full")
        try FileManager.default.removeItem(atPath: directory.file("worker.log"))
        try directory.write("worker.log", "")
        if let notice = log.receive(Array("kept\n".utf8), from: .out) {
            // Only on a very slow machine: more than 1 s passed since the failure.
            #expect(notice.state == .resumed)
        } else {
            #expect(log.failure != nil, "written, but too soon after the failure to count as resumed")
            #expect(waitUntil(timeout: 20) { log.settle()?.state == .resumed })
        }
        #expect(log.failure == nil)
        #expect(entries(directory).map(\.1) == ["supervisor: 1 line lost here (no space left on device)", "kept"])
    }

    @Test("Timestamp.format pads every field and ends in Z")
    func timestampFormat() {
        #expect(Timestamp.format(seconds: 0, milliseconds: 5) == "1970-01-01T00:00:00.005Z")
        #expect(Timestamp.format(seconds: 1_700_000_000, milliseconds: 42) == "2023-11-14T22:13:20.042Z")
        #expect(Timestamp.format(seconds: 951_827_696, milliseconds: 999) == "2000-02-29T12:34:56.999Z")
        #expect(Timestamp.now().wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/#) != nil)
        var line = Array("> ".utf8)
        Timestamp.append(seconds: 1_700_000_000, milliseconds: 7, to: &line)
        #expect(String(decoding: line, as: UTF8.self) == "> 2023-11-14T22:13:20.007Z")
        var now: [UInt8] = []
        Timestamp.appendNow(to: &now)
        #expect(now.count == Timestamp.length)
    }
}

@Suite("AgentLog keeps the last lines of the current run")
struct AgentLogTailTests {
    @Test("logged lines reach the tail; a new run starts it empty; a partial last line counts for the cause")
    func tailPerRun() throws {
        let directory = try TemporaryDirectory()
        let log = try AgentLog(directory: directory.path, agent: "worker", rotation: LogRotation())
        log.receive(Array("booting\n".utf8), from: .out)
        log.receive(Array("  File \"/srv/w.py\", line 9\n    x = = 1\n        ^\nSyntaxError: inva".utf8), from: .err)
        #expect(log.tail.lines(of: .out) == ["booting"])
        #expect(log.tail.lines(of: .err).count == 3)
        #expect(log.cause()?.text == "SyntaxError: inva (w.py:9)")
        log.receive(Array("lid syntax\n".utf8), from: .err)
        #expect(log.cause()?.text == "SyntaxError: invalid syntax (w.py:9)")
        log.beginRun()
        #expect(log.cause() == nil)
        #expect(directory.read("worker.log")?.contains("SyntaxError: invalid syntax") == true)
    }
}

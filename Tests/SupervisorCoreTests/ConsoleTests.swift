import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// The console writer on a real pipe: log lines erase and redraw the status line, routine lines
/// stay in supervisor.log only, and no control code is written without a redrawn line.
@Suite("Console")
struct ConsoleTests {
    /// What was written to the pipe's write end so far.
    private func drain(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let count = read(fd, &buffer, buffer.count)
        return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
    }

    @Test("on a terminal a log line erases the status line, is written, and the status line comes back; clearing erases it")
    func statusLineAroundLogLines() throws {
        let pipe = try Descriptor.pipe()
        defer { close(pipe.read); close(pipe.write) }
        let console = Console(policy: ConsolePolicy(verbosity: .normal, isTerminal: true), descriptor: pipe.write)
        let directory = try TemporaryDirectory()
        let log = try SupervisorLog(directory: directory.path, host: "h", console: console)
        log.batched = true
        console.show(.redraw("starting: 0/2 ready, level 1/1, 0.0 s"))
        log.note("alpha spawned pid 1")
        log.note("alpha: starting -> backoff (exit code 1)", weight: .notable)
        log.flush()
        console.clearStatus()
        console.writeLine("h: 1/2 ready in 0.3 s")
        let text = drain(pipe.read)
        let erase = "\r\u{1B}[2K"
        let backoff = try #require(text.firstMatch(of: /\d{4}-[^ ]+ h alpha: starting -> backoff \(exit code 1\)\n/)).output
        #expect(text == erase + "starting: 0/2 ready, level 1/1, 0.0 s" + erase + backoff
            + "starting: 0/2 ready, level 1/1, 0.0 s" + erase + "h: 1/2 ready in 0.3 s\n", "\(text.debugDescription)")
        #expect(!text.contains("spawned"))
        // The file has every line, routine ones too.
        let file = directory.read("supervisor.log") ?? ""
        #expect(file.contains("alpha spawned pid 1") && file.contains("starting -> backoff"), "\(file)")
    }

    @Test("not a terminal: every line plain, a progress line as a line, no ESC; --quiet: errors only")
    func plainAndQuiet() throws {
        let pipe = try Descriptor.pipe()
        defer { close(pipe.read); close(pipe.write) }
        let plain = Console(policy: ConsolePolicy(verbosity: .normal, isTerminal: false), descriptor: pipe.write)
        let log = try SupervisorLog(directory: nil, host: "h", console: plain)
        plain.show(.line("starting: 0/1 ready, level 1/1, 0.0 s"))
        log.note("alpha spawned pid 1")
        log.warn("warning: alpha: port clash")
        plain.clearStatus()
        let text = drain(pipe.read)
        #expect(!text.contains("\u{1B}") && !text.contains("\r"), "\(text.debugDescription)")
        #expect(text.hasPrefix("starting: 0/1 ready, level 1/1, 0.0 s\n"))
        #expect(text.contains(" h alpha spawned pid 1\n") && text.contains(" h warning: alpha: port clash\n"), "\(text)")

        let quiet = Console(policy: ConsolePolicy(verbosity: .quiet, isTerminal: true), descriptor: pipe.write)
        let quietLog = try SupervisorLog(directory: nil, host: "h", console: quiet)
        quietLog.note("alpha spawned pid 1")
        quietLog.warn("warning: alpha: port clash")
        quietLog.note("alpha: starting -> failed (gave up)", weight: .error)
        let quietText = drain(pipe.read)
        #expect(quietText.hasSuffix(" h alpha: starting -> failed (gave up)\n") && quietText.split(separator: "\n").count == 1,
                "\(quietText.debugDescription)")
    }
}

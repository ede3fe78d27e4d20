import SupervisorModel
import Testing
@testable import SupervisorCore

/// The bounded last lines of a run, per stream, and the cause read from them.
@Suite("OutputTail keeps the last lines of a run")
struct OutputTailTests {
    private func bytes(_ lines: [String]) -> [[UInt8]] { lines.map { Array($0.utf8) } }

    @Test("the last 50 lines per stream, oldest first; the streams apart")
    func lineBound() {
        var tail = OutputTail()
        tail.append(bytes((1...120).map { "line \($0)" }), from: .out)
        tail.append(bytes(["only err"]), from: .err)
        #expect(tail.lines(of: .out) == (71...120).map { "line \($0)" })
        #expect(tail.lines(of: .err) == ["only err"])
        tail.append(bytes(["line 121"]), from: .out)
        #expect(tail.lines(of: .out).first == "line 72")
        #expect(tail.lines(of: .out).last == "line 121")
    }

    @Test("at most 8 KiB per stream, and each line cut to 1 KiB")
    func byteBound() {
        var tail = OutputTail()
        let long = String(repeating: "a", count: 5000)
        tail.append(bytes([long]), from: .err)
        #expect(tail.lines(of: .err) == [String(repeating: "a", count: OutputTail.maxLineBytes)])
        tail.append(bytes((1...20).map { String(repeating: Character("\($0 % 10)"), count: 1000) }), from: .err)
        let kept = tail.lines(of: .err)
        #expect(kept.reduce(0) { $0 + $1.utf8.count } <= OutputTail.maxBytes)
        #expect(kept.count == 8)
        #expect(kept.last == String(repeating: "0", count: 1000))
    }

    @Test("reset forgets the previous run")
    func reset() {
        var tail = OutputTail()
        tail.append(bytes(["old"]), from: .out)
        tail.reset()
        #expect(tail.lines(of: .out).isEmpty)
        #expect(tail.cause() == nil)
    }

    @Test("the cause comes from both streams, with a last line that has no newline yet")
    func cause() throws {
        var tail = OutputTail()
        tail.append(bytes(["Traceback (most recent call last):", "  File \"/srv/a/agent.py\", line 3, in <module>",
                           "    import torch"]), from: .err)
        let pending = Array("ModuleNotFoundError: No module named 'torch'".utf8)
        let cause = try #require(tail.cause(pendingErr: pending))
        #expect(cause.text == "ModuleNotFoundError: No module named 'torch' (agent.py:3)")
        tail.reset()
        tail.append(bytes(["serving"]), from: .out)
        #expect(tail.cause()?.message == "serving")
        #expect(tail.cause()?.stream == .stdout)
    }
}

import Testing
@testable import SupervisorCore

@Suite("LineAssembler cuts a byte stream into whole lines")
struct LineAssemblerTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    private func texts(_ lines: [[UInt8]]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

    @Test("a line split across chunks comes out once, whole, when its newline arrives")
    func lineSplitAcrossChunks() {
        var assembler = LineAssembler()
        #expect(assembler.lines(from: bytes("hel")).isEmpty)
        #expect(assembler.lines(from: bytes("lo, wo")).isEmpty)
        #expect(texts(assembler.lines(from: bytes("rld\nnext"))) == ["hello, world"])
        #expect(texts(assembler.lines(from: bytes(" line\n"))) == ["next line"])
        #expect(assembler.finish() == nil)
    }

    @Test("several lines in one chunk, empty lines included, without their newlines")
    func severalLinesInOneChunk() {
        var assembler = LineAssembler()
        #expect(texts(assembler.lines(from: bytes("one\ntwo\n\nfour\nfi"))) == ["one", "two", "", "four"])
        #expect(texts(assembler.lines(from: bytes("ve\n"))) == ["five"])
    }

    @Test("an empty chunk yields nothing and keeps what is pending")
    func emptyChunk() {
        var assembler = LineAssembler()
        #expect(assembler.lines(from: bytes("part")).isEmpty)
        #expect(assembler.lines(from: []).isEmpty)
        #expect(texts(assembler.lines(from: bytes("\n"))) == ["part"])
    }

    @Test("CRLF: only the LF ends a line, the CR is kept as part of it")
    func carriageReturnIsKept() {
        var assembler = LineAssembler()
        #expect(texts(assembler.lines(from: bytes("dos\r\nline\r"))) == ["dos\r"])
        #expect(texts(assembler.lines(from: bytes("\n"))) == ["line\r"])
    }

    @Test("bytes that are not UTF-8 pass through untouched")
    func arbitraryBytes() {
        var assembler = LineAssembler()
        let raw: [UInt8] = [0xFF, 0x00, 0xFE, UInt8(ascii: "\n")]
        #expect(assembler.lines(from: raw) == [[0xFF, 0x00, 0xFE]])
    }

    @Test("a line without newline longer than maxLine is cut into maxLine pieces")
    func longPendingLineIsCut() {
        var assembler = LineAssembler(maxLine: 4)
        #expect(texts(assembler.lines(from: bytes("abcdefghij"))) == ["abcd", "efgh"])
        #expect(texts(assembler.lines(from: bytes("k\n"))) == ["ijk"])
    }

    @Test("a long line spread over many small chunks is cut as it grows")
    func longLineOverManyChunks() {
        var assembler = LineAssembler(maxLine: 8)
        var out: [String] = []
        for _ in 0..<20 { out += texts(assembler.lines(from: bytes("x"))) }
        #expect(out == ["xxxxxxxx", "xxxxxxxx"])
        #expect(assembler.finish().map { String(decoding: $0, as: UTF8.self) } == "xxxx")
    }

    @Test("a line of exactly maxLine bytes whose newline comes later is one line, not two")
    func lineOfExactlyMaxLength() {
        var assembler = LineAssembler(maxLine: 4)
        var out = texts(assembler.lines(from: bytes("abcd")))
        out += texts(assembler.lines(from: bytes("\nnext\n")))
        #expect(out == ["abcd", "next"])
    }

    @Test("a line longer than maxLine is cut even when its newline is in the same chunk")
    func longLineInOneChunkIsCut() {
        var assembler = LineAssembler(maxLine: 4)
        let out = texts(assembler.lines(from: bytes("abcdefghij\nok\n")))
        #expect(out == ["abcd", "efgh", "ij", "ok"])
        #expect(out.last == "ok")
    }

    @Test("finish() returns the trailing partial line once, then nothing")
    func finishReturnsTrailingPartialLine() {
        var assembler = LineAssembler()
        #expect(texts(assembler.lines(from: bytes("done\nno newline"))) == ["done"])
        #expect(assembler.finish().map { String(decoding: $0, as: UTF8.self) } == "no newline")
        #expect(assembler.finish() == nil)
        #expect(assembler.lines(from: bytes("\n")) == [[]])
    }

    @Test("finish() on a stream that ended with a newline returns nil")
    func finishAfterNewline() {
        var assembler = LineAssembler()
        _ = assembler.lines(from: bytes("complete\n"))
        #expect(assembler.finish() == nil)
    }
}

import Foundation
import Testing
@testable import SupervisorCore

@Suite("RotatingLogFile appends, rotates by size and keeps maxFiles")
struct RotatingLogFileTests {
    private func line(_ character: Character, _ count: Int = 8) -> [UInt8] {
        Array((String(repeating: character, count: count) + "\n").utf8)
    }

    private func files(in directory: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test("appending past maxSize rotates to .1, .2, ..., keeps maxFiles and drops the oldest")
    func rotatesAndKeepsMaxFiles() throws {
        let directory = try TemporaryDirectory()
        // Each line is 9 bytes; two never fit in 10, so every append after the first rotates.
        let log = try RotatingLogFile(path: directory.file("agent.log"), maxSize: 10, maxFiles: 2)
        log.append(line("a"))
        #expect(try files(in: directory) == ["agent.log"])
        log.append(line("b"))
        #expect(directory.read("agent.log") == "bbbbbbbb\n")
        #expect(directory.read("agent.log.1") == "aaaaaaaa\n")
        log.append(line("c"))
        #expect(directory.read("agent.log.2") == "aaaaaaaa\n")
        log.append(line("d"))
        #expect(directory.read("agent.log") == "dddddddd\n")
        #expect(directory.read("agent.log.1") == "cccccccc\n")
        #expect(directory.read("agent.log.2") == "bbbbbbbb\n")
        #expect(try files(in: directory) == ["agent.log", "agent.log.1", "agent.log.2"])
    }

    @Test("appends that fit stay in the live file")
    func appendsThatFitDoNotRotate() throws {
        let directory = try TemporaryDirectory()
        let log = try RotatingLogFile(path: directory.file("agent.log"), maxSize: 18, maxFiles: 3)
        log.append(line("a"))
        log.append(line("b"))
        #expect(directory.read("agent.log") == "aaaaaaaa\nbbbbbbbb\n")
        #expect(try files(in: directory) == ["agent.log"])
        log.append(line("c"))
        #expect(directory.read("agent.log") == "cccccccc\n")
        #expect(directory.read("agent.log.1") == "aaaaaaaa\nbbbbbbbb\n")
    }

    @Test("maxFiles 0 truncates: only the live file remains, with the newest lines")
    func maxFilesZeroTruncates() throws {
        let directory = try TemporaryDirectory()
        let log = try RotatingLogFile(path: directory.file("agent.log"), maxSize: 10, maxFiles: 0)
        log.append(line("a"))
        log.append(line("b"))
        log.append(line("c"))
        #expect(directory.read("agent.log") == "cccccccc\n")
        #expect(try files(in: directory) == ["agent.log"])
    }

    @Test("one write bigger than maxSize goes whole into an empty file, the next one rotates")
    func oversizedWriteIsNotSplit() throws {
        let directory = try TemporaryDirectory()
        let log = try RotatingLogFile(path: directory.file("agent.log"), maxSize: 4, maxFiles: 1)
        log.append(line("a", 20))
        #expect(directory.read("agent.log") == String(repeating: "a", count: 20) + "\n")
        #expect(try files(in: directory) == ["agent.log"])
        log.append(line("b", 1))
        #expect(directory.read("agent.log") == "b\n")
        #expect(directory.read("agent.log.1") == String(repeating: "a", count: 20) + "\n")
    }

    @Test("reopening an existing file appends to it and counts its size")
    func reopeningContinuesSize() throws {
        let directory = try TemporaryDirectory()
        try directory.write("agent.log", "existing\n")  // 9 bytes from an earlier run
        do {
            let log = try RotatingLogFile(path: directory.file("agent.log"), maxSize: 20, maxFiles: 2)
            log.append(Array("more\n".utf8))  // 14 bytes: still fits
            #expect(directory.read("agent.log") == "existing\nmore\n")
        }
        // A second run: the 14 bytes already there plus 9 exceed 20, so it rotates first.
        let log = try RotatingLogFile(path: directory.file("agent.log"), maxSize: 20, maxFiles: 2)
        log.append(line("x"))
        #expect(directory.read("agent.log") == "xxxxxxxx\n")
        #expect(directory.read("agent.log.1") == "existing\nmore\n")
    }

    @Test("missing parent folders are created")
    func createsParentFolders() throws {
        let directory = try TemporaryDirectory()
        let log = try RotatingLogFile(path: directory.file("logs/mainpc/agent.log"), maxSize: 100, maxFiles: 1)
        log.append(Array("hello\n".utf8))
        #expect(directory.read("logs/mainpc/agent.log") == "hello\n")
    }

    @Test("an empty append changes nothing")
    func emptyAppend() throws {
        let directory = try TemporaryDirectory()
        let log = try RotatingLogFile(path: directory.file("agent.log"), maxSize: 1, maxFiles: 1)
        log.append(line("a"))
        log.append([])
        #expect(try files(in: directory) == ["agent.log"])
        #expect(directory.read("agent.log") == "aaaaaaaa\n")
    }
}

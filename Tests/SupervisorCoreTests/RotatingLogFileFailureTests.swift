import Foundation
import SupervisorModel
import Testing
import TestSupport
@testable import SupervisorCore

/// A log file on a disk that is full, fails, or loses its folder: lines are lost whole and
/// counted, never the file, and writing resumes by itself. The tmpfs tests need root (they
/// skip otherwise); the others fake a full disk with a symbolic link to /dev/full, which
/// fails every write with ENOSPC.
@Suite("RotatingLogFile on a full disk", .serialized)
struct RotatingLogFileFailureTests {
    static func marker(_ lines: Int, _ error: LogWriteError) -> [UInt8] {
        Array("-- \(lines) lost (\(error.message))\n".utf8)
    }

    /// `line 00042 xxx...`: 100 bytes with its newline.
    private func line(_ number: Int) -> [UInt8] {
        Array("line \(String(format: "%05d", number)) \(String(repeating: "x", count: 88))\n".utf8)
    }

    private func makeLog(_ path: String, maxSize: UInt64 = 10 << 20, maxFiles: Int = 2) throws -> RotatingLogFile {
        let log = try RotatingLogFile(path: path, maxSize: maxSize, maxFiles: maxFiles, settle: 0)
        log.gapMarker = Self.marker
        return log
    }

    /// The file's lines; records an issue unless it ends with a newline and every line is whole.
    private func wholeLines(_ path: String) -> [String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        #expect(text.isEmpty || text.hasSuffix("\n"), "the file ends inside a line: \(text.suffix(120))")
        let lines = text.split(separator: "\n").map(String.init)
        for line in lines where !line.hasPrefix("-- ") && line.wholeMatch(of: /line \d{5} x{88}/) == nil {
            Issue.record("torn line: \(line.prefix(120))")
        }
        return lines
    }

    @Test("a write that fails loses its lines, counts them and says so once; the file is kept")
    func devFullLosesLinesOnce() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory.file("agent.log"), withDestinationPath: "/dev/full")
        let log = try makeLog(directory.file("agent.log"))
        let full = try #require(log.append(line(1)))
        guard case .began(let error, let lost) = full else { Issue.record("\(full)"); return }
        #expect(error.code == .noSpace && error.errno == ENOSPC && error.message == "no space left on device")
        #expect(lost == 1)
        var changes = 0
        for number in 2...1000 where log.append(line(number) + line(number)) != nil { changes += 1 }
        #expect(changes == 0, "one warning, not one per line")
        #expect(log.loss.linesLost == 1 + 999 * 2)
        #expect(log.loss.failure?.code == .noSpace)
        #expect(log.held.isEmpty)
    }

    @Test("on a full tmpfs lines are lost whole; when space returns the next line comes after a marker")
    func fullTmpfsThenSpace() throws {
        let directory = try TemporaryDirectory()
        guard let disk = TmpfsMount.make(at: directory.file("disk"), size: "64k", test: "RotatingLogFileFailureTests") else { return }
        defer { disk.unmount() }
        disk.occupy(32 << 10)
        let path = "\(disk.path)/agent.log"
        let log = try makeLog(path)
        var began: LogLoss.Change?
        var number = 0
        while began == nil && number < 10_000 {
            number += 1
            began = log.append(line(number))
        }
        guard case .began(let error, let lost)? = began else { Issue.record("the disk never filled"); return }
        #expect(error.code == .noSpace && lost == 1)
        for _ in 0..<20 {
            number += 1
            #expect(log.append(line(number)) == nil)
        }
        let before = wholeLines(path)
        // A marker may already fit where a cut-back line left room in the file's last page.
        #expect(before.filter { !$0.hasPrefix("-- ") }.count + log.loss.linesLost == number,
                "every line is in the file or counted as lost")

        unlink("\(disk.path)/filler")
        number += 1
        #expect(log.append(line(number)) == .resumed(outage: 21, linesLost: 21))
        let after = wholeLines(path)
        #expect(Array(after.prefix(before.count)) == before)
        #expect(after.dropFirst(before.count).first?.hasPrefix("-- ") == true, "\(after.suffix(3))")
        #expect(Self.markedLosses(after) == 21, "the markers add up to the lines lost: \(after.filter { $0.hasPrefix("-- ") })")
        #expect(after.last == String(decoding: line(number).dropLast(), as: UTF8.self))
        #expect(!log.loss.isFailing && log.loss.linesLost == 21)
    }

    /// The sum of the counts in the file's `-- N lost (...)` markers.
    private static func markedLosses(_ lines: [String]) -> Int {
        lines.compactMap { $0.wholeMatch(of: /-- (\d+) lost \(.*\)/).flatMap { Int($0.1) } }.reduce(0, +)
    }

    @Test("a batch that fits only in part is cut back to its last whole line; the rest is counted")
    func partialWriteIsCutBack() throws {
        let directory = try TemporaryDirectory()
        guard let disk = TmpfsMount.make(at: directory.file("disk"), size: "64k", test: "RotatingLogFileFailureTests") else { return }
        defer { disk.unmount() }
        disk.occupy((64 << 10) - 6000)
        let path = "\(disk.path)/agent.log"
        let log = try makeLog(path)
        let batch = (1...200).flatMap { line($0) }  // 20 000 bytes, about 6 000 fit
        let change = log.append(batch)
        guard case .began(_, let lost)? = change else { Issue.record("\(String(describing: change))"); return }
        let kept = wholeLines(path)
        #expect(!kept.isEmpty && kept.count < 200, "\(kept.count) lines kept")
        #expect(kept.count + lost == 200)
        #expect(kept.last == String(decoding: line(kept.count).dropLast(), as: UTF8.self))
    }

    @Test("the live file removed on a full disk: the next append reopens it and writes there")
    func removedFileIsReopened() throws {
        let directory = try TemporaryDirectory()
        guard let disk = TmpfsMount.make(at: directory.file("disk"), size: "64k", test: "RotatingLogFileFailureTests") else { return }
        defer { disk.unmount() }
        let path = "\(disk.path)/agent.log"
        let log = try makeLog(path)
        var number = 0
        while !log.loss.isFailing && number < 10_000 {
            number += 1
            log.append(line(number))
        }
        try #require(log.loss.isFailing)
        // Its blocks stay taken while the log holds the file open.
        unlink(path)
        number += 1
        #expect(log.append(line(number)) == .resumed(outage: 1, linesLost: 1))
        #expect(wholeLines(path) == ["-- 1 lost (no space left on device)", String(decoding: line(number).dropLast(), as: UTF8.self)])
    }

    @Test("a rotation on a full disk keeps the file: the new live file takes lines once space returns")
    func rotationOnFullDisk() throws {
        let directory = try TemporaryDirectory()
        guard let disk = TmpfsMount.make(at: directory.file("disk"), size: "64k", test: "RotatingLogFileFailureTests") else { return }
        defer { disk.unmount() }
        let path = "\(disk.path)/agent.log"
        let log = try makeLog(path, maxSize: 1000, maxFiles: 1)
        for number in 1...5 { log.append(line(number)) }
        disk.fill()
        // 5 lines of 100 bytes + 6 more pass 1000 bytes: it rotates, into a file nothing fits in.
        var number = 5
        while log.append(line(number + 1)) == nil && number < 100 { number += 1 }
        number += 1
        #expect(log.loss.isFailing)
        unlink("\(disk.path)/filler")
        for _ in 0..<3 {
            number += 1
            log.append(line(number))
        }
        #expect(!log.loss.isFailing, "\(log.loss)")
        let live = wholeLines(path)
        #expect(live.last == String(decoding: line(number).dropLast(), as: UTF8.self), "\(live)")
        #expect(live.contains { $0.hasPrefix("-- ") && $0.hasSuffix(" lost (no space left on device)") }, "\(live)")
        #expect(FileManager.default.fileExists(atPath: path + ".1"))
    }

    @Test("a rotation that cannot reopen the file (its folder is gone) retries at each append until it can")
    func rotationThatCannotReopen() throws {
        let directory = try TemporaryDirectory()
        let folder = try directory.folder("logs")
        let path = "\(folder)/agent.log"
        let log = try makeLog(path, maxSize: 150, maxFiles: 1)
        log.append(line(1))
        try FileManager.default.removeItem(atPath: folder)
        let change = log.append(line(2))  // rotates: nothing to rename, nowhere to open
        guard case .began(let error, 1)? = change else { Issue.record("\(String(describing: change))"); return }
        #expect(error.code == .cannotOpen && error.message.hasPrefix("cannot open it: "), "\(error)")
        #expect(log.append(line(3)) == nil)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(log.append(line(4)) == .resumed(outage: 2, linesLost: 2))
        #expect(wholeLines(path) == ["-- 2 lost (cannot open it: no such file or directory)", String(decoding: line(4).dropLast(), as: UTF8.self)])
    }

    @Test("with keepIfLost, lines that cannot be written are held and written first when the file works again")
    func heldLinesAreWrittenLater() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("supervisor.log")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/full")
        let log = try makeLog(path)
        #expect(log.append(line(1), keepIfLost: true) == .began(LogWriteError(errno: ENOSPC, opening: false), linesLost: 0))
        log.append(line(2))
        log.append(line(3), keepIfLost: true)
        #expect(log.held.count == 2 && log.loss.linesLost == 1)
        // The disk "comes back": the name now leads to a regular file, which the log reopens.
        try FileManager.default.removeItem(atPath: path)
        FileManager.default.createFile(atPath: path, contents: nil)
        #expect(log.append(line(4)) == .resumed(outage: 1, linesLost: 1))
        #expect(wholeLines(path).map { $0.prefix(10) } == ["-- 1 lost ", "line 00001", "line 00003", "line 00004"])
        #expect(log.held.isEmpty)
    }

    @Test("at most heldLimit lines are held; older ones are then lost")
    func heldLinesAreBounded() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("supervisor.log")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/full")
        let log = try makeLog(path)
        for number in 1...(RotatingLogFile.heldLimit + 7) { log.append(line(number), keepIfLost: true) }
        #expect(log.held.count == RotatingLogFile.heldLimit)
        #expect(log.loss.linesLost == 7)
        #expect(log.held.first == line(8))
    }
}

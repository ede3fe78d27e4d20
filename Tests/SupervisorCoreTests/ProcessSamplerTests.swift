import Foundation
import Testing
@testable import SupervisorCore

/// `ProcFile` and `ProcessSampler` read real /proc files of real processes.
@Suite("ProcessSampler reads /proc")
struct ProcessSamplerTests {
    struct SpawnFailed: Error {}

    @Test("numbers: digits only, no overflow")
    func numbers() {
        #expect(ProcFile.number(ArraySlice("12345".utf8)) == 12345)
        #expect(ProcFile.number(ArraySlice("18446744073709551615".utf8)) == UInt64.max)
        #expect(ProcFile.number(ArraySlice("18446744073709551616".utf8)) == nil)
        #expect(ProcFile.number(ArraySlice("12a".utf8)) == nil)
        #expect(ProcFile.number(ArraySlice("-1".utf8)) == nil)
        #expect(ProcFile.number([]) == nil)
    }

    @Test("a list of numbers longer than the read buffer is read to its end, its last number whole")
    func longList() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("children")
        let pids = (1...2000).map { 100_000 + $0 }
        try (pids.map(String.init).joined(separator: " ") + " ").write(toFile: path, atomically: true, encoding: .utf8)
        var files = ProcFile()
        #expect(files.numbers(path) == pids.map(Int32.init))
        #expect(ProcFile.numbers(in: ArraySlice("1 22\n333 x 4".utf8)) == [1, 22, 333, 4])
    }

    @Test("a process whose name holds parentheses and spaces is read right, and so are its group, threads and descriptors")
    func awkwardName() throws {
        let directory = try TemporaryDirectory()
        // The kernel's name of a process is its program's file name: ") S 1 (x".
        let link = directory.file(") S 1 (x")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/bin/sleep")
        let result = AgentLauncher.spawn(
            path: link, arguments: ["sleep", "100"], environment: [:], directory: nil, stdout: -1, stderr: -1)
        guard case .success(let (pid, pidfd)) = result else { throw SpawnFailed() }
        let child = LaunchedChild(LaunchedProcess(pid: pid, pidfd: pidfd, stdout: -1, stderr: -1))
        defer { child.cleanup() }
        var files = ProcFile()
        #expect(waitUntil { files.statFields(pid)?.first?.first == UInt8(ascii: "S") })
        let read = files.statFields(pid)
        let fields = try #require(read)
        #expect(ProcFile.number(fields[2]) == UInt64(pid), "its own process group")
        let sample = ProcessSampler.sample([pid])
        #expect(sample.processes == 1)
        #expect(sample.threads == 1)
        #expect(sample.rss > 0)
        // sleep holds 0, 1 and 2 (stdin, stdout and stderr on /dev/null).
        #expect(sample.fds == 3)
        #expect(ProcFile.descriptorCount(pid) == ProcFile.entryCount("/proc/\(pid)/fd"), "the size of fd/ counts them")
        #expect(ProcessSampler.members(ofGroups: [pid])[pid] == [pid])
        #expect(ProcessSampler.residentBytes([pid]) > 0)
        #expect(!ProcessSampler.isZombie(pid))
        #expect(ProcessSampler.commandLine(pid) == "sleep 100")
    }

    @Test("a process that is gone reads as nothing")
    func goneProcess() {
        var files = ProcFile()
        let fields = files.statFields(Int32.max)
        #expect(fields == nil)
        #expect(ProcessSampler.sample([Int32.max]).processes == 0)
        #expect(ProcFile.descriptorCount(Int32.max) == nil)
        #expect(ProcessSampler.members(ofGroups: [Int32.max]).isEmpty)
        let activity = StartActivity.sample(Int32.max, files: &files)
        #expect(activity == nil)
    }

    @Test("wholeText reads a /proc file past its first 4 KB, where String(contentsOfFile:) stops")
    func longProcFile() throws {
        // A process whose environment is 64 KB: /proc/PID/environ holds all of it, unchanging.
        let long = String(repeating: "x", count: 65_536)
        let result = AgentLauncher.spawn(
            path: "/bin/sleep", arguments: ["sleep", "100"], environment: ["LONG": long, "END": "here"], directory: nil,
            stdout: -1, stderr: -1)
        guard case .success(let (pid, pidfd)) = result else { throw SpawnFailed() }
        let child = LaunchedChild(LaunchedProcess(pid: pid, pidfd: pidfd, stdout: -1, stderr: -1))
        defer { child.cleanup() }
        var files = ProcFile()
        #expect(waitUntil { files.statFields(pid)?.first?.first == UInt8(ascii: "S") })
        let text = try #require(ProcFile.wholeText("/proc/\(pid)/environ"))
        let variables = text.split(separator: "\0").map(String.init)
        #expect(variables.contains("LONG=" + long), "read \(text.utf8.count) bytes")
        #expect(variables.contains("END=here"))
        #expect(ProcFile.wholeText("/proc/\(Int32.max)/environ") == nil)
    }
}

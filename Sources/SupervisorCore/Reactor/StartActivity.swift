import Foundation

/// How busy a starting agent's processes are right now, read from /proc with plain system calls
/// (it is sampled every few milliseconds while a start holds a slot, so no Foundation file API).
struct StartActivity: Equatable {
    /// CPU time of the agent's main process and its descendants (each one's main thread, from
    /// /proc/<pid>/schedstat: nanoseconds, unlike the 10 ms ticks of /proc/<pid>/stat).
    var cpuNanoseconds: UInt64
    /// One of them is running or waiting for a CPU (`R`) or for the disk (`D`).
    var runnable: Bool
    /// How many processes were read.
    var processes: Int

    /// At most this many processes of one agent are read.
    static let processLimit = 32

    /// The activity of `pid` and its descendants; nil when `pid` is gone.
    static func sample(_ pid: Int32, buffer: inout [UInt8]) -> StartActivity? {
        var pending = [pid]
        var activity = StartActivity(cpuNanoseconds: 0, runnable: false, processes: 0)
        while let next = pending.popLast(), activity.processes < processLimit {
            guard let runtime = firstNumber(in: "/proc/\(next)/schedstat", buffer: &buffer),
                  let state = state(of: next, buffer: &buffer) else {
                if next == pid { return nil }
                continue
            }
            activity.processes += 1
            activity.cpuNanoseconds &+= runtime
            if state == UInt8(ascii: "R") || state == UInt8(ascii: "D") { activity.runnable = true }
            pending += numbers(in: "/proc/\(next)/task/\(next)/children", buffer: &buffer)
        }
        return activity
    }

    /// The state letter of /proc/<pid>/stat (after the command name, which may hold spaces).
    private static func state(of pid: Int32, buffer: inout [UInt8]) -> UInt8? {
        guard let count = read("/proc/\(pid)/stat", into: &buffer) else { return nil }
        guard let close = buffer[0..<count].lastIndex(of: UInt8(ascii: ")")), close + 2 < count else { return nil }
        return buffer[close + 2]
    }

    private static func firstNumber(in path: String, buffer: inout [UInt8]) -> UInt64? {
        guard let count = read(path, into: &buffer) else { return nil }
        var value: UInt64 = 0
        var digits = 0
        for byte in buffer[0..<count] {
            guard byte >= 48 && byte <= 57 else { break }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 48))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    private static func numbers(in path: String, buffer: inout [UInt8]) -> [Int32] {
        guard let count = read(path, into: &buffer), count > 0 else { return [] }
        return buffer[0..<count].split(whereSeparator: { $0 == 32 || $0 == 10 }).compactMap {
            Int32(String(decoding: $0, as: UTF8.self))
        }
    }

    /// Reads a small /proc file whole; nil when it cannot be opened.
    private static func read(_ path: String, into buffer: inout [UInt8]) -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var total = 0
        while total < buffer.count {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + total, $0.count - total) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            total += count
        }
        return total
    }
}

import Foundation

/// How busy a starting agent's processes are right now (sampled every few milliseconds while a
/// start holds a slot, so read with `ProcFile`).
struct StartActivity: Equatable {
    /// CPU time of the agent's process and its descendants, all their threads (from
    /// /proc/<pid>/task/<tid>/schedstat: nanoseconds, unlike the 10 ms ticks of stat).
    var cpuNanoseconds: UInt64
    /// One of them is running or waiting for a CPU (`R`) or for the disk (`D`).
    var runnable: Bool
    /// How many processes were read.
    var processes: Int

    /// At most this many processes of one agent are read.
    static let processLimit = 32

    /// At most this many threads of one process are read.
    static let threadLimit = 64

    /// The activity of `pid` and its descendants, every thread of each (a JVM or a Python
    /// agent may load in worker threads while its main thread waits); nil when `pid` is gone.
    /// A single-threaded process costs three small reads (stat, schedstat, children).
    static func sample(_ pid: Int32, files: inout ProcFile) -> StartActivity? {
        var pending = [pid]
        var activity = StartActivity(cpuNanoseconds: 0, runnable: false, processes: 0)
        while let next = pending.popLast(), activity.processes < processLimit {
            // The process's stat holds its main thread's state and the thread count: a
            // single-threaded process (most, while they start) needs no listing of its threads.
            guard let fields = files.statFields(next), let leaderState = fields.first?.first else {
                if next == pid { return nil }
                continue
            }
            let threadCount = fields.count > 17 ? ProcFile.number(fields[17]) : nil
            let threads = threadCount == 1 ? [next] : threadIDs(of: next)
            guard !threads.isEmpty else {
                if next == pid { return nil }
                continue
            }
            activity.processes += 1
            for thread in threads {
                let task = "/proc/\(next)/task/\(thread)"
                guard let runtime = files.firstNumber("\(task)/schedstat") else { continue }
                activity.cpuNanoseconds &+= runtime
                let state = thread == next ? leaderState : taskState(task, files: &files)
                if state == UInt8(ascii: "R") || state == UInt8(ascii: "D") {
                    activity.runnable = true
                }
                // A child is listed under the thread that forked it.
                pending += files.numbers("\(task)/children")
            }
        }
        return activity
    }

    /// The thread ids of a process (at most `threadLimit`); empty when it is gone.
    private static func threadIDs(of pid: Int32) -> [Int32] {
        guard let directory = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(directory) }
        var threads: [Int32] = []
        while threads.count < threadLimit, let entry = readdir(directory) {
            let number = withUnsafeBytes(of: entry.pointee.d_name) { raw in ProcFile.number(ArraySlice(raw.prefix { $0 != 0 })) }
            if let number, let thread = Int32(exactly: number) { threads.append(thread) }
        }
        return threads
    }

    /// The state letter of a thread's `stat` (after the command name, which may hold spaces).
    private static func taskState(_ task: String, files: inout ProcFile) -> UInt8? {
        guard let bytes = files.read("\(task)/stat"), let close = bytes.lastIndex(of: UInt8(ascii: ")")),
              close + 2 < bytes.endIndex else { return nil }
        return bytes[close + 2]
    }
}

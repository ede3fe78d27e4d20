import Foundation

/// How busy a starting agent's processes are right now (sampled every few milliseconds while a
/// start holds a slot, so read with `ProcFile`).
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

    /// The activity of `pid` and its descendants (children of each one's main thread); nil
    /// when `pid` is gone.
    static func sample(_ pid: Int32, files: inout ProcFile) -> StartActivity? {
        var pending = [pid]
        var activity = StartActivity(cpuNanoseconds: 0, runnable: false, processes: 0)
        while let next = pending.popLast(), activity.processes < processLimit {
            guard let runtime = files.firstNumber("/proc/\(next)/schedstat"),
                  let state = files.statFields(next)?.first?.first else {
                if next == pid { return nil }
                continue
            }
            activity.processes += 1
            activity.cpuNanoseconds &+= runtime
            if state == UInt8(ascii: "R") || state == UInt8(ascii: "D") { activity.runnable = true }
            pending += files.numbers("/proc/\(next)/task/\(next)/children")
        }
        return activity
    }
}

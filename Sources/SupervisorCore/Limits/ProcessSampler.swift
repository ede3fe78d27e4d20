import Foundation

/// What /proc says about a set of processes, summed.
struct ProcessSample {
    var rss: UInt64 = 0
    /// User + system CPU seconds of the processes alive now.
    var cpuSeconds: Double = 0
    var threads = 0
    var fds = 0
    var processes = 0
}

/// Reads /proc only (no subprocesses): process groups, memory, CPU, threads, descriptors. Every
/// file is read with `ProcFile` (plain system calls), since a sample of 1000 agents reads a few
/// thousand of them.
enum ProcessSampler {
    static let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// True when the process has exited and waits to be reaped (state `Z` in /proc/<pid>/stat).
    static func isZombie(_ pid: Int32) -> Bool {
        var files = ProcFile()
        return files.statFields(pid)?.first?.first == UInt8(ascii: "Z")
    }

    /// The process's command line, arguments joined by spaces (`?` when it is gone).
    static func commandLine(_ pid: Int32) -> String {
        var files = ProcFile()
        guard let bytes = files.read("/proc/\(pid)/cmdline"), !bytes.isEmpty else { return "?" }
        let words = bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        // One line whatever the arguments hold.
        let text = String(words.joined(separator: " ").map { $0.isNewline || $0 == "\t" ? " " : $0 })
        return text.count <= 120 ? text : String(text.prefix(117)) + "..."
    }

    /// Every process of every process group in `groups`, from one pass over /proc: the pids
    /// from its listing, each one's group from `getpgid` (one light system call, where reading
    /// /proc/<pid>/stat costs an open, the kernel's formatting of 50 fields and a close).
    static func members(ofGroups groups: Set<Int32>) -> [Int32: [Int32]] {
        var result: [Int32: [Int32]] = [:]
        guard !groups.isEmpty, let proc = opendir("/proc") else { return result }
        defer { closedir(proc) }
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                ProcFile.number(ArraySlice(raw.prefix { $0 != 0 }))
            }
            // -1 (ESRCH) for a process that is gone meanwhile.
            guard let number = name, let pid = Int32(exactly: number) else { continue }
            let group = getpgid(pid)
            guard group > 0, groups.contains(group) else { continue }
            result[group, default: []].append(pid)
        }
        return result
    }

    /// `pid` and its descendants, from the `children` lists of /proc/<pid>/task/*/ (only these
    /// processes are read), at most `limit` of them.
    static func descendants(of pid: Int32, limit: Int = 256) -> [Int32] {
        var found = [pid]
        var seen: Set<Int32> = [pid]
        var index = 0
        while index < found.count && found.count < limit {
            let parent = found[index]
            index += 1
            for child in children(of: String(parent)) where found.count < limit && seen.insert(child).inserted {
                found.append(child)
            }
        }
        return found
    }

    /// The children of a process (`self` for this one), from every thread's
    /// /proc/<pid>/task/<tid>/children list (a child is listed under the thread that forked or
    /// adopted it).
    static func children(of pid: String) -> [Int32] {
        guard let tasks = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(tasks) }
        var files = ProcFile()
        var pids: [Int32] = []
        while let entry = readdir(tasks) {
            let task = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            guard task.first != "." else { continue }
            pids += files.numbers("/proc/\(pid)/task/\(task)/children")
        }
        return pids
    }

    /// Resident memory of `pids` from /proc/<pid>/statm (cheap: for the memory watchdog).
    static func residentBytes(_ pids: [Int32]) -> UInt64 {
        var files = ProcFile()
        var total: UInt64 = 0
        for pid in pids {
            guard let bytes = files.read("/proc/\(pid)/statm") else { continue }
            let fields = bytes.split(separator: UInt8(ascii: " "))
            if fields.count > 1, let pages = ProcFile.number(fields[1]) { total &+= pages &* pageSize }
        }
        return total
    }

    /// Sums the figures of `pids` (processes that vanished meanwhile are skipped).
    static func sample(_ pids: [Int32]) -> ProcessSample {
        var files = ProcFile()
        var sample = ProcessSample()
        for pid in pids {
            // Fields after ")": [0] state, [11] utime, [12] stime, [17] num_threads, [21] rss.
            guard let fields = files.statFields(pid), fields.count > 21 else { continue }
            sample.processes += 1
            let ticks = (ProcFile.number(fields[11]) ?? 0) &+ (ProcFile.number(fields[12]) ?? 0)
            sample.cpuSeconds += Double(ticks) / ticksPerSecond
            sample.threads += Int(clamping: ProcFile.number(fields[17]) ?? 0)
            sample.rss &+= (ProcFile.number(fields[21]) ?? 0) &* pageSize
            sample.fds += ProcFile.descriptorCount(pid) ?? 0
        }
        return sample
    }
}

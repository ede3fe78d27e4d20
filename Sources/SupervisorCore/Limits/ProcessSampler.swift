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

/// Reads /proc only (no subprocesses): process groups, memory, CPU, threads, descriptors.
enum ProcessSampler {
    static let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The fields of /proc/<pid>/stat after the command name (which may contain spaces).
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// True when the process has exited and waits to be reaped (state `Z` in /proc/<pid>/stat).
    static func isZombie(_ pid: Int32) -> Bool {
        statFields(pid)?.first == "Z"
    }

    /// The process's command line, arguments joined by spaces (`?` when it is gone).
    static func commandLine(_ pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return "?" }
        let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        // One line whatever the arguments hold.
        let text = String(words.joined(separator: " ").map { $0.isNewline || $0 == "\t" ? " " : $0 })
        return text.count <= 120 ? text : String(text.prefix(117)) + "..."
    }

    /// Every process of every process group in `groups`, from one pass over /proc.
    static func members(ofGroups groups: Set<Int32>) -> [Int32: [Int32]] {
        var result: [Int32: [Int32]] = [:]
        guard !groups.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return result }
        for entry in entries {
            guard let pid = Int32(entry), let fields = statFields(pid), fields.count > 2,
                  let group = Int32(fields[2]), groups.contains(group) else { continue }
            result[group, default: []].append(pid)
        }
        return result
    }

    /// `pid` and its descendants, from the `children` lists of /proc/<pid>/task/*/ (only these
    /// processes are read), at most `limit` of them.
    static func descendants(of pid: Int32, limit: Int = 256) -> [Int32] {
        var found = [pid]
        var index = 0
        while index < found.count && found.count < limit {
            let parent = found[index]
            index += 1
            for child in children(of: String(parent)) where !found.contains(child) && found.count < limit {
                found.append(child)
            }
        }
        return found
    }

    /// The children of a process (`self` for this one), from every thread's
    /// /proc/<pid>/task/<tid>/children list (a child is listed under the thread that forked or
    /// adopted it).
    static func children(of pid: String) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var pids: [Int32] = []
        for task in tasks {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8) else { continue }
            pids += text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return pids
    }

    /// Resident memory of `pids` from /proc/<pid>/statm (cheap: for the memory watchdog).
    static func residentBytes(_ pids: [Int32]) -> UInt64 {
        var total: UInt64 = 0
        for pid in pids {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { continue }
            let fields = text.split(separator: " ")
            if fields.count > 1, let pages = UInt64(fields[1]) { total += pages * pageSize }
        }
        return total
    }

    /// Sums the figures of `pids` (processes that vanished meanwhile are skipped).
    static func sample(_ pids: [Int32]) -> ProcessSample {
        var sample = ProcessSample()
        for pid in pids {
            // Fields after ")": [0] state, [11] utime, [12] stime, [17] num_threads, [21] rss.
            guard let fields = statFields(pid), fields.count > 21 else { continue }
            sample.processes += 1
            sample.cpuSeconds += (Double(fields[11]) ?? 0) / ticksPerSecond + (Double(fields[12]) ?? 0) / ticksPerSecond
            sample.threads += Int(fields[17]) ?? 0
            sample.rss += (UInt64(fields[21]) ?? 0) * pageSize
            sample.fds += (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
        }
        return sample
    }
}

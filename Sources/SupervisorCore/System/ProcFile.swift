import Foundation

/// Reads /proc files with plain system calls: small ones into a buffer the caller keeps, so that
/// sampling hundreds of processes costs a few system calls each and no allocation per file; long
/// ones (`wholeText`) to their end.
struct ProcFile {
    private var buffer = [UInt8](repeating: 0, count: 4096)

    /// The file's bytes (a view into the buffer, valid until the next read); nil when it cannot
    /// be opened (the process is gone).
    mutating func read(_ path: String) -> ArraySlice<UInt8>? {
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
        return buffer[0..<total]
    }

    /// The whole text of a /proc, /sys or cgroup file, read with plain system calls until end of
    /// file; nil when it cannot be opened.
    ///
    /// Foundation's `String(contentsOfFile:)` trusts the size `stat` reports, which is 0 for these
    /// files, and returns only the first read: about 4 KB. /proc/net/tcp of a busy machine (here,
    /// 700 sockets: 100 KB), /proc/self/mountinfo with a few dozen mounts and the `cgroup.procs` of
    /// a large cgroup are longer, so they must be read to the end.
    static func wholeText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The fields of /proc/<pid>/stat after the command name (which may hold spaces and
    /// parentheses): [0] state, [2] process group, [11] utime, [12] stime, [17] threads, [21] rss.
    mutating func statFields(_ pid: Int32) -> [ArraySlice<UInt8>]? {
        guard let bytes = read("/proc/\(pid)/stat"), let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        return bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
    }

    /// The leading decimal number of the file (its first field); nil when there is none.
    mutating func firstNumber(_ path: String) -> UInt64? {
        guard let bytes = read(path) else { return nil }
        return Self.number(bytes.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") })
    }

    /// Whitespace-separated numbers of the file (a `children` list). A list longer than the
    /// buffer (a supervisor of hundreds of agents: the orphans the kernel re-parents to it come
    /// last) is read again to its end.
    mutating func numbers(_ path: String) -> [Int32] {
        guard let bytes = read(path) else { return [] }
        guard bytes.count == buffer.count else { return Self.numbers(in: bytes) }
        guard let text = Self.wholeText(path) else { return [] }
        return Self.numbers(in: ArraySlice(text.utf8))
    }

    /// The whitespace-separated numbers of `bytes` that fit a pid.
    static func numbers(in bytes: ArraySlice<UInt8>) -> [Int32] {
        bytes.split(whereSeparator: { $0 == 32 || $0 == 10 }).compactMap { number($0).flatMap { Int32(exactly: $0) } }
    }

    /// A decimal field; nil when it is empty, holds anything but digits, or overflows.
    static func number(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= 48 && byte <= 57 else { return nil }
            let (times, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, carried) = times.addingReportingOverflow(UInt64(byte - 48))
            guard !overflowed && !carried else { return nil }
            value = sum
        }
        return value
    }

    /// How many descriptors the process has open: since Linux 6.2 the size `stat` gives for
    /// /proc/<pid>/fd, one system call; on older kernels (size 0) its entries are counted.
    /// nil when the process is gone or its descriptors cannot be read.
    static func descriptorCount(_ pid: Int32) -> Int? {
        let path = "/proc/\(pid)/fd"
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_size > 0 ? Int(info.st_size) : entryCount(path)
    }

    /// How many entries a /proc directory has (open descriptors in /proc/<pid>/fd), without
    /// `.` and `..`; nil when it cannot be opened.
    static func entryCount(_ path: String) -> Int? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = entry.pointee.d_name
            // "." and "..": the only names starting with a dot in these directories.
            if name.0 == UInt8(ascii: ".") { continue }
            count += 1
        }
        return count
    }
}

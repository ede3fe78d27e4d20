import Foundation

/// Memory agent-sim holds on purpose, for `--memory` and `--grow-memory`.
///
/// Every page is written once, so the memory counts in RSS and in a cgroup's usage at once;
/// an allocation that is never touched costs nothing on Linux and would not test a limit.
final class MemoryBallast {
    /// Bytes allocated and touched so far.
    private(set) var bytes = 0
    private var regions: [(start: UnsafeMutableRawPointer, length: Int)] = []
    private let pageSize = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

    /// Maps `count` more bytes and touches each page, in order. Returns false (with nothing
    /// added) if the kernel refuses the mapping. Over a cgroup memory limit the kernel's OOM
    /// killer ends the process during the touching, which is exactly what a limit test wants.
    @discardableResult
    func add(_ count: Int) -> Bool {
        guard count > 0 else { return true }
        let length = (count + pageSize - 1) / pageSize * pageSize
        let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let start = mapped, start != MAP_FAILED else { return false }
        var offset = 0
        while offset < length {
            // A non-zero byte: the kernel must give this page real memory.
            start.storeBytes(of: UInt8(0xA5), toByteOffset: offset, as: UInt8.self)
            offset += pageSize
        }
        regions.append((start, length))
        bytes += length
        return true
    }

    deinit {
        for region in regions { munmap(region.start, region.length) }
    }

    /// `count` bytes in the largest unit that keeps it readable, e.g. `100 MiB`.
    static func describe(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let number = value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
        return "\(number) \(units[unit])"
    }
}

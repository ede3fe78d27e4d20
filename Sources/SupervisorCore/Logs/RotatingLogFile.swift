import Foundation

/// An append-only log file rotated by size: `name.log` -> `name.log.1` -> ... -> `name.log.N`.
///
/// Callers hand it whole lines in one `write`, so lines from different streams never mix.
public final class RotatingLogFile {
    public let path: String
    public let maxSize: UInt64
    public let maxFiles: Int
    private var fd: Int32 = -1
    private var size: UInt64 = 0

    public init(path: String, maxSize: UInt64, maxFiles: Int) throws {
        self.path = path
        self.maxSize = maxSize
        self.maxFiles = maxFiles
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try open()
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Appends bytes, rotating first if they would push the file past `maxSize`.
    public func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if size > 0 && size + UInt64(bytes.count) > maxSize {
            rotate()
        }
        Descriptor.writeAll(fd, bytes)
        size += UInt64(bytes.count)
    }

    private func open() throws {
        fd = try retryingSystemCall("open(\(path))") {
            Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        }
        var info = stat()
        size = fstat(fd, &info) == 0 ? UInt64(info.st_size) : 0
    }

    private func rotate() {
        close(fd)
        fd = -1
        if maxFiles > 0 {
            unlink("\(path).\(maxFiles)")
            for index in stride(from: maxFiles - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            rename(path, "\(path).1")
        } else {
            unlink(path)
        }
        // If the file cannot be reopened, lines are dropped rather than crashing the daemon.
        try? open()
    }
}

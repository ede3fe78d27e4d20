import CSpawn
import Foundation

/// Small file-descriptor helpers, each retrying EINTR and throwing `SystemError`.
public enum Descriptor {
    /// A close-on-exec pipe; the read end is non-blocking (it is polled by the reactor).
    public static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        try retryingSystemCall("pipe2") { cspawn_pipe_cloexec(&fds) }
        do {
            // A new pipe's read end has no status flags but O_RDONLY: set O_NONBLOCK without
            // asking first (one call fewer per pipe, two per spawn).
            try retryingSystemCall("fcntl(F_SETFL)") { fcntl(fds[0], F_SETFL, O_RDONLY | O_NONBLOCK) }
        } catch {
            close(fds[0])
            close(fds[1])
            throw error
        }
        return (fds[0], fds[1])
    }

    public static func setNonBlocking(_ fd: Int32) throws {
        let flags = try retryingSystemCall("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
        try retryingSystemCall("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    /// Reads what is available without blocking: bytes, or nil at end of file. An empty
    /// array means "nothing now".
    public static func readAvailable(_ fd: Int32, into buffer: inout [UInt8]) -> [UInt8]? {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 { return Array(buffer[0..<count]) }
            if count == 0 { return nil }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return [] }
            return nil
        }
    }

    /// Writes everything, retrying short writes and EINTR; gives up at the first error.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        _ = write(fd, bytes)
    }

    /// Writes everything, retrying short writes and EINTR. Returns how many bytes were written
    /// and, when that is not all of them, the errno that stopped it (a `write` that makes no
    /// progress counts as EIO, so this never spins).
    public static func write(_ fd: Int32, _ bytes: [UInt8]) -> (written: Int, errno: Int32?) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if count > 0 {
                offset += count
                continue
            }
            if count < 0 && errno == EINTR { continue }
            return (offset, count < 0 ? errno : EIO)
        }
        return (offset, nil)
    }
}

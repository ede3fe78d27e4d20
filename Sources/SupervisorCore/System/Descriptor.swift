import CSpawn
import Foundation

/// Small file-descriptor helpers, each retrying EINTR and throwing `SystemError`.
public enum Descriptor {
    /// A close-on-exec pipe; the read end is non-blocking (it is polled by the reactor).
    public static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        try retryingSystemCall("pipe2") { cspawn_pipe_cloexec(&fds) }
        do {
            try setNonBlocking(fds[0])
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

    /// Writes everything, retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

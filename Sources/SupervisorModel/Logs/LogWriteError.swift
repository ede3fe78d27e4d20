/// Why a log file could not be written (or opened): a code for programs, the system's sentence
/// for people, and the errno behind it. On the wire: `{"code": "no_space", "errno": 28,
/// "message": "no space left on device"}`.
public struct LogWriteError: Error, Equatable, Sendable, Codable, CustomStringConvertible {
    /// The kinds of failure a reader may want to tell apart.
    public enum Code: String, Sendable, Codable {
        /// ENOSPC: the file system is full.
        case noSpace = "no_space"
        /// EDQUOT: the user's disk quota is used up.
        case quotaExceeded = "quota_exceeded"
        /// EIO: the device failed.
        case ioError = "io_error"
        /// EFBIG: the file is larger than the file system or `RLIMIT_FSIZE` allows.
        case fileTooLarge = "file_too_large"
        /// The file could not be opened for another reason (its folder is gone, permissions).
        case cannotOpen = "cannot_open"
        /// Any other write error.
        case writeFailed = "write_failed"
    }

    public var code: Code
    /// The errno of the failed call.
    public var errno: Int32
    /// Lower-case, as in `no space left on device`.
    public var message: String

    public init(code: Code, errno: Int32, message: String) {
        self.code = code
        self.errno = errno
        self.message = message
    }

    public var description: String { message }
}

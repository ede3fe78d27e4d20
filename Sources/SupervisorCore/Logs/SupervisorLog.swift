import Foundation

/// The supervisor's own log: `logs/<host>/supervisor.log`, mirrored to stderr.
public final class SupervisorLog {
    private let file: RotatingLogFile?
    private let mirror: Bool
    public let host: String

    /// `directory` nil logs to stderr only.
    public init(directory: String?, host: String, mirrorToStderr: Bool = true) throws {
        self.host = host
        self.mirror = mirrorToStderr
        file = try directory.map {
            try RotatingLogFile(path: "\($0)/supervisor.log", maxSize: 10 << 20, maxFiles: 5)
        }
    }

    /// Writes one event line.
    public func note(_ message: String) {
        let line = "\(Timestamp.now()) \(host) \(message)\n"
        let bytes = Array(line.utf8)
        file?.append(bytes)
        if mirror { Descriptor.writeAll(STDERR_FILENO, bytes) }
    }
}

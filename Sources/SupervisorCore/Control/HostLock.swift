import Foundation

/// One supervisor per host: an exclusive `flock` on `<run>/<host>.lock`, held for the life of
/// the process (the kernel drops it when the process dies, even by SIGKILL).
public final class HostLock {
    public let path: String
    private let fd: Int32

    /// Why the lock could not be taken.
    public enum Failure: Error, CustomStringConvertible {
        case held(path: String, pid: String)
        case unusable(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path, let pid):
                "a supervisor for this host is already running (pid \(pid), lock \(path)); stop it with `supervisor down` first"
            case .unusable(let path, let reason):
                "cannot use the lock file \(path): \(reason)"
            }
        }
    }

    public init(directory: String, host: String) throws {
        path = "\(directory)/\(host).lock"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure.unusable(path: path, reason: "\(error)")
        }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure.unusable(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(fd)
            throw Failure.held(path: path, pid: holder.isEmpty ? "?" : holder)
        }
        ftruncate(fd, 0)
        Descriptor.writeAll(fd, Array("\(getpid())\n".utf8))
    }

    deinit {
        close(fd)
    }

    /// The pid written in `<directory>/<host>.lock` while a supervisor holds it; nil when no
    /// supervisor of that host runs (or there is no lock file). Takes nothing and writes nothing.
    public static func holder(directory: String, host: String) -> String? {
        let path = "\(directory)/\(host).lock"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        let pid = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return pid.isEmpty ? "?" : pid
    }
}

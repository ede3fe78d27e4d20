import Foundation
import Testing

/// A fresh folder under the system temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = #function) throws {
        let name = label.filter { $0.isLetter || $0.isNumber }.prefix(24)
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("core-tests-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Compare against what processes see (`pwd -P`), so resolve symbolic links once.
        path = url.resolvingSymlinksInPath().path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`.
    func file(_ relative: String) -> String { "\(path)/\(relative)" }

    /// Creates a sub-folder and returns its path.
    @discardableResult
    func folder(_ relative: String) throws -> String {
        let folder = file(relative)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Writes `text` to `relative` with the given mode and returns its path.
    @discardableResult
    func write(_ relative: String, _ text: String, mode: Int = 0o644) throws -> String {
        let target = file(relative)
        try text.write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
        return target
    }

    /// The text of `relative`, or nil when it does not exist.
    func read(_ relative: String) -> String? {
        try? String(contentsOfFile: file(relative), encoding: .utf8)
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeout` seconds pass.
/// Generous deadlines: the tests must pass on a loaded two-core machine.
@discardableResult
func waitUntil(timeout: TimeInterval = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}

/// Process liveness as the kernel sees it: a zombie (exited, not reaped yet, e.g. by an init
/// that is slow to reap orphans) counts as gone.
enum ProcessState {
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X" && state != "x"
    }

    /// Kills `pid` if it still runs (clean-up after a failed test).
    static func killIfAlive(_ pid: Int32) {
        if isAlive(pid) { kill(pid, SIGKILL) }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now (bound to port 0, then closed).
func unusedLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    defer { close(fd) }
    return try bindLoopback(fd)
}

/// A TCP socket listening on 127.0.0.1 at a port the kernel chose; closed on deinit.
final class LoopbackListener {
    let fd: Int32
    let port: Int

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        port = try bindLoopback(fd)
        try #require(listen(fd, 16) == 0)
    }

    deinit {
        close(fd)
    }
}

/// Binds `fd` to 127.0.0.1 on a port the kernel picks and returns that port.
private func bindLoopback(_ fd: Int32) throws -> Int {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    try #require(bound)
    return Int(UInt16(bigEndian: address.sin_port))
}

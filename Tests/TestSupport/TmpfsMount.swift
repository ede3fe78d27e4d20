import Foundation

/// A small tmpfs for one test (shared by the test targets): a disk that really fills up. Needs root; `make` says why not
/// and gives nil otherwise, so the test can skip at once. Call `unmount()` in a `defer`.
public final class TmpfsMount {
    public let path: String
    private var mounted = true

    private init(path: String) {
        self.path = path
    }

    /// Mounts a tmpfs of `size` (`64k`, `2m`) on `path` (created if missing).
    public static func make(at path: String, size: String, test: String) -> TmpfsMount? {
        guard getuid() == 0 else {
            print("\(test): skipped: mounting a tmpfs needs root")
            return nil
        }
        mkdir(path, 0o755)
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(size)") == 0 else {
            print("\(test): skipped: cannot mount a tmpfs on \(path): \(String(cString: strerror(errno)))")
            return nil
        }
        return TmpfsMount(path: path)
    }

    /// Changes the size (`mount -o remount,size=...`).
    public func resize(_ size: String) -> Bool {
        mount("tmpfs", path, "tmpfs", UInt(MS_REMOUNT), "size=\(size)") == 0
    }

    /// Writes zeros to `name` until the disk is full; returns its path.
    @discardableResult
    public func fill(_ name: String = "filler") -> String {
        let file = "\(path)/\(name)"
        let fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { close(fd) }
        let block = [UInt8](repeating: 0, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        return file
    }

    /// Writes `bytes` zeros to `name` (to leave only some room).
    public func occupy(_ bytes: Int, _ name: String = "filler") {
        _ = FileManager.default.createFile(atPath: "\(path)/\(name)", contents: Data(count: bytes))
    }

    /// Unmounts (lazily if something still holds a file there).
    public func unmount() {
        guard mounted else { return }
        mounted = false
        if umount2(path, 0) != 0 { umount2(path, Int32(MNT_DETACH)) }
        rmdir(path)
    }

    deinit {
        unmount()
    }
}

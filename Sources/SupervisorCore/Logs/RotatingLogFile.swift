import Foundation
import SupervisorModel

/// An append-only log file rotated by size: `name.log` -> `name.log.1` -> ... -> `name.log.N`.
///
/// Callers hand it whole lines in one `write`, so lines from different streams never mix.
///
/// A write that fails (disk full, quota, I/O error, a file that cannot be reopened) loses its
/// lines, never the file: they are counted in `loss`, the file is cut back to its last whole
/// line, and the next append tries again, reopening the file when it was removed or could not
/// be reopened after a rotation. Before the first lines written after a loss comes the
/// owner's `gapMarker`, saying how many lines are missing there. Nothing here waits or loops:
/// an append makes at most two write attempts.
public final class RotatingLogFile {
    public let path: String
    public let maxSize: UInt64
    public let maxFiles: Int
    /// Lines lost so far, and whether writing fails now.
    public private(set) var loss: LogLoss
    /// The line(s) written where lines were lost, given how many and why; nil writes none.
    /// Written whole or not at all, and never counted as lost.
    public var gapMarker: ((_ lines: Int, _ error: LogWriteError) -> [UInt8])?
    /// Lines kept until the file can take them (see `append(_:keepIfLost:)`).
    public private(set) var held: [[UInt8]] = []
    /// At most this many lines are held; older ones are then counted as lost.
    public static let heldLimit = 100
    /// Where `loss` gets the time from.
    var clock: () -> TimeInterval = MonotonicClock.now
    private var fd: Int32 = -1
    private var size: UInt64 = 0
    /// Lines lost since the last marker in the file, and the latest reason.
    private var unmarked: (lines: Int, error: LogWriteError)?
    /// The file ends inside a line that could not be cut back: the next write starts a line.
    private var torn = false
    private static let newline = UInt8(ascii: "\n")

    /// Opens (creating) the file. A full or failing disk does not fail this: the first append
    /// reports it and later ones try again. Other errors (no permission) are thrown.
    public init(path: String, maxSize: UInt64, maxFiles: Int, settle: TimeInterval = 1) throws {
        self.path = path
        self.maxSize = maxSize
        self.maxFiles = maxFiles
        loss = LogLoss(settle: settle)
        var error = open()
        if error?.errno == ENOENT {
            // The folder is made only when it is missing: in the common case (the reactor
            // opens each agent's log at its first start, in a folder that exists) the open is
            // the only call, not FileManager's walk of the path.
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            error = open()
        }
        if let error, !error.isTransient { throw error }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Appends whole lines, rotating first if they would push the file past `maxSize`. Returns
    /// the change in `loss` this write made, if any (at most one per outage and one per
    /// recovery). With `keepIfLost`, lines that cannot be written are held (up to `heldLimit`)
    /// and written before the next ones, instead of being lost.
    @discardableResult
    public func append(_ bytes: [UInt8], keepIfLost: Bool = false) -> LogLoss.Change? {
        guard !bytes.isEmpty else { return nil }
        if fd >= 0 && size > 0 && size + UInt64(bytes.count) > maxSize { rotate() }
        let pending = (unmarked, held)
        var outcome = attempt(bytes)
        // A file removed while we held it still takes the space of what it holds until it is
        // closed: reopen it (a new, empty file) and try once more, with the marker and held
        // lines again (what went to the removed file is gone with it).
        if case .failed = outcome, reopenIfReplaced() {
            (unmarked, held) = pending
            outcome = attempt(bytes)
        }
        let now = clock()
        switch outcome {
        case .written:
            return loss.wrote(now: now)
        case .failed(let error, let firstLost):
            let rest = bytes[firstLost...]
            var lost = 0
            if keepIfLost {
                held += Self.split(rest)
                lost = max(0, held.count - Self.heldLimit)
                if lost > 0 { held.removeFirst(lost) }
            } else {
                lost = Self.lineCount(rest)
            }
            if lost > 0 { unmarked = ((unmarked?.lines ?? 0) + lost, error) }
            return loss.failed(losing: lost, error, now: now)
        }
    }

    /// Lets `loss` conclude that writing has resumed when nothing more is written for a while.
    @discardableResult
    public func settle() -> LogLoss.Change? {
        loss.settle(now: clock())
    }

    private enum Outcome {
        case written
        /// `firstLost`: where, in the caller's bytes, the lines that are not in the file begin.
        case failed(LogWriteError, firstLost: Int)
    }

    /// One write of the pending marker (and held lines) followed by `bytes`.
    private func attempt(_ bytes: [UInt8]) -> Outcome {
        if fd < 0, let error = open() { return .failed(error, firstLost: 0) }
        let prefix = pendingPrefix()
        let buffer = prefix.isEmpty ? bytes : prefix + bytes
        let (written, code) = Descriptor.write(fd, buffer)
        guard let code else {
            size += UInt64(buffer.count)
            clearPrefix()
            return .written
        }
        // Keep what was written up to its last whole line; a prefix goes whole or not at all.
        var keep = 0
        if written >= prefix.count {
            keep = prefix.count
            if let last = buffer[prefix.count..<written].lastIndex(of: Self.newline) { keep = last + 1 }
        }
        if written > keep {
            let end = lseek(fd, 0, SEEK_CUR)
            // Cannot cut it back: the file keeps the piece, and the next write starts a line.
            if end < 0 || ftruncate(fd, end - off_t(written - keep)) != 0 { keep = written }
        }
        if keep >= prefix.count && !prefix.isEmpty { clearPrefix() }
        if keep > 0 { torn = buffer[keep - 1] != Self.newline }
        var info = stat()
        if fstat(fd, &info) == 0 { size = UInt64(info.st_size) }
        return .failed(LogWriteError(errno: code, opening: false), firstLost: min(bytes.count, max(0, keep - prefix.count)))
    }

    /// A newline after a torn line, the gap marker and the held lines, as one block.
    private func pendingPrefix() -> [UInt8] {
        guard torn || unmarked != nil || !held.isEmpty else { return [] }
        var prefix: [UInt8] = torn ? [Self.newline] : []
        if let unmarked, let gapMarker {
            prefix += gapMarker(unmarked.lines, unmarked.error)
            if prefix.last != Self.newline { prefix.append(Self.newline) }
        }
        for line in held { prefix += line }
        return prefix
    }

    private func clearPrefix() {
        torn = false
        unmarked = nil
        held = []
    }

    /// SIGUSR2 (after logrotate moved the file): when the path no longer names the open file,
    /// or the file is closed after a failure, opens the path anew. True when it did.
    @discardableResult
    public func reopenIfMoved() -> Bool {
        guard fd < 0 || reopenIfReplaced() else { return false }
        _ = open()
        return true
    }

    /// After a failed write: true (and closed) when the path no longer names the open file.
    private func reopenIfReplaced() -> Bool {
        guard fd >= 0 else { return false }
        var open = stat(), named = stat()
        if fstat(fd, &open) == 0 && stat(path, &named) == 0 && open.st_dev == named.st_dev && open.st_ino == named.st_ino {
            return false
        }
        close(fd)
        fd = -1
        torn = false
        return true
    }

    /// Opens the file for appending; the error when it cannot be.
    private func open() -> LogWriteError? {
        var descriptor: Int32
        repeat {
            descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { return LogWriteError(errno: errno, opening: true) }
        fd = descriptor
        var info = stat()
        size = fstat(fd, &info) == 0 ? UInt64(info.st_size) : 0
        return nil
    }

    /// Shifts the files; the next write opens a new live file (and every later one tries
    /// again if that fails).
    private func rotate() {
        close(fd)
        fd = -1
        torn = false
        if maxFiles > 0 {
            unlink("\(path).\(maxFiles)")
            for index in stride(from: maxFiles - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            rename(path, "\(path).1")
        } else {
            unlink(path)
        }
    }

    /// Lines in `bytes`: its newlines, plus a last line without one.
    private static func lineCount(_ bytes: ArraySlice<UInt8>) -> Int {
        guard !bytes.isEmpty else { return 0 }
        let newlines = bytes.reduce(0) { $0 + ($1 == newline ? 1 : 0) }
        return newlines + (bytes.last == newline ? 0 : 1)
    }

    /// `bytes` cut into lines, each with its newline.
    private static func split(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == newline {
            lines.append(Array(bytes[start...index]))
            start = index + 1
        }
        if start < bytes.endIndex { lines.append(Array(bytes[start...]) + [newline]) }
        return lines
    }
}

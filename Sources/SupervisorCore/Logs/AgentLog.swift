import Foundation
import SupervisorModel

/// One agent's log: its stdout and stderr, line by line, each line prefixed with a timestamp
/// and the stream, in `logs/<host>/<agent>.log`. The last lines of the current run are also
/// kept in memory (`tail`), lost or not, for the cause of its end.
///
/// Lines that cannot be written (a full disk) are counted, and where they are missing the file
/// gets a line `<time> err supervisor: 41 lines lost here (no space left on device)`.
public final class AgentLog {
    /// Which output stream a line came from.
    public enum Stream: String {
        case out, err
    }

    public let agent: String
    public let file: RotatingLogFile
    private var assemblers: [Stream: LineAssembler] = [.out: LineAssembler(), .err: LineAssembler()]
    /// The last lines of the current run, for the cause of its end.
    public private(set) var tail = OutputTail()

    public init(directory: String, agent: String, rotation: LogRotation, settle: TimeInterval = 1) throws {
        self.agent = agent
        file = try RotatingLogFile(
            path: "\(directory)/\(agent).log", maxSize: rotation.maxSize, maxFiles: rotation.maxFiles, settle: settle)
        file.gapMarker = { lines, error in
            Array("\(Timestamp.now()) err supervisor: \(LogLoss.lines(lines)) lost here (\(error.message))\n".utf8)
        }
    }

    /// Lines lost since the log was opened.
    public var linesLost: Int { file.loss.linesLost }
    /// Why the log cannot be written, while that lasts.
    public var failure: LogWriteError? { file.loss.failure }

    /// Logs the whole lines in a chunk read from `stream`. Returns a notice when the log began
    /// or stopped losing lines.
    @discardableResult
    public func receive(_ chunk: [UInt8], from stream: Stream) -> LogWriteNotice? {
        let lines = assemblers[stream]!.lines(from: chunk)
        return write(lines, stream)
    }

    /// The stream ended: log what is left without a newline.
    @discardableResult
    public func finish(_ stream: Stream) -> LogWriteNotice? {
        guard let last = assemblers[stream]!.finish() else { return nil }
        return write([last], stream)
    }

    /// A new process of the agent starts: its tail starts empty.
    public func beginRun() {
        tail.reset()
    }

    /// Why the current (or last) run ended, read from its last lines, including a last line
    /// that has no newline yet.
    public func cause() -> FailureCause? {
        tail.cause(pendingOut: assemblers[.out]!.pendingLine, pendingErr: assemblers[.err]!.pendingLine)
    }

    /// A notice when the log, failing, has not failed for a while after a write (it resumed).
    public func settle() -> LogWriteNotice? {
        file.settle().map(notice)
    }

    private func write(_ lines: [[UInt8]], _ stream: Stream) -> LogWriteNotice? {
        guard !lines.isEmpty else { return nil }
        tail.append(lines, from: stream)
        var prefix: [UInt8] = []
        prefix.reserveCapacity(Timestamp.length + 5)
        Timestamp.appendNow(to: &prefix)
        prefix += stream == .out ? Self.outTag : Self.errTag
        var buffer: [UInt8] = []
        buffer.reserveCapacity(lines.reduce(0) { $0 + $1.count + prefix.count + 1 })
        for line in lines {
            buffer += prefix
            buffer += line
            buffer.append(UInt8(ascii: "\n"))
        }
        return file.append(buffer).map(notice)
    }

    private static let outTag = Array(" out ".utf8)
    private static let errTag = Array(" err ".utf8)

    private func notice(_ change: LogLoss.Change) -> LogWriteNotice {
        LogWriteNotice(file: file.path, agent: agent, change: change, shownAs: LogPath.shown(file.path))
    }
}

import Foundation
import SupervisorModel

/// One agent's log: its stdout and stderr, line by line, each line prefixed with a timestamp
/// and the stream, in `logs/<host>/<agent>.log`.
public final class AgentLog {
    /// Which output stream a line came from.
    public enum Stream: String {
        case out, err
    }

    public let file: RotatingLogFile
    private var assemblers: [Stream: LineAssembler] = [.out: LineAssembler(), .err: LineAssembler()]

    public init(directory: String, agent: String, rotation: LogRotation) throws {
        file = try RotatingLogFile(
            path: "\(directory)/\(agent).log", maxSize: rotation.maxSize, maxFiles: rotation.maxFiles)
    }

    /// Logs the whole lines in a chunk read from `stream`.
    public func receive(_ chunk: [UInt8], from stream: Stream) {
        let lines = assemblers[stream]!.lines(from: chunk)
        write(lines, stream)
    }

    /// The stream ended: log what is left without a newline.
    public func finish(_ stream: Stream) {
        if let last = assemblers[stream]!.finish() { write([last], stream) }
    }

    private func write(_ lines: [[UInt8]], _ stream: Stream) {
        guard !lines.isEmpty else { return }
        let prefix = Array("\(Timestamp.now()) \(stream.rawValue) ".utf8)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(lines.reduce(0) { $0 + $1.count + prefix.count + 1 })
        for line in lines {
            buffer += prefix
            buffer += line
            buffer.append(UInt8(ascii: "\n"))
        }
        file.append(buffer)
    }
}

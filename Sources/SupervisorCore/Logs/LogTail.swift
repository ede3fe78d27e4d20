import Foundation
import SupervisorModel

/// The last lines of a log file, read backwards in blocks so a large file costs little.
public enum LogTail {
    /// The last `count` lines, and the file size they end at (where a follower continues).
    public static func lastLines(of path: String, count: Int) -> Result<(lines: [String], end: UInt64), ControlError> {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(ControlError(.logUnavailable, "no log yet at \(path) (the agent has not started)"))
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        var position = size
        var data = Data()
        let block: UInt64 = 64 * 1024
        // Read blocks from the end until there are count + 1 newlines (or the file start).
        while position > 0 && data.reduce(0, { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }) <= count {
            let length = min(block, position)
            position -= length
            try? handle.seek(toOffset: position)
            data = (handle.readData(ofLength: Int(length))) + data
            if data.count > 64 << 20 { break }
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if position > 0 && !lines.isEmpty { lines.removeFirst() }
        return .success((Array(lines.suffix(count)), size))
    }
}

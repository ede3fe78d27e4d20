/// Cuts a byte stream into whole lines. Bytes after the last newline wait for the next chunk,
/// so a line written in two pieces is logged once, whole. A line longer than `maxLine` is cut.
public struct LineAssembler {
    public let maxLine: Int
    private var pending: [UInt8] = []

    public init(maxLine: Int = 64 * 1024) {
        self.maxLine = maxLine
    }

    /// The complete lines in `chunk` (plus what was pending), without their newlines.
    public mutating func lines(from chunk: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var start = 0
        for index in chunk.indices where chunk[index] == UInt8(ascii: "\n") {
            pending.append(contentsOf: chunk[start..<index])
            appendCut(pending, to: &result)
            pending.removeAll(keepingCapacity: true)
            start = index + 1
        }
        pending.append(contentsOf: chunk[start...])
        // Only more than maxLine bytes without a newline are cut; exactly maxLine may still end.
        while pending.count > maxLine {
            result.append(Array(pending.prefix(maxLine)))
            pending.removeFirst(maxLine)
        }
        return result
    }

    /// A complete line, cut into pieces of at most `maxLine` bytes.
    private func appendCut(_ line: [UInt8], to result: inout [[UInt8]]) {
        guard line.count > maxLine else { return result.append(line) }
        var offset = 0
        while offset < line.count {
            result.append(Array(line[offset..<min(offset + maxLine, line.count)]))
            offset += maxLine
        }
    }

    /// The bytes after the last newline, not consumed (nil when there are none).
    public var pendingLine: [UInt8]? {
        pending.isEmpty ? nil : pending
    }

    /// What is left at end of stream (a last line without newline), if anything.
    public mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : pending
    }
}

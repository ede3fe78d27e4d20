import SupervisorModel

/// The last lines one run of an agent wrote, per stream, so the cause of its exit can be read
/// at once, without the log file: at most `maxLines` lines and `maxBytes` bytes per stream
/// (older lines are dropped), each line cut to `maxLineBytes`.
public struct OutputTail: Sendable {
    public static let maxLines = 50
    public static let maxBytes = 8 * 1024
    public static let maxLineBytes = 1024

    private var out = LineRing()
    private var err = LineRing()

    public init() {}

    /// Keeps whole lines (without their newlines) of one stream.
    public mutating func append(_ lines: [[UInt8]], from stream: AgentLog.Stream) {
        switch stream {
        case .out: for line in lines { out.append(line) }
        case .err: for line in lines { err.append(line) }
        }
    }

    /// Forgets everything: a new run begins.
    public mutating func reset() {
        out = LineRing()
        err = LineRing()
    }

    /// The kept lines of a stream, oldest first, decoded as UTF-8 (invalid bytes replaced).
    public func lines(of stream: AgentLog.Stream) -> [String] {
        (stream == .out ? out : err).lines.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The cause of the run's end in these lines; `pending` are the streams' last lines that
    /// have no newline yet (a program that died mid-line).
    public func cause(pendingOut: [UInt8]? = nil, pendingErr: [UInt8]? = nil) -> FailureCause? {
        func text(_ stream: AgentLog.Stream, _ pending: [UInt8]?) -> [String] {
            lines(of: stream) + (pending.map { [String(decoding: $0.prefix(Self.maxLineBytes), as: UTF8.self)] } ?? [])
        }
        return FailureCause.extract(stdout: text(.out, pendingOut), stderr: text(.err, pendingErr))
    }
}

/// A ring of the most recent lines within the line and byte bounds.
private struct LineRing: Sendable {
    private var storage: [[UInt8]] = []
    /// Index of the oldest line once the ring is full.
    private var head = 0
    private var bytes = 0

    mutating func append(_ line: [UInt8]) {
        let kept = line.count > OutputTail.maxLineBytes ? Array(line.prefix(OutputTail.maxLineBytes)) : line
        if storage.count < OutputTail.maxLines {
            storage.append(kept)
        } else {
            bytes -= storage[head].count
            storage[head] = kept
            head = (head + 1) % storage.count
        }
        bytes += kept.count
        // Over the byte bound: drop the oldest lines (re-laying the ring out in order).
        if bytes > OutputTail.maxBytes {
            var ordered = lines
            while bytes > OutputTail.maxBytes, ordered.count > 1 {
                bytes -= ordered.removeFirst().count
            }
            storage = ordered
            head = 0
        }
    }

    /// Oldest first.
    var lines: [[UInt8]] {
        head == 0 ? storage : Array(storage[head...] + storage[..<head])
    }
}

import Foundation
import SupervisorModel

/// The supervisor's stderr, written as its `ConsolePolicy` says: log lines that matter, and on
/// a terminal one status line kept at the bottom (erased before a log line is written, drawn
/// again after it). All writes to stderr go through here, so the two never run into each other.
public final class Console {
    public let policy: ConsolePolicy
    private let descriptor: Int32
    /// The status line on the screen now, if any.
    private var status: String?

    public init(policy: ConsolePolicy, descriptor: Int32 = STDERR_FILENO) {
        self.policy = policy
        self.descriptor = descriptor
    }

    /// The policy for this process's stderr (isatty, `TERM`).
    public static func forStandardError(_ verbosity: ConsoleVerbosity) -> Console {
        Console(policy: .decide(verbosity, stderrIsTerminal: isatty(STDERR_FILENO) == 1,
                                environment: ProcessInfo.processInfo.environment))
    }

    /// Whether log lines of this weight are written here.
    @inline(__always)
    public func echoes(_ weight: LogWeight) -> Bool { policy.echoes(weight) }

    /// Whole log lines (each ending in a newline), already chosen with `echoes`.
    public func writeLines(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        guard let status else { return Descriptor.writeAll(descriptor, bytes) }
        Descriptor.writeAll(descriptor, Self.erase + bytes + Array(status.utf8))
    }

    /// One line of text (a newline is added).
    public func writeLine(_ text: String) {
        writeLines(Array((text + "\n").utf8))
    }

    /// Shows what `ProgressDisplay` decided.
    public func show(_ output: ProgressDisplay.Output) {
        switch output {
        case .redraw(let text):
            status = text
            Descriptor.writeAll(descriptor, Self.erase + Array(text.utf8))
        case .line(let text):
            writeLine(text)
        }
    }

    /// Takes the status line away (when start-up has ended); later lines are plain.
    public func clearStatus() {
        guard status != nil else { return }
        status = nil
        Descriptor.writeAll(descriptor, Self.erase)
    }

    /// Back to the start of the line and erase it.
    static let erase = Array("\r\u{1B}[2K".utf8)
}

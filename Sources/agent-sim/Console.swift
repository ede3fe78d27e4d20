import Foundation

/// Writes whole lines straight to stdout or stderr with write(2).
///
/// The supervisor reads agents' output through pipes, where stdio would buffer a full block and
/// a crash would lose it; writing each line with one system call keeps every line visible the
/// moment it is made and never splits a line between two writes (for lines up to PIPE_BUF).
/// This also avoids the C `stdout` global, which Swift 6 rejects as shared mutable state.
enum Console {
    /// Which stream a line goes to.
    enum Stream {
        case standardOutput, standardError

        var descriptor: Int32 { self == .standardOutput ? STDOUT_FILENO : STDERR_FILENO }
    }

    /// Ignores SIGPIPE so that a closed log pipe makes writes fail instead of killing agent-sim;
    /// Python, which the legacy agents run on, does the same at start-up.
    static func prepare() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Writes `text` and a newline to `stream`. Errors (a closed pipe) are ignored: a simulated
    /// agent must go on behaving the same whether or not anyone reads its output.
    static func line(_ text: String, to stream: Stream = .standardOutput) {
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        writeAll(bytes, to: stream.descriptor)
    }

    /// Writes `text` and a newline to stderr.
    static func error(_ text: String) {
        line(text, to: .standardError)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

import Foundation
import SupervisorCore

/// Turns SIGTERM and SIGINT into bytes on a pipe that the reactor polls next to its sockets
/// (the self-pipe trick): the handler only calls write(2), which is async-signal-safe, and all
/// real work happens on the reactor thread when zmq_poll reports the read end readable.
///
/// agent-sim keeps its own copy rather than borrowing the C helper from CSpawn, whose API other
/// work is reshaping; it needs nothing beyond `signal` and `pipe`.
enum SignalPipe {
    // Written once, before any handler is installed, and only read afterwards (also from the
    // handler): no lock is needed, and a lock could not be taken in a signal handler anyway.
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    nonisolated(unsafe) private static var readEnd: Int32 = -1

    /// Installs the handler for `signals` and returns the pipe's read end, non-blocking.
    /// Handlers are reset by exec, so children agent-sim starts never inherit them.
    static func install(_ signals: [Int32]) throws -> Int32 {
        if readEnd < 0 {
            var ends: [Int32] = [-1, -1]
            try retryingSystemCall("pipe") { pipe(&ends) }
            for end in ends {
                // Non-blocking: a full pipe must never block the handler, and draining must stop
                // when it is empty. Close-on-exec: children must not hold it.
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
            readEnd = ends[0]
            writeEnd = ends[1]
        }
        for number in signals {
            // glibc's signal() has BSD semantics: the handler stays installed and interrupted
            // system calls restart. It fails only for an invalid signal number (EINVAL), which
            // the callers' constants are not.
            signal(number) { received in
                let savedErrno = errno
                var byte = UInt8(truncatingIfNeeded: received)
                _ = write(SignalPipe.writeEnd, &byte, 1)
                errno = savedErrno
            }
        }
        return readEnd
    }

    /// Reads the signals that arrived since the last call, oldest first. A signal that arrived
    /// twice before the reactor looked may appear twice; a full pipe (65536 pending signals)
    /// drops the excess, which no caller here can tell apart from one.
    static func drain() -> [Int32] {
        var received: [Int32] = []
        var byte: UInt8 = 0
        while read(readEnd, &byte, 1) == 1 { received.append(Int32(byte)) }
        return received
    }
}

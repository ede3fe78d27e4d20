import CZeroMQ
import Foundation

/// A libzmq context. One per process is enough; sockets are made from it.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// The process-wide context.
    public static let shared = ZMQContext()

    public init() {
        handle = zmq_ctx_new()
        // Sockets live inside the reactor; one I/O thread is plenty for control and probes.
        zmq_ctx_set(handle, ZMQ_IO_THREADS, 1)
        zmq_ctx_set(handle, ZMQ_MAX_SOCKETS, 65535)
    }

    deinit {
        zmq_ctx_term(handle)
    }

    /// Just before the process exits: lets the I/O thread deliver what is still queued (the
    /// reply to `down`, sockets closed with a linger), which an exit would drop. `zmq_ctx_term`
    /// waits for every socket to be closed and its linger to pass, so it runs on a thread of
    /// its own and is waited for at most `seconds`. No socket of this context may be used after.
    public func deliverQueuedBeforeExit(within seconds: TimeInterval) {
        let done = DispatchSemaphore(value: 0)
        let context = UncheckedHandle(raw: handle)
        Thread.detachNewThread {
            zmq_ctx_term(context.raw)
            done.signal()
        }
        _ = done.wait(timeout: .now() + seconds)
    }

    /// A context handle handed to the thread that terminates it.
    private struct UncheckedHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    /// libzmq's version, e.g. "4.3.4".
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}

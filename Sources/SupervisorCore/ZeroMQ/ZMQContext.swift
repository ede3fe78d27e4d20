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

    /// libzmq's version, e.g. "4.3.4".
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}

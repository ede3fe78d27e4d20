import CZeroMQ
import Foundation

extension ZMQSocket {
    /// `ZMQ_FD`: a descriptor that becomes readable when the socket's state may have changed
    /// (commands from libzmq's I/O thread are waiting). It says nothing about messages: read
    /// `zmqEvents` after it fires, and after every send or receive on the socket.
    func notificationDescriptor() throws -> Int32 {
        var fd: Int32 = -1
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(handle, ZMQ_FD, &fd, &size) == 0 else { throw ZMQSocket.lastError("zmq_getsockopt(ZMQ_FD)") }
        return fd
    }

    /// `ZMQ_EVENTS` (ZMQ_POLLIN, ZMQ_POLLOUT); reading it also processes the commands that made
    /// the notification descriptor readable, resetting it. 0 for a closed socket.
    var zmqEvents: Int32 {
        guard let handle else { return 0 }
        var events: Int32 = 0
        var size = MemoryLayout<Int32>.size
        while zmq_getsockopt(handle, ZMQ_EVENTS, &events, &size) != 0 {
            if zmq_errno() != EINTR { return 0 }
        }
        return events
    }

    /// Whether a message is waiting to be received (ZMQ_EVENTS has ZMQ_POLLIN).
    var isReadable: Bool { zmqEvents & ZMQ_POLLIN != 0 }
}

import CZeroMQ
import Foundation
import SupervisorModel

/// The legacy error-bus collector: a SUB socket bound where the agents' PUB sockets connect,
/// on a thread of its own that owns it (libzmq sockets belong to one thread).
///
/// Why not the reactor: a PUB drops every message until the collector's subscription has
/// reached it, and a SUB sends its subscription to a new peer only when its owning thread next
/// enters libzmq. On the reactor that waits for whatever the reactor is doing; in a crash storm
/// of 60 agents, 27 of 30 reports sent 1 to 50 ms after their PUB connected were lost. This
/// thread waits in `zmq_poll` on nothing else, so the subscription leaves as soon as the
/// connection is up, and a report sent a millisecond after `connect()` arrives.
///
/// Reports are parsed here (pure `ErrorReport`) and handed to the reactor through a queue and
/// a wake pipe; errors.log, counting and publishing stay on the reactor thread.
final class ErrorBusCollector: @unchecked Sendable {
    /// One message received: the report, or the frame's text when it is not one.
    struct Received: Sendable {
        var report: ErrorReport?
        var unparsed: String
    }

    let endpoint: String
    /// Readable when messages are waiting; polled by the reactor.
    let wakeFD: Int32
    private let wakeWrite: Int32
    private let stop: (read: Int32, write: Int32)
    private let lock = NSLock()
    private var queue: [Received] = []
    /// Messages dropped because the reactor did not take them in time (queue full).
    private var overflowed = 0
    private let finished = DispatchSemaphore(value: 0)
    static let queueLimit = 10_000
    /// A context of its own: its I/O thread does the handshakes of the agents' PUB sockets,
    /// never queued behind the control, event and probe sockets of the shared one.
    static let context = ZMQContext()

    /// Binds the SUB on its thread; throws what the bind threw.
    init(address: String, port: Int) throws {
        endpoint = ZMQEndpoint.tcp(address, port: port)
        let wake = try Descriptor.pipe()
        try Descriptor.setNonBlocking(wake.write)
        (wakeFD, wakeWrite) = wake
        stop = try Descriptor.pipe()
        let bound = DispatchSemaphore(value: 0)
        let outcome = BindOutcome()
        let thread = Thread { [self] in
            var socket: ZMQSocket?
            do {
                socket = try Self.bind(endpoint)
            } catch {
                outcome.error = error
            }
            bound.signal()
            if let socket { run(socket) }
            finished.signal()
        }
        thread.name = "error-bus"
        thread.start()
        bound.wait()
        if let failure = outcome.error {
            finished.wait()
            Self.closeAll([wakeFD, wakeWrite, stop.read, stop.write])
            throw failure
        }
    }

    private static func bind(_ endpoint: String) throws -> ZMQSocket {
        // Signals go to the reactor thread; this one is never interrupted.
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        let socket = try ZMQSocket(.sub, context: ErrorBusCollector.context)
        try socket.setOption(ZMQ_MAXMSGSIZE, int64: 1 << 20)
        try socket.setOption(ZMQ_RCVHWM, Int32(100_000))
        try socket.setOption(ZMQ_SUBSCRIBE, bytes: [])
        try socket.bind(endpoint)
        return socket
    }

    /// The thread's loop: wait on the socket and the stop pipe, nothing else.
    private func run(_ socket: ZMQSocket) {
        var items = [
            zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0),
            zmq_pollitem_t(socket: nil, fd: stop.read, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        while true {
            let ready = zmq_poll(&items, Int32(items.count), -1)
            if ready < 0 {
                if zmq_errno() == EINTR { continue }
                break
            }
            if items[1].revents != 0 { break }
            guard items[0].revents != 0 else { continue }
            var batch: [Received] = []
            for _ in 0..<1024 {
                guard let frames = try? socket.receiveMessage(dontWait: true) else { break }
                let report = ErrorReport.parse(frames: frames)
                // The excerpt only for what did not parse (it walks up to the whole message).
                batch.append(Received(report: report, unparsed: report == nil ? Self.excerpt(frames) : ""))
            }
            hand(batch)
        }
        socket.close()
    }

    private func hand(_ batch: [Received]) {
        guard !batch.isEmpty else { return }
        lock.lock()
        let wasEmpty = queue.isEmpty
        let room = max(0, Self.queueLimit - queue.count)
        queue += batch.prefix(room)
        overflowed += batch.count - min(room, batch.count)
        lock.unlock()
        // One byte per wake-up is enough; a full pipe already means "look".
        if wasEmpty { _ = withUnsafeBytes(of: UInt8(1)) { write(wakeWrite, $0.baseAddress, 1) } }
    }

    /// What arrived since the last call, and how many were dropped for a full queue.
    func take() -> (received: [Received], overflowed: Int) {
        var buffer = [UInt8](repeating: 0, count: 256)
        while let bytes = Descriptor.readAvailable(wakeFD, into: &buffer), !bytes.isEmpty {}
        lock.lock()
        defer { lock.unlock() }
        let taken = (queue, overflowed)
        queue = []
        overflowed = 0
        return taken
    }

    /// Stops the thread (it closes its socket) and waits for it.
    func close() {
        _ = withUnsafeBytes(of: UInt8(1)) { write(stop.write, $0.baseAddress, 1) }
        finished.wait()
        Self.closeAll([wakeFD, wakeWrite, stop.read, stop.write])
    }

    /// The message as printable text for errors.log (frames joined by ` | `, at most 300 characters).
    static func excerpt(_ frames: [[UInt8]]) -> String {
        let text = frames.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " | ")
        let printable = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 }.filter { !$0.isASCII || $0.asciiValue! >= 0x20 })
        return printable.count > 300 ? String(printable.prefix(297)) + "..." : printable
    }

    private static func closeAll(_ fds: [Int32]) {
        for fd in fds { Foundation.close(fd) }
    }
}

/// The bind's error, written by the collector's thread before the semaphore its creator waits on.
private final class BindOutcome: @unchecked Sendable {
    var error: Error?
}

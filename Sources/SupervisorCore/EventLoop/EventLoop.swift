import CSpawn
import CZeroMQ
import Foundation

/// Ready descriptors taken per wait; more are reported at the next one.
private let eventLoopCapacity = 256

/// The reactor's wait: epoll over descriptors registered once, each with a tag, so one wake-up
/// costs O(ready descriptors), not O(registered ones).
///
/// Plain descriptors (pidfds, pipes, a connecting TCP socket) are level-triggered: ready until
/// read. A ZeroMQ socket is watched through its `ZMQ_FD`, which only says that the socket's
/// state may have changed, and is reset by any call that processes the socket's commands
/// (`ZMQ_EVENTS`, but also every send and receive). So messages can be waiting while the
/// descriptor is quiet: after a receive stopped at a batch limit, or when a send consumed the
/// notification of a message that arrived meanwhile. The loop therefore asks `ZMQ_EVENTS`
/// after every edge, and keeps a short list of sockets to ask again at the next wait without
/// an edge: every socket it reported ready (its handler may have left messages or sent), every
/// socket just added, and every socket an owner names through `recheck` after sending on it
/// outside its handler. A socket on that list that is still readable makes the wait not block.
final class EventLoop<Tag> {
    /// What makes a plain descriptor ready.
    enum Interest {
        case readable
        /// A TCP connect in progress finishes (or fails).
        case writable
    }

    private struct Registration {
        var tag: Tag
        /// For a ZeroMQ socket (registered by its `ZMQ_FD`): the socket whose `ZMQ_EVENTS` decide.
        var socket: ZMQSocket?
        /// A socket that receives only the one answer to what its owner sent (see `add`).
        var answersOnly = false
    }

    private let epoll: Int32
    private var registrations: [Int32: Registration] = [:]
    /// The `ZMQ_FD` of each registered socket, to remove it after it was closed.
    private var socketDescriptors: [ObjectIdentifier: Int32] = [:]
    /// `ZMQ_FD`s whose `ZMQ_EVENTS` the next wait reads even without an edge.
    private var recheckList: Set<Int32> = []
    private var tokens = [UInt64](repeating: 0, count: eventLoopCapacity)
    private var masks = [UInt32](repeating: 0, count: eventLoopCapacity)

    init() throws {
        epoll = try retryingSystemCall("epoll_create1") { cspawn_epoll_create() }
    }

    deinit {
        close(epoll)
    }

    /// How many descriptors are registered.
    var count: Int { registrations.count }

    /// Watches a plain descriptor until `remove`. Registering it again changes its tag and
    /// interest.
    func add(_ fd: Int32, _ interest: Interest = .readable, tag: Tag) throws {
        if let old = registrations[fd]?.socket { socketDescriptors[ObjectIdentifier(old)] = nil }
        try control(fd, events: interest == .readable ? cspawn_epoll_in() : cspawn_epoll_out())
        registrations[fd] = Registration(tag: tag)
    }

    /// Watches a ZeroMQ socket for messages until `remove` (which must come before the socket
    /// is closed). It is checked at the next wait, so what arrived before is not missed.
    ///
    /// `answersOnly`: the socket receives nothing but the one answer to each request its owner
    /// sends, and its handler takes that answer (a health probe's REQ socket). Each `ZMQ_EVENTS`
    /// read costs libzmq a `getpid` and a `poll` (and a `read` when commands wait), so such a
    /// socket is not asked again after its handler ran, nor when it is added again while
    /// registered (right after a send, which cannot have consumed the notification of the answer
    /// to the request it sends): its answer comes with an edge of its own.
    func add(_ socket: ZMQSocket, tag: Tag, answersOnly: Bool = false) throws {
        let fd = try socket.notificationDescriptor()
        let registered = registrations[fd]?.socket === socket
        if !registered {
            if let old = registrations[fd]?.socket { socketDescriptors[ObjectIdentifier(old)] = nil }
            try control(fd, events: cspawn_epoll_in())
        }
        registrations[fd] = Registration(tag: tag, socket: socket, answersOnly: answersOnly)
        socketDescriptors[ObjectIdentifier(socket)] = fd
        if !(registered && answersOnly) { recheckList.insert(fd) }
    }

    /// Adds `fd` to epoll, or changes its events when it is there already. A descriptor closed
    /// without `remove` left epoll by itself and its number may be back: whatever the map says,
    /// ADD falls back to MOD (EEXIST) and MOD to ADD (ENOENT).
    private func control(_ fd: Int32, events: UInt32) throws {
        let token = UInt64(UInt32(bitPattern: fd))
        let first = registrations[fd] == nil ? cspawn_epoll_add_op() : cspawn_epoll_modify_op()
        if cspawn_epoll_control(epoll, first, fd, events, token) == 0 { return }
        let code = errno
        guard code == EEXIST || code == ENOENT else { throw SystemError("epoll_ctl(\(fd))", errno: code) }
        let second = first == cspawn_epoll_add_op() ? cspawn_epoll_modify_op() : cspawn_epoll_add_op()
        try retryingSystemCall("epoll_ctl(\(fd))") { cspawn_epoll_control(epoll, second, fd, events, token) }
    }

    /// Stops watching a plain descriptor (call before closing it); nothing if it is not watched.
    func remove(_ fd: Int32) {
        guard let registration = registrations.removeValue(forKey: fd) else { return }
        if let socket = registration.socket { socketDescriptors[ObjectIdentifier(socket)] = nil }
        recheckList.remove(fd)
        // The descriptor may be closed already (a socket closed before its removal): epoll then
        // forgot it by itself, and EBADF says so.
        _ = cspawn_epoll_control(epoll, cspawn_epoll_delete_op(), fd, 0, 0)
    }

    /// Stops watching a ZeroMQ socket (call before closing it); nothing if it is not watched.
    func remove(_ socket: ZMQSocket) {
        guard let fd = socketDescriptors[ObjectIdentifier(socket)], registrations[fd]?.socket === socket else { return }
        remove(fd)
    }

    /// Whether `socket` is watched.
    func contains(_ socket: ZMQSocket) -> Bool {
        socketDescriptors[ObjectIdentifier(socket)].map { registrations[$0]?.socket === socket } ?? false
    }

    /// Whether the plain descriptor `fd` is watched.
    func contains(_ fd: Int32) -> Bool {
        registrations[fd].map { $0.socket == nil } ?? false
    }

    /// Asks `ZMQ_EVENTS` of `socket` at the next wait: call it after sending on (or receiving
    /// from) a watched socket anywhere but in the handler of its own readiness, since that may
    /// have consumed the notification of a message that is now waiting.
    func recheck(_ socket: ZMQSocket) {
        guard let fd = socketDescriptors[ObjectIdentifier(socket)] else { return }
        recheckList.insert(fd)
    }

    /// Waits until something is ready or `deadline` (a `MonotonicClock` time; nil: no limit)
    /// passes, and returns the tags of what is ready, each once. Readable sockets on the recheck
    /// list are returned without waiting. The timeout is rounded up to the millisecond, so a
    /// deadline is never waited for before it is due (no busy loop).
    func wait(until deadline: TimeInterval?) throws -> [Tag] {
        var ready: [Tag] = []
        var readySockets: Set<Int32> = []
        let checking = recheckList
        recheckList = []
        for fd in checking where readable(fd) { readySockets.insert(fd) }
        let timeout = readySockets.isEmpty ? Self.milliseconds(until: deadline) : 0
        let count = try tokens.withUnsafeMutableBufferPointer { tokens in
            try masks.withUnsafeMutableBufferPointer { masks in
                let rc = cspawn_epoll_wait(epoll, tokens.baseAddress, masks.baseAddress, Int32(eventLoopCapacity), timeout)
                if rc < 0 && errno == EINTR { return 0 }
                if rc < 0 { throw SystemError("epoll_wait", errno: errno) }
                return Int(rc)
            }
        }
        for index in 0..<count {
            let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: tokens[index]))
            guard let registration = registrations[fd] else { continue }
            if registration.socket == nil {
                ready.append(registration.tag)
            } else if !readySockets.contains(fd) && readable(fd) {
                readySockets.insert(fd)
            }
        }
        for fd in readySockets {
            guard let registration = registrations[fd] else { continue }
            ready.append(registration.tag)
            // Its handler may stop at a batch limit, or send: look again next time.
            if !registration.answersOnly { recheckList.insert(fd) }
        }
        return ready
    }

    /// Reads `ZMQ_EVENTS` of the socket registered at `fd` (which resets its notification).
    private func readable(_ fd: Int32) -> Bool {
        guard let socket = registrations[fd]?.socket else { return false }
        guard socket.handle != nil else {
            // Closed without being removed: forget it rather than ask a dead socket.
            remove(fd)
            return false
        }
        return socket.isReadable
    }

    /// epoll's timeout for `deadline`: -1 for none, else milliseconds rounded up.
    static func milliseconds(until deadline: TimeInterval?, now: TimeInterval = MonotonicClock.now()) -> Int32 {
        guard let deadline else { return -1 }
        let milliseconds = ((deadline - now) * 1000).rounded(.up)
        return Int32(max(0, min(milliseconds, Double(Int32.max))))
    }
}

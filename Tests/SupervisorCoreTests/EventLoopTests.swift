import CZeroMQ
import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// The reactor's epoll loop with real descriptors and real libzmq sockets. Every wait has a
/// generous deadline; a test that would hang fails at it instead.
@Suite("EventLoop reports only what is ready, ZeroMQ sockets included")
struct EventLoopTests {
    /// A ROUTER bound on inproc and a DEALER connected to it, the DEALER's routing id known to
    /// the ROUTER (it said hello), in a context of the test's own.
    final class Pair {
        let context = ZMQContext()
        let router: ZMQSocket
        let dealer: ZMQSocket
        let peer: [UInt8]

        init() throws {
            let endpoint = "inproc://event-loop-\(UUID().uuidString)"
            router = try ZMQSocket(.router, context: context)
            try router.bind(endpoint)
            dealer = try ZMQSocket(.dealer, context: context)
            try dealer.connect(endpoint)
            try dealer.send("hello")
            #expect(router.waitReadable(timeout: 10))
            let hello = try #require(try router.receiveMessage(dontWait: true))
            peer = hello[0]
        }

        func reply(_ text: String) {
            #expect(router.sendMessage([peer, Array(text.utf8)]))
        }

        deinit {
            dealer.close()
            router.close()
        }
    }

    private func waitFor(_ loop: EventLoop<String>, seconds: TimeInterval = 10) throws -> [String] {
        try loop.wait(until: MonotonicClock.now() + seconds)
    }

    @Test("a pipe is reported when it is readable, and until it is read")
    func pipeBecomesReady() throws {
        let loop = try EventLoop<String>()
        let pipe = try Descriptor.pipe()
        defer { close(pipe.read); close(pipe.write) }
        try loop.add(pipe.read, tag: "pipe")
        #expect(try loop.wait(until: MonotonicClock.now() + 0.02).isEmpty)
        Descriptor.writeAll(pipe.write, [1])
        #expect(try waitFor(loop) == ["pipe"])
        #expect(try waitFor(loop) == ["pipe"], "level-triggered: still ready while unread")
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(Descriptor.readAvailable(pipe.read, into: &buffer) == [1])
        #expect(try loop.wait(until: MonotonicClock.now() + 0.02).isEmpty)
    }

    @Test("of a thousand registered pipes only the one written to is returned")
    func onlyReadyDescriptors() throws {
        DescriptorLimit.raise(toFit: 2200)
        let limit = try #require(DescriptorLimit.current())
        try #require(limit.soft >= 2200, "needs 2200 descriptors; the hard limit is \(limit.hard)")
        let loop = try EventLoop<String>()
        var pipes: [(read: Int32, write: Int32)] = []
        defer { for pipe in pipes { close(pipe.read); close(pipe.write) } }
        for index in 0..<1000 {
            let pipe = try Descriptor.pipe()
            pipes.append(pipe)
            try loop.add(pipe.read, tag: "pipe \(index)")
        }
        #expect(loop.count == 1000)
        Descriptor.writeAll(pipes[617].write, [7])
        #expect(try waitFor(loop) == ["pipe 617"])
        // What a wake-up costs with 1000 descriptors registered and one ready.
        let rounds = 2000
        let started = MonotonicClock.now()
        for _ in 0..<rounds { _ = try loop.wait(until: nil) }
        let perWake = (MonotonicClock.now() - started) / Double(rounds) * 1e6
        // The same wake-up as zmq_poll over every descriptor, as the reactor did before.
        var items = pipes.map { zmq_pollitem_t(socket: nil, fd: $0.read, events: Int16(ZMQ_POLLIN), revents: 0) }
        let polled = MonotonicClock.now()
        for _ in 0..<rounds { #expect(zmq_poll(&items, Int32(items.count), -1) == 1) }
        let perPoll = (MonotonicClock.now() - polled) / Double(rounds) * 1e6
        print("EventLoop: \(String(format: "%.2f", perWake)) us per wake-up with 1000 pipes registered and 1 ready; zmq_poll over them: \(String(format: "%.2f", perPoll)) us")
        #expect(perWake < 1000)
    }

    @Test("removed descriptors are no longer reported, and a number reused is registered anew")
    func registrationAndRemoval() throws {
        let loop = try EventLoop<String>()
        let first = try Descriptor.pipe()
        try loop.add(first.read, tag: "first")
        #expect(loop.contains(first.read))
        loop.remove(first.read)
        #expect(!loop.contains(first.read) && loop.count == 0)
        Descriptor.writeAll(first.write, [1])
        #expect(try loop.wait(until: MonotonicClock.now() + 0.02).isEmpty)
        loop.remove(first.read)
        close(first.read)
        close(first.write)

        // Closed without being removed: epoll forgot it, the loop did not; the number comes
        // back for another pipe, which must be watched all the same. dup2 puts the new pipe on
        // the old number at once (other tests open descriptors in this process meanwhile).
        let second = try Descriptor.pipe()
        let third = try Descriptor.pipe()
        defer { close(second.read); close(second.write); close(third.read); close(third.write) }
        try loop.add(second.read, tag: "second")
        #expect(dup2(third.read, second.read) == second.read, "the old pipe's read end is closed, its number reused")
        try loop.add(second.read, tag: "third")
        Descriptor.writeAll(third.write, [1])
        #expect(try waitFor(loop) == ["third"])
        loop.remove(second.read)

        let pair = try Pair()
        try loop.add(pair.dealer, tag: "dealer")
        #expect(loop.contains(pair.dealer))
        loop.remove(pair.dealer)
        #expect(!loop.contains(pair.dealer))
        pair.reply("unwatched")
        #expect(try loop.wait(until: MonotonicClock.now() + 0.05).isEmpty)
    }

    @Test("messages that arrived together are all delivered, one per dispatch, without new edges")
    func burstAfterOneEdge() throws {
        let loop = try EventLoop<String>()
        let pair = try Pair()
        try loop.add(pair.dealer, tag: "dealer")
        #expect(try loop.wait(until: MonotonicClock.now() + 0.02).isEmpty)
        // Five replies, written into the DEALER's pipe at once: one notification for all.
        for index in 0..<5 { pair.reply("reply \(index)") }
        var received: [String] = []
        while received.count < 5 {
            // Each wait must return the socket; without the recheck it would block here until
            // the deadline, since reading the first message left no edge for the rest.
            let ready = try loop.wait(until: MonotonicClock.now() + 5)
            try #require(ready == ["dealer"], "after \(received.count) of 5")
            // A handler that takes one message per turn (as one at its batch limit).
            let frames = try #require(try pair.dealer.receiveMessage(dontWait: true))
            received.append(String(decoding: frames[0], as: UTF8.self))
        }
        #expect(received == (0..<5).map { "reply \($0)" })
        #expect(try loop.wait(until: MonotonicClock.now() + 0.02).isEmpty, "nothing left, nothing reported")
    }

    @Test("a reply that came while we sent on the socket is reported after recheck")
    func readableWhileSending() throws {
        let loop = try EventLoop<String>()
        let pair = try Pair()
        try loop.add(pair.dealer, tag: "dealer")
        #expect(try loop.wait(until: MonotonicClock.now() + 0.02).isEmpty, "checked once, then off the recheck list")
        pair.reply("answer")
        // Sending processes the socket's commands, as any libzmq call on it may: the
        // notification of the reply is consumed, the descriptor goes quiet.
        try pair.dealer.send("request")
        _ = pair.dealer.zmqEvents
        var item = pollfd(fd: try pair.dealer.notificationDescriptor(), events: Int16(POLLIN), revents: 0)
        #expect(poll(&item, 1, 0) == 0, "no edge is left for the reply")
        loop.recheck(pair.dealer)
        #expect(try waitFor(loop) == ["dealer"])
        let frames = try #require(try pair.dealer.receiveMessage(dontWait: true))
        #expect(frames == [Array("answer".utf8)])
    }

    @Test("a REQ socket registered for answers only: each answer is reported by its own edge, kept registered between requests")
    func answersOnlyRequestSocket() throws {
        let loop = try EventLoop<String>()
        let context = ZMQContext()
        let endpoint = "inproc://event-loop-req-\(UUID().uuidString)"
        let server = try ZMQSocket(.rep, context: context)
        try server.bind(endpoint)
        let client = try ZMQSocket(.req, context: context)
        try client.connect(endpoint)
        defer {
            loop.remove(client)
            client.close()
            server.close()
        }
        try loop.add(client, tag: "probe", answersOnly: true)
        #expect(try loop.wait(until: MonotonicClock.now() + 0.02).isEmpty, "checked once when added")
        for round in 0..<3 {
            try client.send("ping \(round)", dontWait: true)
            // Added again while registered (as a probe that keeps its socket): no recheck needed.
            try loop.add(client, tag: "probe", answersOnly: true)
            #expect(server.waitReadable(timeout: 10))
            let request = try #require(try server.receiveMessage(dontWait: true))
            #expect(request == [Array("ping \(round)".utf8)])
            try server.send("pong \(round)")
            #expect(try waitFor(loop) == ["probe"], "round \(round)")
            let answer = try #require(try client.receiveMessage(dontWait: true))
            #expect(answer == [Array("pong \(round)".utf8)])
            #expect(try loop.wait(until: MonotonicClock.now() + 0.02).isEmpty, "nothing left, nothing reported")
        }
    }

    @Test("a wait ends at its deadline, not before; deadlines come out in order")
    func timersInOrder() throws {
        let loop = try EventLoop<String>()
        let deadline = MonotonicClock.now() + 0.03
        #expect(try loop.wait(until: deadline).isEmpty)
        #expect(MonotonicClock.now() >= deadline, "the timeout is rounded up")
        #expect(EventLoop<String>.milliseconds(until: nil) == -1)
        #expect(EventLoop<String>.milliseconds(until: 10.0001, now: 10) == 1)
        #expect(EventLoop<String>.milliseconds(until: 9, now: 10) == 0)

        var queue = DeadlineQueue<String>()
        queue.set("c", at: 3)
        queue.set("a", at: 1)
        queue.set("b", at: 2)
        queue.set("c", at: 0.5)
        queue.cancel("b")
        #expect(queue.nextDeadline() == 0.5)
        var order: [String] = []
        while let key = queue.popDue(now: 10) { order.append(key) }
        #expect(order == ["c", "a"])
        #expect(queue.nextDeadline() == nil && queue.count == 0)
        // Re-set often and never popped: the heap stays bounded by its live keys.
        for round in 0..<10_000 { queue.set("probe", at: Double(round)) }
        #expect(queue.count == 1 && queue.popDue(now: 1e9) == "probe")
    }
}

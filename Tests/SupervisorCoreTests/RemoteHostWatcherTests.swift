import CZeroMQ
import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// The watcher against a stand-in for the other host's supervisor (a real ROUTER and PUB on
/// loopback): news are ordered by the remote's sequence numbers, a restart of the remote resets
/// them, and silence makes the host unreachable.
@Suite("RemoteHostWatcher follows another supervisor")
struct RemoteHostWatcherTests {
    static let base = RemoteAgent(host: "mainpc", name: "Base")

    /// The other supervisor: answers status requests on demand and publishes events.
    final class FakeSupervisor {
        let router: ZMQSocket
        let publisher: ZMQSocket
        let host: HostTable.Host

        init() throws {
            var bound: (ZMQSocket, ZMQSocket, Int)?
            for _ in 0..<20 where bound == nil {
                let port = try unusedLoopbackPort()
                let router = try ZMQSocket(.router)
                let publisher = try ZMQSocket(.pub)
                if (try? router.bind("tcp://127.0.0.1:\(port)")) != nil, (try? publisher.bind("tcp://127.0.0.1:\(port + 1)")) != nil {
                    bound = (router, publisher, port)
                }
            }
            let (router, publisher, port) = try #require(bound)
            self.router = router
            self.publisher = publisher
            host = HostTable.Host(name: "mainpc", address: "127.0.0.1", controlPort: port)
        }

        /// The next request: its envelope and JSON.
        func nextRequest() -> (envelope: [[UInt8]], body: [String: Any])? {
            guard router.waitReadable(timeout: 0.05), let frames = try? router.receiveMessage(dontWait: true),
                  let last = frames.last, let body = (try? JSONSerialization.jsonObject(with: Data(last))) as? [String: Any] else { return nil }
            return (Array(frames.dropLast()), body)
        }

        /// A status reply; `state` nil leaves Base out (not in that host's manifest).
        func reply(_ request: (envelope: [[UInt8]], body: [String: Any]), instance: String, eventSeq: Int, state: String?) {
            // Each agent and the reply with every key a status reply always has.
            func agent(_ name: String, _ state: String) -> [String: Any] {
                ["name": name, "state": state, "host": "mainpc", "blocked_by": [String](), "health": "-", "required": false, "restarts": 0]
            }
            let agents: [[String: Any]] = state.map { [agent("Base", $0), agent("Other", "ready")] } ?? []
            let data: [String: Any] = ["instance": instance, "event_seq": eventSeq, "agents": agents, "host": "mainpc",
                                       "phase": "running", "supervisor_pid": 1, "uptime": 1, "totals": ["total": agents.count]]
            let reply: [String: Any] = ["ok": true, "id": request.body["id"] as? String ?? "", "data": data]
            router.sendMessage(request.envelope + [Array(try! JSONSerialization.data(withJSONObject: reply))])
        }

        func publish(instance: String, seq: Int, to state: String) {
            let event: [String: Any] = ["agent": "Base", "from": "waiting", "to": state, "reason": "test", "seq": seq,
                                        "instance": instance, "topic": "agent.state"]
            publisher.sendMessage([Array("agent.state".utf8), Array(try! JSONSerialization.data(withJSONObject: event))])
        }
    }

    /// Runs the watcher's loop until `done` says so (or 20 s pass); returns every news item.
    func pump(_ watcher: RemoteHostWatcher, _ remote: FakeSupervisor, until done: ([SupervisorEvent]) -> Bool,
              serve: (FakeSupervisor) -> Void = { _ in }) -> [SupervisorEvent] {
        var news: [SupervisorEvent] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && !done(news) {
            let now = MonotonicClock.now()
            news += watcher.tick(now: now)
            serve(remote)
            var items = watcher.pollItems.map(\.item)
            _ = zmq_poll(&items, Int32(items.count), 20)
            news += watcher.receiveEvents(now: MonotonicClock.now())
            news += watcher.receiveReplies(now: MonotonicClock.now())
        }
        return news
    }

    @Test("an older status reply does not undo a newer event; a new instance starts over; silence is unreachable")
    func orderingAndReachability() throws {
        let remote = try FakeSupervisor()
        let watcher = try RemoteHostWatcher(host: remote.host, agents: [Self.base], credentials: nil,
                                            pollInterval: 0.1, timeout: 1.5, now: MonotonicClock.now())
        defer { watcher.close() }
        let ready = SupervisorEvent.remoteAgentChanged(Self.base, state: .ready)
        let reachable = SupervisorEvent.remoteHostChanged(host: "mainpc", reachable: true)

        // While a request is out, the watcher sleeps until its deadline, not until the next poll.
        let sentAt = MonotonicClock.now()
        _ = watcher.tick(now: sentAt)
        #expect(watcher.nextDeadline >= sentAt + 1.5 - 0.001)

        // The first answers (event_seq 0) say `waiting`; the host is reachable after the agent
        // news. Then the event stream, published until the subscription arrived (slow joiner).
        var news = pump(watcher, remote, until: { $0.contains(ready) && $0.contains(reachable) }) { remote in
            remote.publish(instance: "A", seq: 5, to: "ready")
            if let request = remote.nextRequest() { remote.reply(request, instance: "A", eventSeq: 0, state: "waiting") }
        }
        let firstReachable = try #require(news.firstIndex(of: reachable))
        let firstAgentNews = news.firstIndex { if case .remoteAgentChanged = $0 { true } else { false } }
        #expect(firstAgentNews.map { $0 < firstReachable } == true, "\(news)")

        // A reply built before that event (event_seq 3) says `starting`: ignored.
        var answered = 0
        news = pump(watcher, remote, until: { _ in answered >= 3 }) { remote in
            if let request = remote.nextRequest() { remote.reply(request, instance: "A", eventSeq: 3, state: "starting"); answered += 1 }
        }
        #expect(!news.contains(.remoteAgentChanged(Self.base, state: .starting)), "\(news)")

        // A reply with the event's own seq agrees with it; a newer one (event_seq 7) applies: an
        // event it reflects was missed.
        let stopped = SupervisorEvent.remoteAgentChanged(Self.base, state: .stopped)
        news = pump(watcher, remote, until: { $0.contains(stopped) }) { remote in
            if let request = remote.nextRequest() { remote.reply(request, instance: "A", eventSeq: 7, state: "stopped") }
        }
        #expect(news.contains(stopped))

        // Left out of a reply (gone from that host's manifest): unknown, so not ready.
        let unknown = SupervisorEvent.remoteAgentChanged(Self.base, state: nil)
        news = pump(watcher, remote, until: { $0.contains(unknown) }) { remote in
            if let request = remote.nextRequest() { remote.reply(request, instance: "A", eventSeq: 8, state: nil) }
        }
        #expect(news.contains(unknown))

        // The remote supervisor restarted (instance B): its small numbers count again.
        let starting = SupervisorEvent.remoteAgentChanged(Self.base, state: .starting)
        news = pump(watcher, remote, until: { $0.contains(starting) }) { remote in
            remote.publish(instance: "B", seq: 1, to: "starting")
            if let request = remote.nextRequest() { remote.reply(request, instance: "B", eventSeq: 1, state: "starting") }
        }
        #expect(news.contains(starting))
        #expect(!news.contains(.remoteHostChanged(host: "mainpc", reachable: false)), "a restart of the other side is not a silence")

        // No answers any more: unreachable after the timeout, and said once.
        let lost = SupervisorEvent.remoteHostChanged(host: "mainpc", reachable: false)
        news = pump(watcher, remote, until: { $0.contains(lost) }) { remote in _ = remote.nextRequest() }
        #expect(news.contains(lost))
        let after = MonotonicClock.now()
        news = pump(watcher, remote, until: { _ in MonotonicClock.now() > after + 2 }) { remote in _ = remote.nextRequest() }
        #expect(!news.contains(lost), "\(news)")
    }
}

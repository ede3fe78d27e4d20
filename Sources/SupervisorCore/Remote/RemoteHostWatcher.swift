import CZeroMQ
import Foundation
import SupervisorModel

/// Follows the agents of another host that local agents depend on, through that host's
/// supervisor: a SUB socket on its event stream for prompt news, and a `status` request every
/// `pollInterval` that reconciles (a missed event, either side restarting) and doubles as the
/// heartbeat. No reply within `timeout` makes the host unreachable.
///
/// Beliefs are ordered by the remote supervisor's own sequence numbers: an event is applied only
/// if it is not older than what is known about that agent, and a status reply carries the
/// sequence number of the last event published before it, so neither can overwrite newer news
/// with older. A new `instance` (the remote supervisor restarted) resets the numbering.
///
/// Owned by the reactor thread. With the reactor's event loop, the watcher registers each socket
/// it makes and removes it before closing it; the reactor calls `tick` at `nextDeadline`.
final class RemoteHostWatcher {
    let host: HostTable.Host
    let agents: [RemoteAgent]
    let pollInterval: TimeInterval
    let timeout: TimeInterval
    /// With CurveZMQ: this supervisor's host key and the other host's public key.
    let credentials: ClientCredentials?
    /// Largest message accepted from the other supervisor.
    static let maxMessageSize: Int64 = 16 << 20
    /// Messages read per call, so a flood cannot starve the reactor.
    static let batchSize = 256
    private var subscriber: ZMQSocket
    private var requester: ZMQSocket?
    private var outstanding: (id: String, sentAt: TimeInterval)?
    private(set) var nextPollAt: TimeInterval
    /// nil until the first answer or timeout.
    private(set) var reachable: Bool?
    private var instance: String?
    /// When `instance` was learned from an event: an older request's reply from another instance
    /// is stale.
    private var instanceFromEventAt: TimeInterval?
    /// Per remote agent: the remote sequence number of the news last applied.
    private var knownSeq: [String: UInt64] = [:]
    private var requestCounter = 0
    /// The reactor's event loop; nil for a watcher used alone (tests poll `pollItems`).
    private let loop: EventLoop<ReactorTag>?

    init(host: HostTable.Host, agents: [RemoteAgent], credentials: ClientCredentials?,
         pollInterval: TimeInterval, timeout: TimeInterval, now: TimeInterval, loop: EventLoop<ReactorTag>? = nil) throws {
        self.host = host
        self.agents = agents
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.credentials = credentials
        self.loop = loop
        nextPollAt = now
        subscriber = try Self.subscribe(to: host, credentials: credentials)
        try loop?.add(subscriber, tag: .remoteEvents(host.name))
    }

    var controlEndpoint: String { ZMQEndpoint.tcp(host.address, port: host.controlPort) }

    /// The sockets to poll, tagged for `receive`.
    var pollItems: [(item: zmq_pollitem_t, tag: ReactorTag)] {
        var items = [(zmq_pollitem_t(socket: subscriber.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0),
                      ReactorTag.remoteEvents(host.name))]
        if let requester {
            items.append((zmq_pollitem_t(socket: requester.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0),
                          .remoteReply(host.name)))
        }
        return items
    }

    /// When `tick` must run next: the reply's deadline while a request is out, else the next poll.
    var nextDeadline: TimeInterval {
        outstanding.map { $0.sentAt + timeout } ?? nextPollAt
    }

    /// Sends the next status request when due, and declares the host unreachable when the last
    /// one went unanswered for `timeout`.
    func tick(now: TimeInterval) -> [SupervisorEvent] {
        var news: [SupervisorEvent] = []
        if let pending = outstanding, now >= pending.sentAt + timeout {
            outstanding = nil
            // Fresh sockets drop whatever the old ones queued for a dead connection, and retry
            // a handshake the other host refused (libzmq does not, once refused).
            retireRequester()
            if let fresh = try? Self.subscribe(to: host, credentials: credentials) {
                loop?.remove(subscriber)
                subscriber.close()
                subscriber = fresh
                // Only epoll out of memory refuses it: the next timeout makes another.
                try? loop?.add(fresh, tag: .remoteEvents(host.name))
            }
            if reachable != false {
                reachable = false
                news.append(.remoteHostChanged(host: host.name, reachable: false))
            }
        }
        if outstanding == nil && now >= nextPollAt {
            sendStatusRequest(now: now)
            nextPollAt = now + pollInterval
        }
        return news
    }

    /// Reads what arrived on the event stream.
    func receiveEvents(now: TimeInterval) -> [SupervisorEvent] {
        var news: [SupervisorEvent] = []
        for _ in 0..<Self.batchSize {
            guard let frames = try? subscriber.receiveMessage(dontWait: true) else { break }
            guard frames.count == 2,
                  let event = try? JSONDecoder().decode(ReceivedEvent<AgentStateEvent>.self, from: Data(frames[1])) else { continue }
            if let eventInstance = event.instance, eventInstance != instance {
                // The remote supervisor restarted (or this is the first news): ask again at once;
                // a request still out went to the old one.
                adopt(instance: eventInstance)
                instanceFromEventAt = now
                outstanding = nil
                retireRequester()
                nextPollAt = now
            }
            news += apply(event.body.agent, state: event.body.to, seq: event.seq)
        }
        return news
    }

    /// Reads status replies.
    func receiveReplies(now: TimeInterval) -> [SupervisorEvent] {
        var news: [SupervisorEvent] = []
        for _ in 0..<Self.batchSize {
            guard let requester, let frames = try? requester.receiveMessage(dontWait: true) else { break }
            guard let body = frames.last, let sent = outstanding,
                  let id = (try? JSONDecoder().decode(ControlReplyIdentity.self, from: Data(body)))?.id, id == sent.id else { continue }
            outstanding = nil
            // An error reply (or one this supervisor cannot read) tells no agent's state.
            let data = (try? JSONDecoder().decode(ControlReplyEnvelope<HostStatus>.self, from: Data(body)))?.data
            if let replyInstance = data?.instance, replyInstance != instance, let learned = instanceFromEventAt, learned > sent.sentAt {
                // Built by the previous run of that supervisor: ask the new one.
                nextPollAt = now
                continue
            }
            if let replyInstance = data?.instance, replyInstance != instance { adopt(instance: replyInstance) }
            let seq = data?.eventSeq ?? 0
            var states: [String: AgentState] = [:]
            for agent in data?.agents ?? [] { states[agent.name] = agent.state }
            // An agent the reply leaves out (or an error reply) is not known there: not ready.
            for remote in agents { news += apply(remote.name, state: states[remote.name], seq: seq) }
            // The host counts as back only after its answer is applied, so a belief from before
            // the silence never starts an agent.
            if reachable != true {
                reachable = true
                news.append(.remoteHostChanged(host: host.name, reachable: true))
            }
        }
        return news
    }

    func close() {
        loop?.remove(subscriber)
        subscriber.close()
        retireRequester()
    }

    /// Closes the status DEALER (a fresh one is made for the next request).
    private func retireRequester() {
        if let requester {
            loop?.remove(requester)
            requester.close()
        }
        requester = nil
    }

    private func apply(_ name: String, state: AgentState?, seq: UInt64) -> [SupervisorEvent] {
        guard let remote = agents.first(where: { $0.name == name }) else { return [] }
        if let known = knownSeq[name], known > seq { return [] }
        knownSeq[name] = seq
        return [.remoteAgentChanged(remote, state: state)]
    }

    private func adopt(instance newInstance: String) {
        instance = newInstance
        knownSeq = [:]
    }

    private func sendStatusRequest(now: TimeInterval) {
        requestCounter += 1
        let id = "watch-\(host.name)-\(requestCounter)"
        // Whatever happens, the timeout answers for this request.
        outstanding = (id, now)
        do {
            if requester == nil {
                let socket = try ZMQSocket(.dealer)
                try Self.configure(socket, credentials: credentials)
                try socket.connect(controlEndpoint)
                requester = socket
                try loop?.add(socket, tag: .remoteReply(host.name))
            }
            // Every agent of the host: one missing from its manifest shows as unknown there.
            _ = requester?.sendMessage([ControlRequestFrame.bytes(.status(agents: []), id: id)])
            // The send processed the socket's commands: a reply that came meanwhile has no edge.
            if let requester { loop?.recheck(requester) }
        } catch {
            retireRequester()
        }
    }

    private static func subscribe(to host: HostTable.Host, credentials: ClientCredentials?) throws -> ZMQSocket {
        let socket = try ZMQSocket(.sub)
        try configure(socket, credentials: credentials)
        try socket.setOption(ZMQ_SUBSCRIBE, bytes: Array(EventPublisher.Topic.agentState.rawValue.utf8))
        try socket.connect(ZMQEndpoint.tcp(host.address, port: host.controlPort + 1))
        return socket
    }

    /// ZeroMQ heartbeats close a connection whose peer went silent, so it reconnects promptly
    /// once the network is back instead of waiting for TCP to give up.
    private static func configure(_ socket: ZMQSocket, credentials: ClientCredentials?) throws {
        try socket.setOption(ZMQ_HEARTBEAT_IVL, Int32(1000))
        try socket.setOption(ZMQ_HEARTBEAT_TIMEOUT, Int32(3000))
        try socket.setOption(ZMQ_RECONNECT_IVL, Int32(200))
        try socket.setOption(ZMQ_RECONNECT_IVL_MAX, Int32(2000))
        try socket.setOption(ZMQ_MAXMSGSIZE, int64: maxMessageSize)
        try credentials?.apply(to: socket)
    }
}

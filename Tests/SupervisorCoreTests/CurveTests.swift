import CZeroMQ
import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// A CurveZMQ ROUTER server with its ZAP handler and monitors, on a private libzmq context (so
/// its ZAP handler, the only one a context may have, never meets another test's or a reactor's).
/// Synchronous: every socket lives on the test's thread, and `pump` polls them all.
private final class CurveRig {
    let context = ZMQContext()
    let store: KeyStore
    let zap: ZAPHandler
    let server: ZMQSocket
    let serverMonitor: SocketMonitor
    let serverKey: String
    let port: Int
    private(set) var decisions: [ZAPDecision] = []
    private(set) var serverEvents: [SocketEvent] = []
    private(set) var received: [ZMQSocket.ReceivedMessage] = []
    private var clients: [(socket: ZMQSocket, monitor: SocketMonitor)] = []
    private(set) var clientEvents: [[SocketEvent]] = []
    /// Per client, the last frame of each reply.
    private(set) var replies: [[[UInt8]]] = []

    init(store: KeyStore, host: String = "mainpc") throws {
        self.store = store
        // The handler first: a Curve server without one lets every key in.
        zap = try ZAPHandler(context: context, keyStore: store)
        server = try ZMQSocket(.router, context: context)
        try CurveSetup.configureServer(server, keys: try store.hostKey(host))
        serverKey = try store.hostPublicKey(host)
        serverMonitor = try SocketMonitor(server)
        port = try Self.bindRandomPort(server)
    }

    /// Binds to a random port in 20000-29999, trying another one while it is taken.
    private static func bindRandomPort(_ socket: ZMQSocket) throws -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: 20000...29999)
            do {
                try socket.bind("tcp://127.0.0.1:\(port)")
                return port
            } catch let error as SystemError where error.errno == EADDRINUSE {
                continue
            }
        }
        throw SystemError("bind", errno: EADDRINUSE, message: "no free port in 20000-29999 after 50 tries")
    }

    /// A DEALER connected to the server: a Curve client with `keys`, or a NULL-mechanism one.
    /// Returns its index for `clientEvents`/`replies`.
    @discardableResult
    func connectClient(keys: CurveKeyPair?, serverKey: String? = nil) throws -> Int {
        let socket = try ZMQSocket(.dealer, context: context)
        if let keys { try CurveSetup.configureClient(socket, serverPublicKey: serverKey ?? self.serverKey, keys: keys) }
        let monitor = try SocketMonitor(socket)
        try socket.connect("tcp://127.0.0.1:\(port)")
        clients.append((socket, monitor))
        clientEvents.append([])
        replies.append([])
        return clients.count - 1
    }

    func send(_ text: String, from client: Int) throws {
        try clients[client].socket.send(text)
    }

    /// Polls everything, answering ZAP requests and echoing `reply:<body>` to each request,
    /// until `condition` holds or `timeout` seconds pass.
    @discardableResult
    func pump(timeout: TimeInterval = 10, until condition: () -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { return false }
            var items = [zap.pollItem, server.pollItem, serverMonitor.pollItem]
                + clients.flatMap { [$0.socket.pollItem, $0.monitor.pollItem] }
            _ = zmq_poll(&items, Int32(items.count), 50)
            decisions += zap.handlePending()
            serverEvents += serverMonitor.pendingEvents()
            while let message = try server.receiveMessageWithMetadata() {
                received.append(message)
                server.sendMessage([message.frames[0], Array("reply:".utf8) + (message.frames.last ?? [])])
            }
            for (index, client) in clients.enumerated() {
                clientEvents[index] += client.monitor.pendingEvents()
                while let frames = try client.socket.receiveMessage(dontWait: true) { replies[index].append(frames.last ?? []) }
            }
        }
        return true
    }
}

private extension ZMQSocket {
    var pollItem: zmq_pollitem_t { zmq_pollitem_t(socket: handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0) }
}

/// A key directory made by `KeyStore.initialize` in a temporary folder.
private func makeStore(_ directory: TemporaryDirectory, clients: [(name: String, right: ControlCommand.Right)] = [("admin", .admin), ("monitor", .read)]) throws -> KeyStore {
    let store = KeyStore(directory: directory.file("keys"))
    _ = try store.initialize(hosts: ["mainpc", "pc2"], clients: clients, force: false)
    return store
}

private func mode(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_mode & 0o777) : -1
}

/// CurveZMQ over real libzmq sockets on 127.0.0.1: keys, the ZAP handler, socket monitors.
/// Serialized: the handshakes poll with generous deadlines and should not compete for the CPU.
@Suite("CurveZMQ: keys, ZAP handler and socket monitor on real sockets", .serialized)
struct CurveTests {
    @Test("an authorized key: request and reply go through, and User-Id is the key (Z85)")
    func authorizedKey() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let rig = try CurveRig(store: store)
        let admin = try store.clientKey("admin")
        let client = try rig.connectClient(keys: admin)
        try rig.send("hello", from: client)
        #expect(try rig.pump { !rig.replies[client].isEmpty })

        let message = try #require(rig.received.first)
        #expect(message.frames.last == Array("hello".utf8))
        #expect(message.userId == admin.publicKey)
        #expect(message.peerAddress == "127.0.0.1")
        #expect(rig.replies[client] == [Array("reply:hello".utf8)])

        let decision = try #require(rig.decisions.first)
        #expect(rig.decisions.count == 1)
        #expect(decision.accepted && decision.statusCode == 200)
        #expect(decision.name == "admin" && decision.right == .admin)
        #expect(decision.publicKey == admin.publicKey)
        #expect(decision.mechanism == "CURVE" && decision.domain == "supervisor" && decision.address == "127.0.0.1")
        #expect(decision.description == "accepted key \(Z85Key.abbreviated(admin.publicKey)) (admin, admin) from 127.0.0.1")
        #expect(try rig.pump { rig.clientEvents[client].contains { $0.kind == .handshakeSucceeded } })
        #expect(try rig.pump { rig.serverEvents.contains { $0.kind == .handshakeSucceeded } })

        // A host key is authorized too (read), so supervisors can watch each other.
        let pc2 = try store.hostKey("pc2")
        let peer = try rig.connectClient(keys: pc2)
        try rig.send("status", from: peer)
        #expect(try rig.pump { !rig.replies[peer].isEmpty })
        #expect(rig.received.last?.userId == pc2.publicKey)
        #expect(rig.decisions.last?.right == .read)
    }

    @Test("an unknown key: the ZAP handler refuses it and the client's monitor reports the auth failure")
    func unknownKey() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let rig = try CurveRig(store: store)
        let stranger = try CurveKeyPair.generate()
        let client = try rig.connectClient(keys: stranger)
        try rig.send("down", from: client)
        #expect(try rig.pump { rig.clientEvents[client].contains { $0.kind == .handshakeFailedAuth(statusCode: 400) } })
        #expect(try rig.pump { rig.serverEvents.contains { $0.kind == .handshakeFailedAuth(statusCode: 400) } })

        let decision = try #require(rig.decisions.first)
        #expect(!decision.accepted && decision.statusCode == 400)
        #expect(decision.publicKey == stranger.publicKey && decision.name == nil)
        #expect(decision.reason == "not in \(store.authorizedPath)")
        #expect(decision.description == "refused key \(Z85Key.abbreviated(stranger.publicKey)) from 127.0.0.1: not in \(store.authorizedPath)")
        // Give a wrongly let-in message every chance to arrive: none does. libzmq treats the
        // refusal as a protocol error and does not reconnect, so there is no second request.
        try rig.pump(timeout: 0.5) { false }
        #expect(rig.received.isEmpty)
        #expect(rig.replies[client].isEmpty)
        #expect(rig.decisions.count == 1)
    }

    @Test("a client without CurveZMQ: no message arrives and both monitors report a mechanism mismatch")
    func nullClient() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let rig = try CurveRig(store: store)
        let client = try rig.connectClient(keys: nil)
        try rig.send("down", from: client)
        #expect(try rig.pump { rig.serverEvents.contains(where: \.isHandshakeFailure) })
        let mismatch = SocketEvent.Kind.handshakeFailedProtocol(code: UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH))
        #expect(rig.serverEvents.first(where: \.isHandshakeFailure)?.kind == mismatch, "\(rig.serverEvents)")
        #expect(try rig.pump { rig.clientEvents[client].contains(where: \.isHandshakeFailure) })
        #expect(rig.clientEvents[client].first(where: \.isHandshakeFailure)?.kind == mismatch, "\(rig.clientEvents[client])")
        try rig.pump(timeout: 0.5) { false }
        #expect(rig.received.isEmpty)
        // The mismatch is found in the greeting, before any ZAP request.
        #expect(rig.decisions.isEmpty)
    }

    @Test("a client with the wrong server key: the handshake fails and nothing is delivered")
    func wrongServerKey() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let rig = try CurveRig(store: store)
        // pc2's key instead of mainpc's: a mixed-up .pub file.
        let client = try rig.connectClient(keys: try store.clientKey("admin"), serverKey: try store.hostPublicKey("pc2"))
        try rig.send("status", from: client)
        #expect(try rig.pump { rig.serverEvents.contains(where: \.isHandshakeFailure) })
        #expect(rig.serverEvents.first(where: \.isHandshakeFailure)?.kind
            == .handshakeFailedProtocol(code: UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)), "\(rig.serverEvents)")
        try rig.pump(timeout: 0.5) { false }
        #expect(rig.received.isEmpty && rig.decisions.isEmpty)
        // The server just drops the connection, so the client sees no detail (EPIPE) and
        // keeps reconnecting: the server's monitor reports a failure per attempt.
        #expect(try rig.pump { rig.clientEvents[client].contains { $0.kind == .handshakeFailedNoDetail } })
    }

    @Test("revocation: a key removed from authorized is refused at its next connection, without a restart")
    func revocation() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let rig = try CurveRig(store: store)
        let monitorKey = try store.clientKey("monitor")
        let first = try rig.connectClient(keys: monitorKey)
        try rig.send("status", from: first)
        #expect(try rig.pump { !rig.replies[first].isEmpty })
        #expect(rig.received.last?.userId == monitorKey.publicKey)

        let text = try #require(directory.read("keys/authorized"))
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("monitor ") }
        try kept.joined(separator: "\n").write(toFile: store.authorizedPath, atomically: false, encoding: .utf8)

        let second = try rig.connectClient(keys: monitorKey)
        try rig.send("status", from: second)
        #expect(try rig.pump { rig.clientEvents[second].contains { $0.kind == .handshakeFailedAuth(statusCode: 400) } })
        #expect(rig.decisions.last?.accepted == false)
        #expect(rig.decisions.last?.publicKey == monitorKey.publicKey)
        try rig.pump(timeout: 0.5) { false }
        #expect(rig.replies[second].isEmpty)
        #expect(rig.received.count == 1)
    }

    @Test("malformed ZAP requests get a 500 (or 400) and never stop the handler")
    func malformedRequests() throws {
        let context = ZMQContext()
        let zap = try ZAPHandler(context: context) { AuthorizedKeys(file: "authorized", entries: []) }
        #expect(throws: SystemError.self) { try ZAPHandler(context: context) { AuthorizedKeys(file: "x", entries: []) } }
        let requester = try ZMQSocket(.req, context: context)
        try requester.connect(ZAPHandler.endpoint)

        func ask(_ frames: [String]) throws -> (decision: ZAPDecision?, reply: [String]) {
            requester.sendMessage(frames.map { Array($0.utf8) })
            var decisions: [ZAPDecision] = []
            var reply: [[UInt8]]?
            let deadline = Date().addingTimeInterval(10)
            while reply == nil && Date() < deadline {
                var items = [zap.pollItem, requester.pollItem]
                _ = zmq_poll(&items, 2, 50)
                decisions += zap.handlePending()
                reply = try requester.receiveMessage(dontWait: true)
            }
            return (decisions.first, (reply ?? []).map { String(decoding: $0, as: UTF8.self) })
        }

        let short = try ask(["1.0"])
        #expect(short.decision?.statusCode == 500)
        #expect(short.reply.count == 6 && short.reply[2] == "500")
        let badVersion = try ask(["2.0", "7", "supervisor", "127.0.0.1", "", "CURVE", "key"])
        #expect(badVersion.reply[1] == "7" && badVersion.reply[2] == "500")
        let badKey = try ask(["1.0", "8", "supervisor", "127.0.0.1", "", "CURVE", "short"])
        #expect(badKey.reply[1] == "8" && badKey.reply[2] == "500")
        #expect(badKey.decision?.reason.contains("malformed CURVE credentials") == true)
        let null = try ask(["1.0", "9", "supervisor", "127.0.0.1", "", "NULL"])
        #expect(null.reply[2] == "400" && null.decision?.accepted == false)
        let plain = try ask(["1.0", "10", "supervisor", "127.0.0.1", "", "PLAIN", "user", "secret"])
        #expect(plain.reply[2] == "400")
        let otherDomain = try ask(["1.0", "11", "elsewhere", "127.0.0.1", "", "CURVE", String(repeating: "k", count: 32)])
        #expect(otherDomain.reply[2] == "400")
        #expect(otherDomain.decision?.reason.contains("unknown ZAP domain") == true)
        let unknown = try ask(["1.0", "12", "supervisor", "10.0.0.2", "", "CURVE", String(repeating: "k", count: 32)])
        #expect(unknown.reply == ["1.0", "12", "400", "not in authorized", "", ""])
        #expect(unknown.decision?.description.hasSuffix("from 10.0.0.2: not in authorized") == true)
    }

    @Test("monitor messages parse in host byte order")
    func monitorParsing() {
        func frames(_ event: Int32, _ value: UInt32) -> [[UInt8]] {
            var head = withUnsafeBytes(of: UInt16(event)) { Array($0) }
            head += withUnsafeBytes(of: value) { Array($0) }
            return [head, Array("tcp://127.0.0.1:7700".utf8)]
        }
        #expect(SocketEvent(frames: frames(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 400))?.kind == .handshakeFailedAuth(statusCode: 400))
        #expect(SocketEvent(frames: frames(ZMQ_EVENT_ACCEPTED, 12))?.value == 12)
        #expect(SocketEvent(frames: frames(ZMQ_EVENT_LISTENING, 9))?.kind == .other(id: UInt16(ZMQ_EVENT_LISTENING)))
        let protocolFailure = SocketEvent(frames: frames(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)))
        #expect(protocolFailure?.endpoint == "tcp://127.0.0.1:7700")
        #expect(protocolFailure?.description.contains("mechanism mismatch") == true)
        #expect(SocketEvent(frames: [[1, 2, 3]]) == nil)
    }
}

/// Key pairs and the key directory.
@Suite("CurveKeyPair and KeyStore")
struct KeyStoreTests {
    @Test("a generated pair derives back from its secret key, and Z85 round-trips")
    func keyPair() throws {
        let pair = try CurveKeyPair.generate()
        #expect(Z85Key.isValid(pair.publicKey) && Z85Key.isValid(pair.secretKey))
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
        let bytes = try CurveKeyPair.bytes(ofKey: pair.publicKey)
        #expect(bytes.count == 32)
        #expect(CurveKeyPair.z85(of: bytes) == pair.publicKey)
        let other = try CurveKeyPair.generate()
        #expect(throws: KeyIssue.self) { try CurveKeyPair(publicKey: other.publicKey, secretKey: pair.secretKey) }
    }

    @Test("initialize: 0700 folders, 0600 files, an authorized line per key; a second run keeps everything")
    func initializeAndKeep() throws {
        let directory = try TemporaryDirectory()
        let store = KeyStore(directory: directory.file("keys"))
        let report = try store.initialize(hosts: ["mainpc", "pc2"], clients: [("admin", .admin), ("monitor", .read)], force: false)
        let files = ["hosts/mainpc.key", "hosts/mainpc.pub", "hosts/pc2.key", "hosts/pc2.pub",
                     "clients/admin.key", "clients/admin.pub", "clients/monitor.key", "clients/monitor.pub", "authorized"]
        #expect(report.items.map(\.path) == files.map { directory.file("keys/\($0)") })
        #expect(report.items.allSatisfy { $0.action == .created })
        for folder in ["keys", "keys/hosts", "keys/clients"] { #expect(mode(directory.file(folder)) == 0o700, "\(folder)") }
        for file in files { #expect(mode(directory.file("keys/\(file)")) == 0o600, "\(file)") }

        let authorized = store.authorized()
        #expect(authorized.issues.isEmpty && authorized.reloaded)
        #expect(authorized.keys.entries.map(\.name) == ["mainpc", "pc2", "admin", "monitor"])
        #expect(authorized.keys.right(ofKeyNamed: "admin") == .admin)
        #expect(authorized.keys.right(ofKeyNamed: "pc2") == .read)
        #expect(authorized.keys.entry(forPublicKey: try store.clientKey("monitor").publicKey)?.name == "monitor")
        #expect(try store.hostPublicKey("pc2") == store.hostKey("pc2").publicKey)
        #expect(directory.read("keys/hosts/mainpc.key")?.hasPrefix("# CurveZMQ key of host mainpc for supervisor. Secret: never commit or share this file.") == true)

        // Loosened modes are tightened again; contents stay.
        let before = try files.map { try #require(directory.read("keys/\($0)")) }
        chmod(directory.file("keys/clients/admin.key"), 0o644)
        let again = try store.initialize(hosts: ["mainpc", "pc2"], clients: [("admin", .admin), ("monitor", .read)], force: false)
        #expect(again.items.allSatisfy { $0.action == .kept })
        #expect(again.written.isEmpty)
        #expect(try files.map { try #require(directory.read("keys/\($0)")) } == before)
        #expect(mode(directory.file("keys/clients/admin.key")) == 0o600)
    }

    @Test("hand-made lines are kept; a new client is appended; force makes new keys and updates their lines")
    func appendAndForce() throws {
        let directory = try TemporaryDirectory()
        let store = KeyStore(directory: directory.file("keys"))
        _ = try store.initialize(hosts: ["mainpc"], clients: [("admin", .admin)], force: false)
        let outsider = try CurveKeyPair.generate()
        var text = try #require(directory.read("keys/authorized"))
        text += "# the dashboard, added by hand\ndashboard read \(outsider.publicKey)\n"
        // admin demoted by hand: init must not undo it.
        text = text.replacingOccurrences(of: "admin      admin", with: "admin      read ")
        try text.write(toFile: store.authorizedPath, atomically: false, encoding: .utf8)

        let report = try store.initialize(hosts: ["mainpc"], clients: [("admin", .admin), ("ops", .admin)], force: false)
        #expect(report.items.last?.action == .updated)
        #expect(report.items.last?.note == "added ops (admin)")
        let afterAppend = try #require(directory.read("keys/authorized"))
        #expect(afterAppend.hasPrefix(text))
        #expect(store.authorized().keys.entries.map(\.name) == ["mainpc", "admin", "dashboard", "ops"])
        #expect(store.authorized().keys.right(ofKeyNamed: "admin") == .read)

        let oldAdmin = try store.clientKey("admin")
        let forced = try store.initialize(hosts: ["mainpc"], clients: [("admin", .admin)], force: true)
        #expect(forced.items.filter { $0.path.hasSuffix(".key") || $0.path.hasSuffix(".pub") }.allSatisfy { $0.action == .replaced })
        let newAdmin = try store.clientKey("admin")
        #expect(newAdmin != oldAdmin)
        let keys = store.authorized().keys
        #expect(keys.entries.map(\.name) == ["mainpc", "admin", "dashboard", "ops"])
        #expect(keys.entry(named: "admin")?.publicKey == newAdmin.publicKey)
        #expect(keys.entry(named: "admin")?.right == .read)
        #expect(keys.entry(named: "mainpc")?.publicKey == (try store.hostPublicKey("mainpc")))
        #expect(keys.entry(forPublicKey: oldAdmin.publicKey) == nil)
        #expect(directory.read("keys/authorized")?.contains("# the dashboard, added by hand\n") == true)
        #expect(mode(store.authorizedPath) == 0o600)
    }

    @Test("deleting one key's files and running init again replaces just that key, in its line")
    func replaceOneKey() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let oldMonitor = try store.clientKey("monitor")
        let admin = try store.clientKey("admin")
        try FileManager.default.removeItem(atPath: store.clientKeyPath("monitor"))
        try FileManager.default.removeItem(atPath: store.clientPublicKeyPath("monitor"))
        let report = try store.initialize(hosts: ["mainpc", "pc2"], clients: [("monitor", .read)], force: false)
        #expect(report.written == [store.clientKeyPath("monitor"), store.clientPublicKeyPath("monitor"), store.authorizedPath])
        #expect(report.items.last?.note == "new key for monitor")
        let keys = store.authorized().keys
        #expect(keys.entries.map(\.name) == ["mainpc", "pc2", "admin", "monitor"])
        #expect(keys.entry(named: "monitor")?.publicKey == (try store.clientKey("monitor").publicKey))
        #expect(keys.entry(forPublicKey: oldMonitor.publicKey) == nil)
        #expect(try store.clientKey("admin") == admin)
    }

    @Test("an authorized file with CRLF line endings: force replaces keys in their own lines")
    func crlfAuthorized() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let text = try #require(directory.read("keys/authorized"))
        try text.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: store.authorizedPath, atomically: false, encoding: .utf8)
        let oldAdmin = try store.clientKey("admin").publicKey
        _ = try store.initialize(hosts: ["mainpc", "pc2"], clients: [("admin", .admin)], force: true)
        let newAdmin = try store.clientKey("admin").publicKey
        #expect(newAdmin != oldAdmin)
        let keys = store.authorized().keys
        #expect(keys.entry(named: "admin")?.publicKey == newAdmin)
        #expect(keys.entry(named: "monitor") != nil)
        #expect(keys.entry(forPublicKey: oldAdmin) == nil)
    }

    @Test("authorized() re-reads the file only when it changed")
    func reload() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let first = store.authorized()
        #expect(first.reloaded && first.keys.entry(named: "monitor") != nil)
        let cached = store.authorized()
        #expect(!cached.reloaded && cached.keys == first.keys)

        let text = try #require(directory.read("keys/authorized"))
        let revoked = text.split(separator: "\n").filter { !$0.hasPrefix("monitor ") }.joined(separator: "\n") + "\n"
        try revoked.write(toFile: store.authorizedPath, atomically: true, encoding: .utf8)
        let after = store.authorized()
        #expect(after.reloaded && after.keys.entry(named: "monitor") == nil && after.keys.entry(named: "admin") != nil)

        // A bad line is reported once, when the file is read.
        try (revoked + "ops amdin \(try store.clientKey("admin").publicKey)\n").write(toFile: store.authorizedPath, atomically: true, encoding: .utf8)
        let bad = store.authorized()
        #expect(bad.reloaded && bad.issues.map(\.code) == [.badRight])
        #expect(!store.authorized().reloaded)

        try FileManager.default.removeItem(atPath: store.authorizedPath)
        let missing = store.authorized()
        #expect(missing.keys.entries.isEmpty)
        #expect(missing.issues.first?.code == .fileUnreadable)
        #expect(missing.issues.first?.message.contains("supervisor keys init") == true)
    }

    @Test("loading errors name the file and say what to run")
    func loadErrors() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        do {
            _ = try store.hostKey("pc3")
            Issue.record("loaded a key that does not exist")
        } catch {
            #expect(error.code == .fileUnreadable)
            #expect(error.file == store.hostKeyPath("pc3"))
            #expect(error.message.contains("no key for host pc3: \(store.hostKeyPath("pc3")) does not exist"))
            #expect(error.message.contains("run `supervisor keys init`"))
        }
        #expect(throws: KeyIssue.self) { try store.clientPublicKey("nobody") }
        // A .key file whose public key was swapped for another's.
        let admin = try store.clientKey("admin")
        let other = try store.clientKey("monitor")
        try KeyFileText(publicKey: other.publicKey, secretKey: admin.secretKey).formatted(owner: .client("admin"))
            .write(toFile: store.clientKeyPath("admin"), atomically: true, encoding: .utf8)
        do {
            _ = try store.clientKey("admin")
            Issue.record("loaded a mismatched key file")
        } catch {
            #expect(error.code == .mismatchedKeys && error.file == store.clientKeyPath("admin"))
        }
        // And init refuses to go on with it unless forced.
        #expect(throws: KeyIssue.self) { try store.initialize(hosts: [], clients: [("admin", .admin)], force: false) }
        #expect(throws: KeyIssue.self) { try store.hostKey("../etc") }
    }

    @Test("initialize refuses bad and clashing names before writing anything")
    func badNames() throws {
        let directory = try TemporaryDirectory()
        let store = KeyStore(directory: directory.file("keys"))
        do {
            _ = try store.initialize(hosts: ["mainpc"], clients: [("mainpc", .admin)], force: false)
            Issue.record("accepted a client named like a host")
        } catch {
            #expect(error.code == .duplicateName)
            #expect(error.message.contains("'mainpc' is both host mainpc and client mainpc"))
        }
        #expect(throws: KeyIssue.self) { try store.initialize(hosts: ["a b"], clients: [], force: false) }
        #expect(!FileManager.default.fileExists(atPath: directory.file("keys")))
    }
}

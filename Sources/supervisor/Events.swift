import ArgumentParser
import CZeroMQ
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor events [HOST] [--topic T]`
    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the event stream, one JSON event per line.",
            discussion: "Topics: agent.state, agent.health, agent.metrics, agent.errors, remote.host, remote.dependency, system.commands (prefixes match).")

        @Argument(help: "The host (default: every host in the hosts file).")
        var host: String?

        @Option(name: .long, help: "Only events whose topic starts with this (repeatable).")
        var topic: [String] = []

        @Option(name: .long, help: "Exit after this many events.")
        var count: Int?

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        func run() throws {
            let context = try ClientContext(files: files, keys: keys)
            let targets = try context.targets(host)
            try context.requireRunning(targets)
            // One SUB per host: each may need its own CurveZMQ server key.
            var sockets: [ZMQSocket] = []
            for target in targets {
                let client = try context.client(for: target)
                let socket = try ZMQSocket(.sub)
                try client.credentials?.apply(to: socket)
                for prefix in topic.isEmpty ? [""] : topic {
                    try socket.setOption(ZMQ_SUBSCRIBE, bytes: Array(prefix.utf8))
                }
                try socket.connect(client.eventsEndpoint)
                sockets.append(socket)
            }
            var printed = 0
            while count.map({ printed < $0 }) ?? true {
                var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0) }
                guard zmq_poll(&items, Int32(items.count), 1000) > 0 else { continue }
                for (socket, item) in zip(sockets, items) where item.revents != 0 {
                    while count.map({ printed < $0 }) ?? true, let frames = try socket.receiveMessage(dontWait: true),
                          let body = frames.last {
                        print(String(decoding: body, as: UTF8.self))
                        flushStandardOutput()
                        printed += 1
                    }
                }
            }
        }
    }

    /// `supervisor ping [HOST]` / version of each running supervisor.
    struct Ping: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check that a host's supervisor answers; print its version.")

        @Argument(help: "The host (default: every host in the hosts file).")
        var host: String?

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        func run() throws {
            let context = try ClientContext(files: files, keys: keys)
            try context.askEach(try context.targets(host), "version", named: host != nil, reportUnreachable: true) { target, reply in
                print("\(target.name): supervisor \(reply["version"] as? String ?? "?"), protocol v\(reply["protocol"] as? Int ?? 0), libzmq \(reply["zmq"] as? String ?? "?")")
            }
        }
    }
}

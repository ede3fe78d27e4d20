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
            discussion: "Topics: agent.state, agent.health, agent.metrics, agent.errors, system.commands (prefixes match).")

        @Argument(help: "The host (default: every host in the hosts file).")
        var host: String?

        @Option(name: .long, help: "Only events whose topic starts with this (repeatable).")
        var topic: [String] = []

        @Option(name: .long, help: "Exit after this many events.")
        var count: Int?

        @OptionGroup var files: FileOptions

        func run() throws {
            let context = try ClientContext(files: files)
            let targets = try context.targets(host)
            try requireRunning(targets)
            let socket = try ZMQSocket(.sub)
            for target in targets {
                try socket.connect(ControlClient(host: target).eventsEndpoint)
            }
            for prefix in topic.isEmpty ? [""] : topic {
                try socket.setOption(ZMQ_SUBSCRIBE, bytes: Array(prefix.utf8))
            }
            var printed = 0
            while count.map({ printed < $0 }) ?? true {
                guard socket.waitReadable(timeout: 1), let frames = try socket.receiveMessage(dontWait: true),
                      let body = frames.last else { continue }
                print(String(decoding: body, as: UTF8.self))
                flushStandardOutput()
                printed += 1
            }
        }
    }

    /// `supervisor ping [HOST]` / version of each running supervisor.
    struct Ping: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check that a host's supervisor answers; print its version.")

        @Argument(help: "The host (default: every host in the hosts file).")
        var host: String?

        @OptionGroup var files: FileOptions

        func run() throws {
            let context = try ClientContext(files: files)
            try askEach(try context.targets(host), "version", named: host != nil, reportUnreachable: true) { target, reply in
                print("\(target.name): supervisor \(reply["version"] as? String ?? "?"), protocol v\(reply["protocol"] as? Int ?? 0), libzmq \(reply["zmq"] as? String ?? "?")")
            }
        }
    }
}

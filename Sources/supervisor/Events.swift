import ArgumentParser
import CZeroMQ
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor events [HOST] [--topic T]`
    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "events",
            abstract: "Print the event stream, one JSON event per line.",
            discussion: """
                Topics: agent.state, agent.health, agent.metrics, agent.errors, remote.host, remote.dependency, \
                system.commands (prefixes match).

                Follows the supervisors that answer when it starts (exit 3 if none does). When one of them \
                goes away it says so on stderr ("the supervisor of HOST stopped" or "... restarted") and exits \
                with status 3: it stopped when its event connection is lost and a ping then gets no answer \
                within 3 s (ZeroMQ heartbeats notice a silent network the same way); it restarted when an event \
                or a ping names another instance. Events of the new run are not printed.
                """)

        @Argument(help: "The host (default: every host in the hosts file whose supervisor answers).")
        var host: String?

        @Option(name: .long, help: "Only events whose topic starts with this (repeatable).")
        var topic: [String] = []

        @Option(name: .long, help: "Exit after this many events.")
        var count: Int?

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        func run() throws {
            let context = try ClientContext(files: files, keys: keys)
            // One follower per running host: each may need its own CurveZMQ server key.
            let followers = try context.requireRunning(try context.targets(host)).map { target in
                try EventFollower(host: target.host, instance: target.instance, topics: topic,
                                  credentials: try context.credentials(for: target.host))
            }
            var printed = 0
            while count.map({ printed < $0 }) ?? true {
                var items = followers.flatMap(\.pollItems)
                let untilDeadline = followers.compactMap(\.nextDeadline).min().map { ($0 - MonotonicClock.now()) * 1000 }
                _ = zmq_poll(&items, Int32(items.count), Int(min(1000, max(1, (untilDeadline ?? 1000).rounded(.up)))))
                for follower in followers where count.map({ printed < $0 }) ?? true {
                    let (bodies, verdict) = follower.receive(now: MonotonicClock.now(), limit: count.map { $0 - printed })
                    for body in bodies { print(String(decoding: body, as: UTF8.self)) }
                    printed += bodies.count
                    flushStandardOutput()
                    if let verdict {
                        printError(follower.explain(verdict))
                        throw CLIExit.notRunning
                    }
                }
            }
        }
    }

    /// `supervisor ping [HOST]` / version of each running supervisor.
    struct Ping: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ping", abstract: "Check that a host's supervisor answers; print its version.")

        @Argument(help: "The host (default: every host in the hosts file).")
        var host: String?

        @Flag(help: "Print one JSON array: per host reachable, instance, version, protocol, zmq, latency_ms.")
        var json = false

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        func run() throws {
            let context = try ClientContext(files: files, keys: keys)
            if json { return try printReports(context) }
            try context.askEach(try context.targets(host), .version, as: VersionReply.self, named: host != nil, reportUnreachable: true) { target, reply in
                print("\(target.name): supervisor \(reply.version), protocol v\(reply.protocol), libzmq \(reply.zmq)")
            }
        }

        /// `--json`: a ping for the instance and the round trip, then the version. Exit codes as
        /// without it: 3 when a named host or every host does not answer.
        private func printReports(_ context: ClientContext) throws {
            var reports: [PingReport] = []
            for target in try context.targets(host) {
                let client = try context.client(for: target)
                let started = MonotonicClock.now()
                switch client.request(.ping, as: PingReply.self, timeout: 5) {
                case .success(let ping):
                    let latency = ((MonotonicClock.now() - started) * 1_000_000).rounded() / 1000
                    var report = PingReport(host: target.name, reachable: true, instance: ping.instance, latencyMs: latency)
                    if case .success(let version) = client.request(.version, as: VersionReply.self) {
                        report.version = version.version
                        report.protocol = version.protocol
                        report.zmq = version.zmq
                    }
                    reports.append(report)
                case .failure(let error) where error.code == .unreachable && host == nil:
                    reports.append(PingReport(host: target.name, reachable: false, message: error.message))
                case .failure(let error):
                    throw fail(error, host: target)
                }
            }
            try printJSON(reports)
            if !reports.contains(where: \.reachable) { throw CLIExit.notRunning }
        }
    }
}

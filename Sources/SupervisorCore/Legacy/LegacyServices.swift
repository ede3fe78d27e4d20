import CZeroMQ
import Foundation
import SupervisorModel

/// The legacy endpoints a host's supervisor serves itself: the service registry (a ROUTER that
/// REQ clients talk to, owned by the reactor thread) and the error-bus collector (a SUB bound
/// where the agents' PUB sockets connect, on its own thread: `ErrorBusCollector`). Any bytes
/// are answered, collected or counted, never fatal.
final class LegacyServices {
    private(set) var registrySocket: ZMQSocket?
    private(set) var collector: ErrorBusCollector?
    var registry: ServiceRegistry?
    let registryEndpoint: String?
    let errorEndpoint: String?
    /// Error reports received per agent (times), for errors per minute.
    private(set) var errorTimes: [String: [TimeInterval]] = [:]
    /// Messages on the error bus that were not a report (written to errors.log as `unparsed`).
    private(set) var malformedErrors = 0
    /// Messages lost because the reactor did not take them in time.
    private(set) var overflowedErrors = 0
    private let errorLog: RotatingLogFile?

    /// Opens errors.log anew when it was moved (SIGUSR2); true when it did.
    func reopenMovedLog() -> Bool {
        errorLog?.reopenIfMoved() ?? false
    }
    /// errors.log began or stopped losing lines, for the reactor to report.
    private var logNotices: [LogWriteNotice] = []

    init(manifest: Manifest, hosts: HostTable, host: String, logDirectory: String) throws {
        let address = hosts[host]?.address ?? "127.0.0.1"
        if let registry = manifest.registry, registry.isServedBySupervisor, registry.host == host {
            let endpoint = ZMQEndpoint.tcp(address, port: registry.port)
            let socket = try ZMQSocket(.router)
            try socket.setOption(ZMQ_MAXMSGSIZE, int64: 1 << 20)
            do { try socket.bind(endpoint) } catch { throw LegacyServiceError(what: "service registry", endpoint: endpoint, error: error) }
            registrySocket = socket
            registryEndpoint = endpoint
            self.registry = ServiceRegistry(manifest: manifest, hosts: hosts)
        } else {
            registryEndpoint = nil
        }
        if let bus = manifest.errorBus, bus.host == host {
            let endpoint = ZMQEndpoint.tcp(address, port: bus.port)
            do {
                collector = try ErrorBusCollector(address: address, port: bus.port)
            } catch {
                throw LegacyServiceError(what: "error bus", endpoint: endpoint, error: error)
            }
            errorEndpoint = endpoint
            let errorLog = try RotatingLogFile(path: logDirectory + "/errors.log", maxSize: 10 << 20, maxFiles: 5)
            errorLog.gapMarker = { lines, error in
                Array("\(Timestamp.now()) supervisor warning lines_lost: \(LogLoss.lines(lines)) lost here (\(error.message))\n".utf8)
            }
            self.errorLog = errorLog
        } else {
            errorEndpoint = nil
            errorLog = nil
        }
    }

    /// Registers the registry socket and the collector's wake pipe with the reactor's loop
    /// (once, at set-up: neither is ever replaced).
    func watch(with loop: EventLoop<ReactorTag>) throws {
        if let registrySocket { try loop.add(registrySocket, tag: .registry) }
        if let collector { try loop.add(collector.wakeFD, tag: .errorBus) }
    }

    /// Answers waiting registry requests.
    func serveRegistry(state: (String) -> String?) {
        guard let socket = registrySocket else { return }
        for _ in 0..<256 {
            guard let frames = try? socket.receiveMessage(dontWait: true) else { return }
            guard frames.count >= 2, var registry else { continue }
            let envelope = frames[1].isEmpty ? Array(frames[0...1]) : [frames[0]]
            let reply = registry.answer(frames.last ?? [], state: state)
            self.registry = registry
            socket.sendMessage(envelope + [reply.jsonBytes])
        }
    }

    /// Takes what the collector received: writes every message to errors.log (one that is
    /// not a report as `unparsed`, counted) and returns the reports.
    func collectErrors(now: TimeInterval) -> [ErrorReport] {
        guard let collector else { return [] }
        let (received, overflowed) = collector.take()
        var reports: [ErrorReport] = []
        var text = ""
        for message in received {
            guard let report = message.report else {
                malformedErrors += 1
                text += "\(Timestamp.now()) unknown unparsed: \(message.unparsed)\n"
                continue
            }
            reports.append(report)
            // The name is the sender's word: past 1000 names, new ones share one counter, so a
            // sender cannot grow this map without bound (names quiet for 60 s are pruned).
            let counted = errorTimes[report.agent] != nil || errorTimes.count < 1000 ? report.agent : "unknown"
            errorTimes[counted, default: []].append(now)
            // One line per report: a message cannot forge lines of errors.log.
            let line = "\(report.agent) \(report.severity) \(report.type): \(report.message)"
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
            text += "\(Timestamp.now()) \(line)\n"
        }
        if overflowed > 0 {
            overflowedErrors += overflowed
            text += "\(Timestamp.now()) supervisor warning: \(overflowed) error-bus messages lost (more than \(ErrorBusCollector.queueLimit) waiting)\n"
        }
        if !text.isEmpty, let change = errorLog?.append(Array(text.utf8)) { noteErrorLog(change) }
        return reports
    }

    /// The notices about errors.log since the last call.
    func takeLogNotices() -> [LogWriteNotice] {
        guard !logNotices.isEmpty else { return [] }
        defer { logNotices = [] }
        return logNotices
    }

    /// errors.log, failing, written to and not failing for a while, has resumed.
    func settleLogs() {
        if errorLog?.loss.isFailing == true, let change = errorLog?.settle() { noteErrorLog(change) }
    }

    /// errors.log in `status`, when it has lost lines or cannot be written now.
    var errorLogStatus: LogFileStatus? {
        guard let errorLog, errorLog.loss.linesLost > 0 || errorLog.loss.isFailing else { return nil }
        return LogFileStatus(file: errorLog.path, linesLost: errorLog.loss.linesLost, error: errorLog.loss.failure)
    }

    private func noteErrorLog(_ change: LogLoss.Change) {
        guard let errorLog else { return }
        logNotices.append(LogWriteNotice(file: errorLog.path, agent: nil, change: change, shownAs: LogPath.shown(errorLog.path)))
    }

    /// Errors the agent reported over the last minute.
    func errorsPerMinute(_ agent: String, now: TimeInterval) -> Int {
        errorTimes[agent]?.filter { now - $0 < 60 }.count ?? 0
    }

    /// Drops old error times (called now and then).
    func prune(now: TimeInterval) {
        for (agent, times) in errorTimes {
            let recent = times.filter { now - $0 < 60 }
            errorTimes[agent] = recent.isEmpty ? nil : recent
        }
    }

    func close() {
        registrySocket?.close()
        collector?.close()
        collector = nil
    }

    deinit {
        // The collector's thread holds its socket until told to stop (a reactor whose set-up
        // failed after this was made never runs, nor closes).
        collector?.close()
    }
}

/// A legacy endpoint could not be bound.
struct LegacyServiceError: Error, CustomStringConvertible {
    var what: String
    var endpoint: String
    var error: Error

    var description: String { "cannot serve the \(what) on \(endpoint): \(error)" }
}

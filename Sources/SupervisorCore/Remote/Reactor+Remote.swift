import Foundation
import SupervisorModel

extension Reactor {
    /// Makes one watcher per other host that local agents depend on (at start, and after a
    /// reload changed the remote dependencies or the hosts file).
    func syncRemoteWatchers() {
        let needed = Dictionary(grouping: model.remoteAgentsNeeded, by: \.host)
        var kept: [RemoteHostWatcher] = []
        for watcher in remoteWatchers {
            if let agents = needed[watcher.host.name], agents == watcher.agents, hostTable?[watcher.host.name] == watcher.host {
                kept.append(watcher)
            } else {
                watcher.close()
                deadlines.cancel(.remote(watcher.host.name))
            }
        }
        remoteWatchers = kept
        let now = MonotonicClock.now()
        for (name, agents) in needed.sorted(by: { $0.key < $1.key }) where !kept.contains(where: { $0.host.name == name }) {
            guard let host = hostTable?[name] else {
                log.note("cannot follow \(agents.map(\.description).joined(separator: ", ")): host \(name) is not in the hosts file")
                continue
            }
            do {
                let credentials = peerCredentials(toReach: host)
                let watcher = try RemoteHostWatcher(
                    host: host, agents: agents, credentials: credentials,
                    pollInterval: options.remotePollInterval, timeout: options.remoteTimeout, now: now, loop: loop)
                remoteWatchers.append(watcher)
                schedule(watcher)
                let security = credentials.map { "CurveZMQ as key \($0.keyName)" } ?? "no authentication"
                log.note("following \(agents.map(\.description).joined(separator: ", ")) through the supervisor of \(name) at \(watcher.controlEndpoint) (\(security))")
            } catch {
                log.note("cannot follow host \(name): \(error)")
            }
        }
    }

    /// CurveZMQ credentials for following `other`: this host's key and `other`'s public key,
    /// when this supervisor uses CurveZMQ or `other` is not on loopback (where it must). Nil, with
    /// the reason logged, when the keys are missing: the other host will then refuse us.
    private func peerCredentials(toReach other: HostTable.Host) -> ClientCredentials? {
        guard gate != nil || !other.isLoopback else { return nil }
        do {
            return try ClientCredentials.host(options.host, toReach: other.name, in: KeyStore(directory: options.keysDirectory))
        } catch {
            log.note("following host \(other.name) without CurveZMQ: \(error.description)")
            return nil
        }
    }

    func reportRemoteDependency(_ remote: RemoteAgent, ready: Bool, detail: String, dependents: [String]) {
        var line = "\(remote) is \(ready ? "ready" : "not ready (\(detail))")"
        if !ready && !dependents.isEmpty {
            line += "; \(dependents.joined(separator: ", ")) keep\(dependents.count == 1 ? "s" : "") running"
        }
        log.note(line)
        events?.publish(.remoteDependency, RemoteDependencyEvent(agent: remote.description, ready: ready, detail: detail, dependents: dependents))
    }

    func reportRemoteHost(_ host: String, reachable: Bool, waiting: [String]) {
        let endpoint = remoteWatchers.first { $0.host.name == host }?.controlEndpoint ?? host
        if reachable {
            log.note("host \(host) is reachable (\(endpoint))")
        } else {
            var line = "host \(host) is unreachable: no status reply from \(endpoint) within \(Self.seconds(options.remoteTimeout))"
            if !waiting.isEmpty { line += "; still waiting: \(waiting.joined(separator: ", "))" }
            log.note(line)
        }
        events?.publish(.remoteHost, RemoteHostEvent(remote: host, reachable: reachable, waiting: waiting))
    }

    private static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}

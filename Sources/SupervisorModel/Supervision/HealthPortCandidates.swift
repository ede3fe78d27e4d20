/// The order in which health-port discovery tries the ports an agent's processes listen on,
/// when its configured health port does not answer (`health.discover`).
///
/// The configured port has just been tried, so it is left out. Then come, when the agent
/// listens on them, the agent's `port` + 1 (where the legacy BaseAgent binds its health socket
/// unless it is given the port), the configured health port + 1, and the rest in ascending
/// order. At most `limit` ports are tried in one round.
public enum HealthPortCandidates {
    /// The most ports one discovery round probes at once.
    public static let limit = 16

    /// The ports to try, most likely first.
    public static func order(listening: [Int], configured: Int?, agentPort: Int?) -> [Int] {
        var rest = Set(listening)
        if let configured { rest.remove(configured) }
        var ordered: [Int] = []
        for preferred in [agentPort.map { $0 + 1 }, configured.map { $0 + 1 }].compactMap({ $0 })
        where rest.contains(preferred) {
            ordered.append(preferred)
            rest.remove(preferred)
        }
        ordered += rest.sorted()
        return Array(ordered.prefix(limit))
    }
}

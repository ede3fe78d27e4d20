import Foundation
import SupervisorModel

/// The environment an agent process gets: the supervisor's own, then the manifest's `env`,
/// then the variables the legacy agents read (AGENT_NAME, AGENT_PORT, HEALTH_CHECK_PORT).
public enum AgentEnvironment {
    public static func build(for spec: AgentSpec, inherited: [String: String]) -> [String: String] {
        var environment = inherited
        for (name, value) in spec.environment { environment[name] = value }
        environment["AGENT_NAME"] = spec.name
        if let port = spec.port { environment["AGENT_PORT"] = String(port) }
        if let port = spec.health.port { environment["HEALTH_CHECK_PORT"] = String(port) }
        return environment
    }
}

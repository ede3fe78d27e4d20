import Foundation
import SupervisorModel

/// The environment an agent process gets: the supervisor's own, then the legacy variables
/// (addresses, registry, error bus, dependencies; unless `legacy_env: false`), then the
/// manifest's `env`, then AGENT_NAME, AGENT_PORT and HEALTH_CHECK_PORT.
public enum AgentEnvironment {
    public static func build(
        for spec: AgentSpec, inherited: [String: String], legacy: LegacyEnvironment? = nil
    ) -> [String: String] {
        var environment = inherited
        if spec.legacyEnvironment, let legacy {
            for (name, value) in legacy.variables(for: spec) { environment[name] = value }
        }
        for (name, value) in spec.environment { environment[name] = value }
        environment["AGENT_NAME"] = spec.name
        if let port = spec.port { environment["AGENT_PORT"] = String(port) }
        if let port = spec.health.port { environment["HEALTH_CHECK_PORT"] = String(port) }
        return environment
    }
}

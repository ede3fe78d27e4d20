/// The result of one health probe.
public enum ProbeOutcome: Equatable, Sendable {
    /// Healthy and ready.
    case healthy
    /// Alive but says it is not ready yet (`initializing`, `starting`) or nothing answered yet.
    case notReady(String)
    /// Answered unhealthy, answered garbage, refused, or timed out.
    case unhealthy(String)

    public var isHealthy: Bool { self == .healthy }
}

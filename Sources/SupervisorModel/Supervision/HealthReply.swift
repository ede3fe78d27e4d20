import Foundation

/// Interprets a legacy agent's health reply: a JSON object whose `status` field says healthy
/// (`ok`, `healthy`, `success`, `online`, any case), not ready yet (`initializing`, `starting`),
/// or anything else: unhealthy.
public enum HealthReply {
    public static let healthy: Set<String> = ["ok", "healthy", "success", "online"]
    public static let notReady: Set<String> = ["initializing", "starting"]

    /// The outcome for a reply's bytes, with the agent's own status words.
    public static func interpret(_ bytes: [UInt8], healthy: [String], notReady: [String]) -> ProbeOutcome {
        interpret(bytes, healthySet: Set(healthy), notReadySet: Set(notReady))
    }

    /// The outcome for a reply's bytes, with the legacy status words.
    public static func interpret(_ bytes: [UInt8]) -> ProbeOutcome {
        interpret(bytes, healthySet: healthy, notReadySet: notReady)
    }

    private static func interpret(_ bytes: [UInt8], healthySet: Set<String>, notReadySet: Set<String>) -> ProbeOutcome {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            let preview = String(decoding: bytes.prefix(80), as: UTF8.self)
            return .unhealthy("reply is not a JSON object: \"\(preview)\"")
        }
        guard let status = object["status"] as? String else {
            return .unhealthy("reply has no status field")
        }
        let lowered = status.lowercased()
        if healthySet.contains(lowered) { return .healthy }
        let message = (object["message"] as? String).map { ": \($0)" } ?? ""
        if notReadySet.contains(lowered) { return .notReady("status \(status)\(message)") }
        return .unhealthy("status \(status)\(message)")
    }

    /// The request frame the legacy agents expect.
    public static let request = #"{"action": "health_check"}"#
}

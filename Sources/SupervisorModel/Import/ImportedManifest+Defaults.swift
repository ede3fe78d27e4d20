/// Moves what the agents share into `defaults`, so each agent lists only what is its own.
///
/// `env`, `health` and `limits` merge key by key with `defaults`, and a key cannot be removed
/// again on one agent. So a key goes to `defaults` only when every agent has it (with the value
/// most agents have); an agent whose value differs, or a key only some agents have (mainpc's
/// extra environment variables, an agent's AGENT_CONFIG_JSON), stays on the agent.
extension ImportedManifest {
    struct Defaults: Sendable {
        var host: String?
        var required: Bool?
        var sections: [Section: [Entry]] = [:]

        /// The entries of `agent` that `defaults` does not already give it.
        func overrides(of agent: Agent, in section: Section) -> [Entry] {
            let shared = sections[section] ?? []
            return (agent.settings[section] ?? []).filter { entry in !shared.contains(entry) }
        }
    }

    var defaults: Defaults {
        var result = Defaults()
        result.host = Self.majority(agents.map(\.host))
        result.required = Self.majority(agents.map(\.required))
        for section in Section.allCases {
            var keys: [String] = []
            for agent in agents {
                for entry in agent.settings[section] ?? [] where !keys.contains(entry.key) { keys.append(entry.key) }
            }
            var shared: [Entry] = []
            for key in keys {
                let values = agents.map { agent in agent.settings[section]?.first { $0.key == key }?.value }
                guard values.allSatisfy({ $0 != nil }), let value = Self.majority(values.compactMap { $0 }) else { continue }
                shared.append(Entry(key: key, value: value))
            }
            result.sections[section] = shared
        }
        return result
    }

    /// The most frequent value; the first one seen wins a tie. Nil for no values.
    static func majority<Value: Hashable>(_ values: [Value]) -> Value? {
        var counts: [Value: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        var best: Value?
        for value in values where best == nil || counts[value]! > counts[best!]! { best = value }
        return best
    }
}

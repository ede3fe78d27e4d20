import Yams

/// `depends_on`: a list whose items are a name (`Name`, `host/Name`) or a mapping
/// `{name, condition, required}`; both forms may be mixed in one list.
extension AgentSpecDecoder {
    static let dependencyKeys = ["name", "condition", "required"]

    mutating func applyDependencies(
        _ node: Node, onto spec: inout AgentSpec, _ place: ManifestReader.Place, reader: inout ManifestReader
    ) {
        guard case .sequence(let items) = node else {
            reader.report(.wrongType, "expected a list of agent names or {name, condition, required} mappings, found \(Self.describe(node))",
                          at: node, place)
            return
        }
        var dependencies: [DependencySpec] = []
        for (index, item) in items.enumerated() {
            guard let dependency = dependency(item, place, index: index, reader: &reader) else { continue }
            let key = "depends_on." + dependency.name
            if let earlier = dependencies.first(where: { $0.name == dependency.name }) {
                // The same entry twice changes nothing; two different ones say two things.
                if earlier != dependency {
                    reader.report(.badValue,
                                  "'\(dependency.name)' is listed twice with different terms (\(Self.terms(earlier)); \(Self.terms(dependency))); list it once",
                                  at: item, place.child(dependency.name))
                }
                continue
            }
            positions[key] = item.mark?.line
            dependencies.append(dependency)
        }
        spec.dependencies = dependencies
    }

    /// One item of the list; nil (with the problem reported) when it cannot be read.
    private func dependency(
        _ item: Node, _ place: ManifestReader.Place, index: Int, reader: inout ManifestReader
    ) -> DependencySpec? {
        switch item {
        case .scalar:
            guard let text = reader.string(item, place.child("\(index)")) else { return nil }
            let (host, name) = DependencySpec.parse(text)
            return DependencySpec(name: name, host: host)
        case .mapping(let mapping):
            // The name first, so that the other keys' messages can say which dependency they are in.
            let nameNode = mapping.first { $0.key.scalar?.string == "name" }?.value
            var here = place.child("\(index)")
            var dependency = DependencySpec(name: "")
            let nameText = nameNode.flatMap { reader.string($0, here.child("name")) }
            if let text = nameText, !text.isEmpty {
                let (host, name) = DependencySpec.parse(text)
                dependency.name = name
                dependency.host = host
                here = place.child(name)
            }
            guard let pairs = reader.mapping(item, here, allowed: Self.dependencyKeys) else { return nil }
            let conditions = Dictionary(uniqueKeysWithValues: DependencySpec.Condition.allCases.map { ($0.rawValue, $0) })
            var complete = true
            for (key, value) in pairs {
                switch key {
                case "condition":
                    if let v = reader.choice(value, here.child(key), conditions) { dependency.condition = v } else { complete = false }
                case "required":
                    if let v = reader.bool(value, here.child(key)) { dependency.required = v } else { complete = false }
                default: break
                }
            }
            guard let nameNode else {
                reader.report(.missingKey, "a dependency written as a mapping needs 'name' (the agent it depends on)", at: item, here)
                return nil
            }
            if nameText?.isEmpty == true {
                reader.report(.badValue, "'name' must name an agent", at: nameNode, here.child("name"))
            }
            return dependency.name.isEmpty || !complete ? nil : dependency
        default:
            reader.report(.wrongType,
                          "expected an agent name or a mapping {name, condition, required}, found \(Self.describe(item))",
                          at: item, place.child("\(index)"))
            return nil
        }
    }

    /// `condition ready, required` for messages.
    private static func terms(_ dependency: DependencySpec) -> String {
        "condition \(dependency.condition.rawValue), \(dependency.required ? "required" : "not required")"
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "the value \"\(scalar.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

/// An agent's number inside one `HostSupervisor`: its index in the model's tables (specs,
/// runtimes, dependency counters), in manifest order. Valid until the next reload, which
/// numbers the agents anew; events and commands name agents, and the model turns a name into
/// its id once, where they arrive.
public struct AgentID: Hashable, Comparable, Sendable {
    public let index: Int

    public init(_ index: Int) { self.index = index }

    public static func < (lhs: AgentID, rhs: AgentID) -> Bool { lhs.index < rhs.index }
}

/// The agents' names and ids, both ways: the one name -> id dictionary of the model.
public struct AgentIndex: Equatable, Sendable {
    /// Agent names by id (a removed agent keeps its slot until the next reload renumbers).
    public private(set) var names: [String]
    private var ids: [String: AgentID]

    /// Numbers `names` in their order.
    public init(_ names: [String]) {
        self.names = names
        var ids: [String: AgentID] = [:]
        ids.reserveCapacity(names.count)
        for (index, name) in names.enumerated() { ids[name] = AgentID(index) }
        self.ids = ids
    }

    /// The id of the agent named `name`, if it is in the table.
    public subscript(name: String) -> AgentID? { ids[name] }

    /// The name of an agent.
    public func name(of id: AgentID) -> String { names[id.index] }

    /// Number of slots (removed agents included until the next reload).
    public var count: Int { names.count }

    /// Forgets a name (its slot stays empty until the next reload).
    mutating func remove(_ name: String) { ids[name] = nil }
}

/// One value per agent, stored in an array indexed by `AgentID`; read by name through the
/// index (as the I/O layer, the CLI and tests do) or by id (the model's hot paths).
public struct AgentTable<Value: Equatable & Sendable>: Equatable, Sendable {
    public private(set) var index: AgentIndex
    private var values: [Value?]

    /// A table of `values` for the agents of `index`, in id order.
    init(index: AgentIndex, values: [Value?]) {
        precondition(index.count == values.count, "one value per agent")
        self.index = index
        self.values = values
    }

    /// The value of the agent named `name`; nil for an agent that is not (or no longer) here.
    /// Setting nil removes the agent from the table.
    public subscript(name: String) -> Value? {
        // Borrowed, not copied: `specs[name]?.health.kind` reads one field of a large value.
        _read {
            if let id = index[name] { yield values[id.index] } else { yield nil }
        }
        _modify {
            if let id = index[name] {
                yield &values[id.index]
                if values[id.index] == nil { index.remove(name) }
            } else {
                var absent: Value?
                yield &absent
            }
        }
    }

    /// The value of an agent by id; nil once it was removed.
    subscript(id: AgentID) -> Value? {
        _read { yield values[id.index] }
        _modify { yield &values[id.index] }
    }

    /// Number of agents present. O(agents).
    public var count: Int { values.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
}

/// A value that can be handed to a closure where it lies: `specs[id]?.borrowed { spec in ... }`
/// reads a large value inside the table's access, where `guard let spec = specs[id]` copies it
/// out (a retain and a release per stored reference; half of `status(of:)` for ready agents).
protocol BorrowedInPlace {}

extension BorrowedInPlace {
    func borrowed<Result>(_ body: (Self) -> Result) -> Result {
        body(self)
    }
}

extension AgentSpec: BorrowedInPlace {}
extension AgentRuntime: BorrowedInPlace {}

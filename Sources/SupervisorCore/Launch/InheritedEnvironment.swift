import Foundation
import SupervisorModel

/// The supervisor's own environment as exec takes it (`NAME=value` C strings, sorted by name),
/// made once per launcher: every agent inherits it, so a spawn only adds its own few variables
/// (legacy ones, the manifest's `env`, AGENT_NAME, the run marker) instead of copying, merging
/// and sorting some forty strings at each start. Nothing is kept per agent, so memory does
/// not grow with the number of agents.
final class InheritedEnvironment {
    /// Sorted by name; each line owned here (`strdup`).
    private let names: [String]
    private let lines: [UnsafeMutablePointer<CChar>]

    init(_ environment: [String: String]) {
        let sorted = environment.sorted { $0.key < $1.key }
        names = sorted.map(\.key)
        lines = sorted.map { strdup("\($0.key)=\($0.value)")! }
    }

    deinit {
        for line in lines { free(line) }
    }

    /// The environment of one start: these variables, with `overrides` taking the place of
    /// any of the same name, sorted by name (the order a plain sort of the whole would give).
    func with(_ overrides: [String: String]) -> ExecEnvironment {
        ExecEnvironment(inherited: self, overrides: overrides.sorted { $0.key < $1.key })
    }

    func merged(with overrides: [(key: String, value: String)]) -> (pointers: [UnsafeMutablePointer<CChar>], owned: [UnsafeMutablePointer<CChar>]) {
        var pointers: [UnsafeMutablePointer<CChar>] = []
        pointers.reserveCapacity(lines.count + overrides.count)
        var owned: [UnsafeMutablePointer<CChar>] = []
        owned.reserveCapacity(overrides.count)
        var index = 0
        for (name, value) in overrides {
            while index < names.count && names[index] < name {
                pointers.append(lines[index])
                index += 1
            }
            if index < names.count && names[index] == name { index += 1 }
            let line = strdup("\(name)=\(value)")!
            owned.append(line)
            pointers.append(line)
        }
        while index < names.count {
            pointers.append(lines[index])
            index += 1
        }
        return (pointers, owned)
    }
}

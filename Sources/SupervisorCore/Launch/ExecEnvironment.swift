import Foundation

/// A NULL-terminated `envp` for one spawn: the inherited lines (borrowed, kept alive through
/// `inherited`) and this start's own (freed with it).
final class ExecEnvironment {
    private let inherited: InheritedEnvironment
    private let owned: [UnsafeMutablePointer<CChar>]
    private let storage: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    init(inherited: InheritedEnvironment, overrides: [(key: String, value: String)]) {
        self.inherited = inherited
        let (pointers, owned) = inherited.merged(with: overrides)
        self.owned = owned
        storage = .allocate(capacity: pointers.count + 1)
        for (index, pointer) in pointers.enumerated() { storage[index] = pointer }
        storage[pointers.count] = nil
    }

    deinit {
        for line in owned { free(line) }
        storage.deallocate()
    }

    var pointer: UnsafePointer<UnsafeMutablePointer<CChar>?> { UnsafePointer(storage) }

    /// The `NAME=value` lines, in order (for tests).
    var lines: [String] {
        var result: [String] = []
        var index = 0
        while let line = storage[index] {
            result.append(String(cString: line))
            index += 1
        }
        return result
    }
}

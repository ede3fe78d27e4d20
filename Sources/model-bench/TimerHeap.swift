import SupervisorModel

/// The fake reactor's timers: a binary heap by due time (then by setting order); setting a key
/// again replaces its timer (the older entry is skipped when it comes up).
struct TimerHeap {
    private struct Entry {
        var due: Double
        var sequence: Int
        var key: TimerKey
    }

    private var heap: [Entry] = []
    private var live: [TimerKey: Int] = [:]
    private var sequence = 0

    mutating func set(_ key: TimerKey, due: Double) {
        sequence += 1
        live[key] = sequence
        heap.append(Entry(due: due, sequence: sequence, key: key))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest live timer, removed.
    mutating func popEarliest() -> (Double, TimerKey)? {
        while let top = heap.first {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var best = parent
                    if left < heap.count && Self.before(heap[left], heap[best]) { best = left }
                    if right < heap.count && Self.before(heap[right], heap[best]) { best = right }
                    if best == parent { break }
                    heap.swapAt(parent, best)
                    parent = best
                }
            }
            if live[top.key] == top.sequence {
                live[top.key] = nil
                return (top.due, top.key)
            }
        }
        return nil
    }

    private static func before(_ lhs: Entry, _ rhs: Entry) -> Bool {
        lhs.due != rhs.due ? lhs.due < rhs.due : lhs.sequence < rhs.sequence
    }
}

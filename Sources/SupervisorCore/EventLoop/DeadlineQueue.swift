import Foundation
import SupervisorModel

/// The model's timers, by `TimerKey`.
typealias TimerQueue = DeadlineQueue<TimerKey>

/// Deadlines by key: a binary heap with lazy deletion. Setting a deadline that replaces an older
/// one with the same key, or cancelling one, costs O(log n) (amortized, the stale entry is
/// dropped when it reaches the top); the earliest deadline is found in O(1) amortized. Every
/// deadline of the reactor lives in one of these: the model's timers, the in-flight probes' and
/// the reactor's own periodic work.
struct DeadlineQueue<Key: Hashable> {
    private struct Entry {
        var deadline: TimeInterval
        var key: Key
        var serial: Int
    }

    private var heap: [Entry] = []
    private var current: [Key: Int] = [:]
    private var serial = 0

    /// Sets (or replaces) the deadline of `key`.
    mutating func set(_ key: Key, at deadline: TimeInterval) {
        serial += 1
        current[key] = serial
        heap.append(Entry(deadline: deadline, key: key, serial: serial))
        siftUp(heap.count - 1)
        // Keep stale entries from outnumbering live ones (a key re-set often, never popped).
        if heap.count > 64 && heap.count > 2 * current.count { compact() }
    }

    /// Forgets the deadline of `key`, if any.
    mutating func cancel(_ key: Key) {
        current[key] = nil
    }

    /// Whether `key` has a deadline.
    func contains(_ key: Key) -> Bool {
        current[key] != nil
    }

    /// How many keys have a deadline.
    var count: Int { current.count }

    /// The earliest live deadline.
    mutating func nextDeadline() -> TimeInterval? {
        dropStale()
        return heap.first?.deadline
    }

    /// Removes and returns the earliest key if its deadline is at or before `now`.
    mutating func popDue(now: TimeInterval) -> Key? {
        dropStale()
        guard let first = heap.first, first.deadline <= now else { return nil }
        removeFirst()
        current[first.key] = nil
        return first.key
    }

    private mutating func dropStale() {
        while let first = heap.first, current[first.key] != first.serial { removeFirst() }
    }

    /// Rebuilds the heap from its live entries, O(n), at most once per n stale sets.
    private mutating func compact() {
        heap.removeAll { current[$0.key] != $0.serial }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private mutating func removeFirst() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        if !heap.isEmpty { siftDown(0) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

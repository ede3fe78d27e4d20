import Foundation
import SupervisorModel

/// Deadlines for the model's timers: a binary heap with lazy deletion, so setting a timer that
/// replaces an older one with the same key costs O(log n).
struct TimerQueue {
    private struct Entry {
        var deadline: TimeInterval
        var key: TimerKey
        var serial: Int
    }

    private var heap: [Entry] = []
    private var current: [TimerKey: Int] = [:]
    private var serial = 0

    /// Sets (or replaces) the timer `key` to fire at `deadline`.
    mutating func set(_ key: TimerKey, at deadline: TimeInterval) {
        serial += 1
        current[key] = serial
        heap.append(Entry(deadline: deadline, key: key, serial: serial))
        siftUp(heap.count - 1)
    }

    /// The earliest live deadline.
    mutating func nextDeadline() -> TimeInterval? {
        dropStale()
        return heap.first?.deadline
    }

    /// Removes and returns the earliest timer if it is due at `now`.
    mutating func popDue(now: TimeInterval) -> TimerKey? {
        dropStale()
        guard let first = heap.first, first.deadline <= now else { return nil }
        removeFirst()
        current[first.key] = nil
        return first.key
    }

    private mutating func dropStale() {
        while let first = heap.first, current[first.key] != first.serial { removeFirst() }
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

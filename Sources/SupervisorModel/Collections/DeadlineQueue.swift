import Foundation

/// Deadlines by key: a `BinaryHeap` with lazy deletion. Setting a deadline that replaces an
/// older one with the same key, or cancelling one, costs O(log n) (amortized, the stale entry is
/// dropped when it reaches the top); the earliest deadline is found in O(1) amortized. Equal
/// deadlines come up in the order they were set. Every deadline of the reactor lives in one of
/// these: the model's timers, the in-flight probes' and the reactor's own periodic work.
public struct DeadlineQueue<Key: Hashable> {
    @usableFromInline struct Entry: HeapOrdered {
        @usableFromInline var deadline: TimeInterval
        @usableFromInline var key: Key
        @usableFromInline var serial: Int

        @inlinable init(deadline: TimeInterval, key: Key, serial: Int) {
            self.deadline = deadline
            self.key = key
            self.serial = serial
        }

        @inlinable static func comesBefore(_ lhs: Entry, _ rhs: Entry) -> Bool {
            lhs.deadline != rhs.deadline ? lhs.deadline < rhs.deadline : lhs.serial < rhs.serial
        }
    }

    // `@inlinable` throughout, as `BinaryHeap`: the reactor's module specializes it for its keys.
    @usableFromInline var heap = BinaryHeap<Entry>()
    @usableFromInline var current: [Key: Int] = [:]
    @usableFromInline var serial = 0

    @inlinable public init() {}

    /// Sets (or replaces) the deadline of `key`.
    @inlinable public mutating func set(_ key: Key, at deadline: TimeInterval) {
        serial += 1
        current[key] = serial
        heap.push(Entry(deadline: deadline, key: key, serial: serial))
        // Keep stale entries from outnumbering live ones (a key re-set often, never popped).
        if heap.count > 64 && heap.count > 2 * current.count { heap.filter { current[$0.key] == $0.serial } }
    }

    /// Forgets the deadline of `key`, if any.
    @inlinable public mutating func cancel(_ key: Key) {
        current[key] = nil
    }

    /// Whether `key` has a deadline.
    @inlinable public func contains(_ key: Key) -> Bool {
        current[key] != nil
    }

    /// How many keys have a deadline.
    @inlinable public var count: Int { current.count }

    /// The earliest live deadline.
    @inlinable public mutating func nextDeadline() -> TimeInterval? {
        dropStale()
        return heap.top?.deadline
    }

    /// Removes and returns the earliest key if its deadline is at or before `now`.
    @inlinable public mutating func popDue(now: TimeInterval) -> Key? {
        dropStale()
        guard let first = heap.top, first.deadline <= now else { return nil }
        heap.popTop()
        current[first.key] = nil
        return first.key
    }

    @inlinable mutating func dropStale() {
        while let first = heap.top, current[first.key] != first.serial { heap.popTop() }
    }
}

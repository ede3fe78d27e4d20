/// What a `BinaryHeap` orders by: the element that `comesBefore` every other is on top.
public protocol HeapOrdered {
    static func comesBefore(_ lhs: Self, _ rhs: Self) -> Bool
}

/// A binary heap: `push` and `popTop` cost O(log n), `top` O(1). The one heap of the project:
/// the start queue (`StartGate`), every deadline of the reactor (`DeadlineQueue`) and the fake
/// reactor of `model-bench` use it.
///
/// Everything is `@inlinable`, so the reactor's module specializes the heap for its element
/// types: unspecialized generic code (witness tables, metadata look-ups at every call) cost the
/// idle daemon several per cent of its CPU in heap operations alone.
public struct BinaryHeap<Element: HeapOrdered> {
    @usableFromInline var storage: [Element] = []

    @inlinable public init() {}

    /// In heap order (not sorted): for a scan of every element.
    @inlinable public var elements: [Element] { storage }
    @inlinable public var top: Element? { storage.first }
    @inlinable public var count: Int { storage.count }
    @inlinable public var isEmpty: Bool { storage.isEmpty }

    @inlinable public mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Element.comesBefore(storage[child], storage[parent]) else { return }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the top element.
    @inlinable @discardableResult
    public mutating func popTop() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let top = storage.removeLast()
        siftDown(0)
        return top
    }

    /// Keeps only the storage `isIncluded` accepts: O(n) (for dropping stale entries at once).
    @inlinable public mutating func filter(_ isIncluded: (Element) -> Bool) {
        storage.removeAll { !isIncluded($0) }
        for index in stride(from: storage.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    @inlinable public mutating func removeAll() {
        storage.removeAll()
    }

    @inlinable mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < storage.count && Element.comesBefore(storage[left], storage[first]) { first = left }
            if right < storage.count && Element.comesBefore(storage[right], storage[first]) { first = right }
            guard first != parent else { return }
            storage.swapAt(parent, first)
            parent = first
        }
    }
}

extension BinaryHeap: Equatable where Element: Equatable {}
extension BinaryHeap: Sendable where Element: Sendable {}

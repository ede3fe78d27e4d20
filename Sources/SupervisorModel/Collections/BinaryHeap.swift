/// What a `BinaryHeap` orders by: the element that `comesBefore` every other is on top.
public protocol HeapOrdered {
    static func comesBefore(_ lhs: Self, _ rhs: Self) -> Bool
}

/// A binary heap: `push` and `popTop` cost O(log n), `top` O(1). The one heap of the project:
/// the start queue (`StartGate`), every deadline of the reactor (`DeadlineQueue`) and the fake
/// reactor of `model-bench` use it.
public struct BinaryHeap<Element: HeapOrdered> {
    /// In heap order (not sorted): for a scan of every element.
    public private(set) var elements: [Element] = []

    public init() {}

    public var top: Element? { elements.first }
    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }

    public mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Element.comesBefore(elements[child], elements[parent]) else { return }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the top element.
    @discardableResult
    public mutating func popTop() -> Element? {
        guard !elements.isEmpty else { return nil }
        elements.swapAt(0, elements.count - 1)
        let top = elements.removeLast()
        siftDown(0)
        return top
    }

    /// Keeps only the elements `isIncluded` accepts: O(n) (for dropping stale entries at once).
    public mutating func filter(_ isIncluded: (Element) -> Bool) {
        elements.removeAll { !isIncluded($0) }
        for index in stride(from: elements.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    public mutating func removeAll() {
        elements.removeAll()
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < elements.count && Element.comesBefore(elements[left], elements[first]) { first = left }
            if right < elements.count && Element.comesBefore(elements[right], elements[first]) { first = right }
            guard first != parent else { return }
            elements.swapAt(parent, first)
            parent = first
        }
    }
}

extension BinaryHeap: Equatable where Element: Equatable {}
extension BinaryHeap: Sendable where Element: Sendable {}

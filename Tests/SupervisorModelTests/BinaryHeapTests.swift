import Foundation
import Testing
@testable import SupervisorModel

/// The project's one heap, and the deadline queue built on it.
@Suite("BinaryHeap and DeadlineQueue")
struct BinaryHeapTests {
    struct Number: HeapOrdered, Equatable {
        var value: Int
        static func comesBefore(_ lhs: Number, _ rhs: Number) -> Bool { lhs.value < rhs.value }
    }

    @Test("pops in order, also after a filter")
    func popsInOrder() {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<500).map { _ in Int.random(in: 0..<200, using: &generator) }
        var heap = BinaryHeap<Number>()
        for value in values { heap.push(Number(value: value)) }
        #expect(heap.count == 500)
        heap.filter { $0.value % 3 != 0 }
        var popped: [Int] = []
        while let top = heap.popTop() { popped.append(top.value) }
        #expect(popped == values.filter { $0 % 3 != 0 }.sorted())
        #expect(heap.isEmpty && heap.top == nil)
    }

    @Test("equal deadlines come up in the order they were set; a re-set key moves, a cancelled one never comes")
    func deadlineOrder() {
        var queue = DeadlineQueue<String>()
        for key in ["a", "b", "c", "d"] { queue.set(key, at: 5) }
        queue.set("b", at: 7)
        queue.cancel("c")
        #expect(queue.count == 3)
        #expect(queue.nextDeadline() == 5)
        var order: [String] = []
        while let key = queue.popDue(now: 10) { order.append(key) }
        #expect(order == ["a", "d", "b"])
        #expect(queue.nextDeadline() == nil)
    }
}

import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

@Suite("TimerQueue orders deadlines and replaces timers by key")
struct TimerQueueTests {
    private func key(_ agent: String, _ kind: TimerKey.Kind = .probe, generation: Int = 1) -> TimerKey {
        TimerKey(agent: agent, kind: kind, generation: generation)
    }

    /// Pops every timer due at `now`.
    private func drain(_ queue: inout TimerQueue, now: TimeInterval) -> [TimerKey] {
        var fired: [TimerKey] = []
        while let next = queue.popDue(now: now) { fired.append(next) }
        return fired
    }

    @Test("an empty queue has no deadline and nothing due")
    func emptyQueue() {
        var queue = TimerQueue()
        #expect(queue.nextDeadline() == nil)
        #expect(queue.popDue(now: .greatestFiniteMagnitude) == nil)
    }

    @Test("timers fire earliest deadline first, whatever order they were set in")
    func ordering() {
        var queue = TimerQueue()
        queue.set(key("a"), at: 3)
        queue.set(key("b"), at: 1)
        queue.set(key("c"), at: 2)
        #expect(queue.nextDeadline() == 1)
        #expect(drain(&queue, now: 10) == [key("b"), key("c"), key("a")])
        #expect(queue.nextDeadline() == nil)
    }

    @Test("popDue only returns timers whose deadline has come")
    func popDueOnlyReturnsDueTimers() {
        var queue = TimerQueue()
        queue.set(key("a"), at: 5)
        queue.set(key("b"), at: 7)
        #expect(queue.popDue(now: 4.999) == nil)
        #expect(queue.nextDeadline() == 5)
        #expect(queue.popDue(now: 5) == key("a"), "a deadline equal to now is due")
        #expect(queue.popDue(now: 6) == nil)
        #expect(queue.nextDeadline() == 7)
        #expect(queue.popDue(now: 7.5) == key("b"))
    }

    @Test("replacing a key with a later deadline: the old deadline no longer fires")
    func replacingMovesDeadlineLater() {
        var queue = TimerQueue()
        queue.set(key("a"), at: 1)
        queue.set(key("b"), at: 2)
        queue.set(key("a"), at: 3)
        #expect(queue.nextDeadline() == 2)
        #expect(drain(&queue, now: 2.5) == [key("b")])
        #expect(queue.nextDeadline() == 3)
        #expect(drain(&queue, now: 3) == [key("a")])
        #expect(drain(&queue, now: 100).isEmpty, "a replaced timer fires once")
    }

    @Test("replacing a key with an earlier deadline: it fires early, and only once")
    func replacingMovesDeadlineEarlier() {
        var queue = TimerQueue()
        queue.set(key("a"), at: 5)
        queue.set(key("a"), at: 1)
        #expect(queue.nextDeadline() == 1)
        #expect(drain(&queue, now: 1) == [key("a")])
        #expect(queue.nextDeadline() == nil)
        #expect(drain(&queue, now: 10).isEmpty)
    }

    @Test("keys differ by agent, kind and generation")
    func keysAreDistinct() {
        var queue = TimerQueue()
        queue.set(key("a", .probe, generation: 1), at: 1)
        queue.set(key("a", .probe, generation: 2), at: 2)
        queue.set(key("a", .restart, generation: 1), at: 3)
        queue.set(key("b", .probe, generation: 1), at: 4)
        #expect(drain(&queue, now: 10).count == 4)
    }

    @Test("a key can be set again after it fired")
    func setAgainAfterFiring() {
        var queue = TimerQueue()
        queue.set(key("a"), at: 1)
        #expect(queue.popDue(now: 1) == key("a"))
        queue.set(key("a"), at: 2)
        #expect(queue.popDue(now: 1.5) == nil)
        #expect(queue.popDue(now: 2) == key("a"))
    }

    @Test("equal deadlines all fire")
    func equalDeadlines() {
        var queue = TimerQueue()
        for agent in ["a", "b", "c"] { queue.set(key(agent), at: 1) }
        #expect(Set(drain(&queue, now: 1)) == [key("a"), key("b"), key("c")])
    }

    @Test("many timers with replacements fire once each, in deadline order")
    func manyTimersWithReplacements() {
        var queue = TimerQueue()
        var expected: [TimerKey: TimeInterval] = [:]
        var seed: UInt64 = 42
        func random(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33) % bound
        }
        for _ in 0..<2_000 {
            let timer = key("agent\(random(300))", generation: random(3))
            let deadline = TimeInterval(random(1_000_000)) / 1000
            queue.set(timer, at: deadline)
            expected[timer] = deadline
        }
        var fired: [(TimerKey, TimeInterval)] = []
        var now: TimeInterval = 0
        while let deadline = queue.nextDeadline() {
            now = deadline
            let due = drain(&queue, now: now)
            #expect(!due.isEmpty, "nextDeadline() names a timer that popDue() returns")
            if due.isEmpty { break }
            fired += due.map { ($0, now) }
        }
        #expect(fired.count == expected.count)
        #expect(Set(fired.map(\.0)) == Set(expected.keys))
        for (timer, at) in fired { #expect(expected[timer] == at) }
        #expect(fired.map(\.1) == fired.map(\.1).sorted())
    }
}

import Testing
@testable import SupervisorModel

/// Which refused control requests are announced one by one, and the summary of the rest.
@Suite("RefusalThrottle")
struct RefusalThrottleTests {
    @Test("the first refusals of a window are announced, the rest counted and summed up once the window is over")
    func floodIsSummed() {
        var throttle = RefusalThrottle(limit: 3, window: 1)
        let admitted = (0..<10).map { throttle.admit(now: 100 + Double($0) * 0.01) }
        #expect(admitted == [true, true, true] + Array(repeating: false, count: 7))
        #expect(throttle.suppressed == 7)
        #expect(throttle.summaryDue == 101)
        let early = throttle.takeSummary(now: 100.5)
        #expect(early == nil, "not before the window is over")
        let summary = throttle.takeSummary(now: 101)
        #expect(summary == 7)
        #expect(throttle.suppressed == 0 && throttle.summaryDue == nil)
        let again = throttle.takeSummary(now: 102)
        #expect(again == nil, "nothing twice")
    }

    @Test("a new window announces again; refusals spread out are all announced")
    func newWindow() {
        var throttle = RefusalThrottle(limit: 2, window: 1)
        let admitted = [0, 0.1, 0.2, 1.0].map { throttle.admit(now: $0) }
        #expect(admitted == [true, true, false, true], "a new window at 1.0")
        #expect(throttle.suppressed == 1, "what was counted is kept for the summary")
        let early = throttle.takeSummary(now: 1.5)
        #expect(early == nil)
        let summary = throttle.takeSummary(now: 2.0)
        #expect(summary == 1)
        var calm = RefusalThrottle(limit: 1, window: 1)
        let spread = (0..<20).map { calm.admit(now: Double($0) * 1.5) }
        #expect(spread.allSatisfy { $0 })
        #expect(calm.summaryDue == nil)
    }

    @Test("a million refusals in a second cost one counter")
    func bounded() {
        var throttle = RefusalThrottle()
        var announced = 0
        for index in 0..<1_000_000 where throttle.admit(now: Double(index) / 1_000_000) { announced += 1 }
        #expect(announced == throttle.limit)
        #expect(throttle.suppressed == 1_000_000 - throttle.limit)
    }
}

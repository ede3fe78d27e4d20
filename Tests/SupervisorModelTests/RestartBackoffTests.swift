import Foundation
import Testing
@testable import SupervisorModel

/// The restart decision: delays, crash-loop detection and the reset after a stable run.
@Suite("RestartBackoff")
struct RestartBackoffTests {
    /// initial 1 s, factor 2, max 8 s; `maxRestarts` within `window`; reset after 30 s ready.
    static func spec(maxRestarts: Int = 100, window: TimeInterval = 60, resetAfter: TimeInterval = 30) -> RestartSpec {
        var spec = RestartSpec()
        spec.backoff.initial = 1
        spec.backoff.factor = 2
        spec.backoff.max = 8
        spec.maxRestarts = maxRestarts
        spec.window = window
        spec.resetAfter = resetAfter
        return spec
    }

    @Test("delays per attempt: 0, then initial, growing by factor, capped at max")
    func delaysPerAttempt() {
        let backoff = RestartBackoff(spec: Self.spec())
        #expect((0..<7).map(backoff.delay(forAttempt:)) == [0, 1, 2, 4, 8, 8, 8])
    }

    @Test("consecutive failures wait 0, 1, 2, 4, 8, 8 seconds")
    func consecutiveFailures() {
        var backoff = RestartBackoff(spec: Self.spec())
        let decisions = (0..<6).map { backoff.next(now: Double($0), readySince: nil) }
        #expect(decisions == [0, 1, 2, 4, 8, 8].map { .restart(after: $0) })
        #expect(backoff.consecutive == 6)
    }

    @Test("after enough attempts the delay is the cap, never infinite or NaN (also with initial 0)")
    func delayNeverOverflows() {
        var spec = Self.spec()
        spec.backoff.factor = 100
        let backoff = RestartBackoff(spec: spec)
        #expect([200, 1_000, Int.max].map(backoff.delay(forAttempt:)) == [8, 8, 8])
        spec.backoff.initial = 0
        #expect(RestartBackoff(spec: spec).delay(forAttempt: 1_000) == 0)
    }

    @Test("a factor of 1 keeps the delay constant")
    func constantDelay() {
        var spec = Self.spec()
        spec.backoff.factor = 1
        spec.backoff.initial = 3
        let backoff = RestartBackoff(spec: spec)
        #expect((0..<4).map(backoff.delay(forAttempt:)) == [0, 3, 3, 3])
    }

    @Test("the 4th failure within the window gives up when max_restarts is 3")
    func crashLoopGivesUp() {
        var backoff = RestartBackoff(spec: Self.spec(maxRestarts: 3, window: 60))
        #expect(backoff.next(now: 0, readySince: nil) == .restart(after: 0))
        #expect(backoff.next(now: 10, readySince: nil) == .restart(after: 1))
        #expect(backoff.next(now: 20, readySince: nil) == .restart(after: 2))
        #expect(backoff.next(now: 59, readySince: nil) == .giveUp(restartsInWindow: 3))
        #expect(backoff.recent == [0, 10, 20])
    }

    @Test("failures spread wider than the window never give up")
    func spreadFailuresContinue() {
        var backoff = RestartBackoff(spec: Self.spec(maxRestarts: 3, window: 60))
        for failure in 0..<20 {
            let decision = backoff.next(now: Double(failure) * 25, readySince: nil)
            guard case .restart = decision else {
                Issue.record("failure \(failure) at \(Double(failure) * 25) s gave up: \(decision)")
                return
            }
        }
        #expect(backoff.recent.count <= 3)
    }

    @Test("a restart exactly one window after an old one no longer counts it")
    func windowEdge() {
        var backoff = RestartBackoff(spec: Self.spec(maxRestarts: 2, window: 60))
        _ = backoff.next(now: 0, readySince: nil)
        _ = backoff.next(now: 30, readySince: nil)
        #expect(backoff.next(now: 59.9, readySince: nil) == .giveUp(restartsInWindow: 2))
        #expect(backoff.next(now: 60, readySince: nil) == .restart(after: 2))
    }

    @Test("after being ready for reset_after, the next delay is 0 again")
    func resetAfterStableRun() {
        var backoff = RestartBackoff(spec: Self.spec(resetAfter: 30))
        _ = backoff.next(now: 0, readySince: nil)
        _ = backoff.next(now: 1, readySince: nil)
        _ = backoff.next(now: 3, readySince: nil)
        #expect(backoff.consecutive == 3)
        // Ready at 10, failed at 40: a stable run of 30 s.
        #expect(backoff.next(now: 40, readySince: 10) == .restart(after: 0))
        #expect(backoff.next(now: 41, readySince: nil) == .restart(after: 1))
    }

    @Test("a run shorter than reset_after keeps growing the delay")
    func shortRunKeepsBackoff() {
        var backoff = RestartBackoff(spec: Self.spec(resetAfter: 30))
        _ = backoff.next(now: 0, readySince: nil)
        _ = backoff.next(now: 1, readySince: nil)
        _ = backoff.next(now: 3, readySince: nil)
        #expect(backoff.next(now: 39, readySince: 10) == .restart(after: 4))
    }

    @Test("max_restarts 0 gives up at the first failure")
    func noRestartsAllowed() {
        var backoff = RestartBackoff(spec: Self.spec(maxRestarts: 0))
        #expect(backoff.next(now: 0, readySince: nil) == .giveUp(restartsInWindow: 0))
    }

    @Test("reset forgets the history")
    func resetForgets() {
        var backoff = RestartBackoff(spec: Self.spec(maxRestarts: 2))
        _ = backoff.next(now: 0, readySince: nil)
        _ = backoff.next(now: 1, readySince: nil)
        #expect(backoff.next(now: 2, readySince: nil) == .giveUp(restartsInWindow: 2))
        backoff.reset()
        #expect(backoff.consecutive == 0)
        #expect(backoff.recent.isEmpty)
        #expect(backoff.next(now: 3, readySince: nil) == .restart(after: 0))
    }
}

import Foundation
import Testing

@testable import SupervisorModel

@Suite("TimerSlack: probes due close together fire together, never late by more than 5 %")
struct TimerSlackTests {
    @Test("a 5 s probe lands on the 250 ms grid, at most 250 ms late")
    func fiveSeconds() {
        for now in stride(from: 100.0, to: 101.0, by: 0.013) {
            let deadline = TimerSlack.deadline(after: 5, now: now)
            #expect(deadline >= now + 5)
            #expect(deadline - (now + 5) <= 0.25 + 1e-9)
            let steps = deadline / 0.25
            #expect(abs(steps - steps.rounded()) < 1e-6, "on the grid: \(deadline)")
        }
    }

    @Test("timers due within one grid step share a deadline")
    func sharedWakeUp() {
        let first = TimerSlack.deadline(after: 5, now: 200.01)
        let second = TimerSlack.deadline(after: 5, now: 200.2)
        #expect(first == second)
        // A 1 s timer (50 ms grid) due in the last 50 ms before a 250 ms point meets the 5 s
        // ones there: the steps nest.
        let short = TimerSlack.deadline(after: 1, now: 204.21)
        #expect(short == first)
    }

    @Test("the slack is at most 5 % of the delay; short delays stay exact")
    func bounded() {
        #expect(TimerSlack.step(forDelay: 60) == 0.25)
        #expect(TimerSlack.step(forDelay: 1) == 0.05)
        #expect(TimerSlack.step(forDelay: 0.5) == 0.01)
        #expect(TimerSlack.step(forDelay: 0.01) == nil)
        #expect(TimerSlack.deadline(after: 0.01, now: 3.001) == 3.001 + 0.01)
        for delay in [0.2, 0.3, 0.9, 1.0, 2.0, 4.9, 5.0, 30.0] {
            for now in [0.0, 1.234, 77.7771] {
                let late = TimerSlack.deadline(after: delay, now: now) - (now + delay)
                #expect(late >= 0 && late <= delay * TimerSlack.fraction + 1e-9, "\(delay) at \(now): \(late)")
            }
        }
    }
}

import Foundation

/// Lets timers that are due close together fire in one wake-up, as systemd's `AccuracySec` and
/// the kernel's timer slack do: a deadline is rounded up onto a grid whose step is at most
/// `fraction` of the timer's delay (and at most `maximumStep`), so a timer is never late by more
/// than that share of its delay. The steps nest (each divides the next), so timers of different
/// delays still meet on the coarser grid points. Delays too short for the finest step are kept
/// exact (the 10 ms re-probes of a starting agent).
///
/// With the default 5 s health interval a probe is at most 250 ms late (5 %), and the probes of
/// many agents due within the same 250 ms go out together.
public enum TimerSlack {
    /// The largest share of a timer's delay it may be late by.
    public static let fraction = 0.05
    /// Grid steps, coarsest first; each divides the one before it.
    public static let steps: [TimeInterval] = [0.25, 0.05, 0.01]
    /// The coarsest step.
    public static var maximumStep: TimeInterval { steps[0] }

    /// The grid step for a timer of `delay`: the coarsest step within `fraction` of it; nil when
    /// even the finest is too coarse.
    public static func step(forDelay delay: TimeInterval) -> TimeInterval? {
        let allowed = delay * fraction
        return steps.first { $0 <= allowed }
    }

    /// When a timer set for `delay` after `now` fires: `now + delay`, rounded up onto its grid.
    public static func deadline(after delay: TimeInterval, now: TimeInterval) -> TimeInterval {
        let due = now + delay
        guard let step = step(forDelay: delay) else { return due }
        return max(due, (due / step).rounded(.up) * step)
    }
}

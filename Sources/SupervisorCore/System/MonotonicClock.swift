import Foundation

/// Seconds on CLOCK_MONOTONIC: the supervisor's only notion of "now" for decisions.
public enum MonotonicClock {
    public static func now() -> TimeInterval {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return TimeInterval(spec.tv_sec) + TimeInterval(spec.tv_nsec) / 1e9
    }
}

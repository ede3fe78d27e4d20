import Foundation

/// Reads the human quantities that agent-sim's flags take: durations such as `500ms`, `2s`,
/// `1.5m`, `1h` or bare seconds, and sizes such as `100M`, `1.5G`, `512KiB` or bare bytes.
///
/// agent-sim links only SupervisorCore, so it cannot use the model's quantity parser; this is the
/// small subset the simulator needs. Every function returns nil for text it does not understand,
/// and the caller names the flag in its error.
enum QuantityText {
    /// Seconds in `text`: a non-negative number with an optional unit `ms`, `s`, `m` or `h`.
    static func seconds(_ text: String) -> Double? {
        let (number, unit) = split(text)
        guard let value = number, value >= 0 else { return nil }
        switch unit {
        case "", "s", "sec", "secs": return value
        case "ms": return value / 1000
        case "us": return value / 1_000_000
        case "m", "min", "mins": return value * 60
        case "h": return value * 3600
        default: return nil
        }
    }

    /// Bytes in `text`: a non-negative number with an optional binary unit `K`, `M`, `G` or `T`
    /// (`KB`, `KiB` and lower case mean the same; sizes here are always powers of 1024, as in
    /// `ps` and cgroup limits). A trailing `/s` is accepted for rates such as `--grow-memory 10M/s`.
    static func bytes(_ text: String) -> Int? {
        var body = text
        if body.hasSuffix("/s") { body.removeLast(2) }
        let (number, unit) = split(body)
        guard let value = number, value >= 0 else { return nil }
        let multiplier: Double
        switch unit {
        case "", "b": multiplier = 1
        case "k", "kb", "kib": multiplier = 1024
        case "m", "mb", "mib": multiplier = 1024 * 1024
        case "g", "gb", "gib": multiplier = 1024 * 1024 * 1024
        case "t", "tb", "tib": multiplier = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        let total = value * multiplier
        guard total < Double(Int.max) else { return nil }
        return Int(total.rounded())
    }

    /// A whole number within `range`, for ports, counts and exit codes.
    static func integer(_ text: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            return nil
        }
        return value
    }

    /// Splits `12.5ms` into (12.5, "ms"); the unit is lower-cased, the number nil if malformed.
    private static func split(_ text: String) -> (Double?, String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        // `Double("")` and `Double(".")` are nil, which rejects a missing number.
        return (Double(digits), unit)
    }
}

import Foundation

/// Parsers for the human quantities a manifest uses: durations (`500ms`, `2s`, `1m`, `1h`,
/// `1m30s`) and byte sizes (`512M`, `2G`, `64KiB`, plain bytes).
public enum Quantity {
    /// The longest duration a manifest may give: one year (8760h). Longer values mean "never"
    /// in practice and would overflow the millisecond timeouts handed to the kernel.
    public static let maximumSeconds: TimeInterval = 8760 * 3600

    /// Seconds for a duration text, or nil when the text is not one.
    ///
    /// A bare number means seconds (legacy files write `interval_seconds: 30`).
    public static func seconds(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        if let plain = Double(trimmed), plain >= 0, plain.isFinite { return plain }
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(trimmed)
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            if number.isEmpty { return nil }
            rest = rest.dropFirst(number.count)
            guard let value = Double(number),
                  let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        return total.isFinite ? total : nil
    }

    /// Bytes for a size text (`512M`, `2G`, `1.5GiB`, `4096`), or nil. K/M/G/T are powers of 1024.
    public static func bytes(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, let value = Double(number), value >= 0 else { return nil }
        let suffix = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces).uppercased()
        let multipliers: [String: Double] = [
            "": 1, "B": 1,
            "K": 0x1p10, "KB": 0x1p10, "KIB": 0x1p10,
            "M": 0x1p20, "MB": 0x1p20, "MIB": 0x1p20,
            "G": 0x1p30, "GB": 0x1p30, "GIB": 0x1p30,
            "T": 0x1p40, "TB": 0x1p40, "TIB": 0x1p40,
        ]
        guard let multiplier = multipliers[suffix] else { return nil }
        let bytes = value * multiplier
        guard bytes < Double(UInt64.max) else { return nil }
        return UInt64(bytes.rounded())
    }

    /// Short human form of a duration: `250ms`, `2s`, `1.50s`, `2m0s`, `3h5m`. Total for any
    /// value: a negative, non-finite or huge one is written in plain seconds.
    public static func describe(seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds >= 0, seconds <= maximumSeconds * 1000 else { return "\(seconds)s" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 {
            return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(FixedPoint.text(seconds, places: 2))s"
        }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60)m\(whole % 60)s" }
        return "\(whole / 3600)h\((whole % 3600) / 60)m"
    }

    /// Short human form of a size: `512M`, `2G`, `100K`, `17B`.
    public static func describe(bytes: UInt64) -> String {
        let units: [(UInt64, String)] = [(1 << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")]
        for (size, suffix) in units where bytes >= size {
            let value = Double(bytes) / Double(size)
            if value == value.rounded() { return "\(Int(value))\(suffix)" }
            // `size` is a power of two, so `value` is exact and so is FixedPoint's rounding of it.
            return "\(FixedPoint.text(value, places: 1))\(suffix)"
        }
        return "\(bytes)B"
    }
}

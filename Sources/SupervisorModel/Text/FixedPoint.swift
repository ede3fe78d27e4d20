/// A number written with a fixed count of decimals (`0.25`, `12.0`), the text of
/// `String(format: "%.2f")` for the durations the logs and status show, made with integer
/// arithmetic: Foundation's formatter (CFString's format parser, a locale) cost some 10 us a
/// call, and it ran at every agent that became ready.
public enum FixedPoint {
    /// `value` rounded to `places` decimals (0 to 6), an exact half to even as printf does. Values whose
    /// scaled magnitude does not fit an Int (or that are not finite) are written as Swift
    /// writes them.
    public static func text(_ value: Double, places: Int) -> String {
        let places = min(max(places, 0), 6)
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded(.toNearestOrEven)
        guard value.isFinite, scaled < 9e15 else { return "\(value)" }
        let units = Int(scaled)
        var text = units > 0 && value < 0 ? "-" : ""
        text += String(units / scale)
        guard places > 0 else { return text }
        let fraction = String(units % scale)
        text += "."
        text += String(repeating: "0", count: places - fraction.count)
        text += fraction
        return text
    }
}

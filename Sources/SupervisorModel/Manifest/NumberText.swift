/// A number as a person writes it: `80`, `1.5`, `1e+300`. Whole numbers print without a
/// fraction only while they fit in an `Int` exactly, so any value (from a manifest, a legacy
/// file or a network message) prints without trapping.
public enum NumberText {
    public static func of(_ value: Double) -> String {
        guard value.isFinite, value == value.rounded(), abs(value) < 1e15 else { return String(value) }
        return String(Int(value))
    }
}

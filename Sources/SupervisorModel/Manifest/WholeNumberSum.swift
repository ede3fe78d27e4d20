/// Whole numbers as a manifest writes them: `7200`, `-3`, or a sum such as `0+7200` (what the
/// legacy `${PORT_OFFSET}+7200` becomes after expansion). Every step is checked: a number or sum
/// outside `Int`'s range is a failure, never a trap.
public enum WholeNumberSum {
    /// Why a text is not a whole number.
    public enum Failure: Error, Equatable, Sendable {
        /// Some part is not written as a whole number.
        case notANumber
        /// Every part is a number, but a part or the sum does not fit in 64 bits.
        case tooLarge
    }

    /// The sum of the `+`-separated parts of `text` (spaces around parts are allowed).
    public static func parse(_ text: String) -> Result<Int, Failure> {
        var total = 0
        var overflowed = false
        for part in text.split(separator: "+", omittingEmptySubsequences: false) {
            let digits = Substring(part.trimmingSpaces)
            guard let value = Int(digits) else {
                if isDecimal(digits) {
                    overflowed = true
                    continue
                }
                return .failure(.notANumber)
            }
            let (sum, overflow) = total.addingReportingOverflow(value)
            if overflow { overflowed = true }
            total = sum
        }
        return overflowed ? .failure(.tooLarge) : .success(total)
    }

    /// A decimal integer of any length (`-` allowed in front): too long for `Int` is still one.
    private static func isDecimal(_ text: Substring) -> Bool {
        let digits = text.first == "-" ? text.dropFirst() : text
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

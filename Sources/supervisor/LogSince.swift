import Foundation
import SupervisorCore
import SupervisorModel

/// `--since`: a duration back from now or a UTC time, as the 24-character timestamp that agent
/// log lines start with.
enum LogSince {
    static func timestamp(_ text: String, now: Date = Date()) -> String? {
        let date: Date
        if let seconds = Quantity.seconds(text), seconds <= Quantity.maximumSeconds {
            date = now.addingTimeInterval(-seconds)
        } else if let parsed = parse(text) {
            date = parsed
        } else {
            return nil
        }
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard milliseconds >= 0, milliseconds < 253_402_300_800_000 else { return nil }
        let whole = Int(milliseconds)
        return Timestamp.format(seconds: whole / 1000, milliseconds: whole % 1000)
    }

    private static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

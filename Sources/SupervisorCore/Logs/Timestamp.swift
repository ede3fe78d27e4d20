import Foundation

/// ISO-8601 UTC timestamps with milliseconds (`2026-11-27T14:33:03.123Z`), made without
/// Foundation formatters or string interpolation: this runs for every log line and event.
/// The 24 bytes are written as digits into one buffer (`append(seconds:milliseconds:to:)`);
/// `format` makes a String of them with a single allocation.
public enum Timestamp {
    /// The length of every timestamp (years 0 to 9999).
    public static let length = 24

    public static func now() -> String {
        let (seconds, milliseconds) = current()
        return format(seconds: seconds, milliseconds: milliseconds)
    }

    /// Appends the current time's 24 bytes to `bytes` (a log line being built).
    public static func appendNow(to bytes: inout [UInt8]) {
        let (seconds, milliseconds) = current()
        append(seconds: seconds, milliseconds: milliseconds, to: &bytes)
    }

    public static func format(seconds: Int, milliseconds: Int) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in
            write(seconds: seconds, milliseconds: milliseconds, into: buffer)
        }
    }

    public static func append(seconds: Int, milliseconds: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: length))
        bytes.withUnsafeMutableBufferPointer { all in
            _ = write(seconds: seconds, milliseconds: milliseconds, into: UnsafeMutableBufferPointer(rebasing: all[start...]))
        }
    }

    private static func current() -> (seconds: Int, milliseconds: Int) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return (time.tv_sec, Int(time.tv_nsec / 1_000_000))
    }

    /// Writes the 24 bytes at the start of `buffer` (which holds at least that many); returns 24.
    private static func write(seconds: Int, milliseconds: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var clock = seconds
        var parts = tm()
        gmtime_r(&clock, &parts)
        var index = 0
        func digits(_ value: Int, _ count: Int) {
            var rest = max(0, value)
            for offset in stride(from: count - 1, through: 0, by: -1) {
                buffer[index + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            index += count
        }
        func put(_ character: Unicode.Scalar) {
            buffer[index] = UInt8(ascii: character)
            index += 1
        }
        digits(Int(parts.tm_year) + 1900, 4)
        put("-")
        digits(Int(parts.tm_mon) + 1, 2)
        put("-")
        digits(Int(parts.tm_mday), 2)
        put("T")
        digits(Int(parts.tm_hour), 2)
        put(":")
        digits(Int(parts.tm_min), 2)
        put(":")
        digits(Int(parts.tm_sec), 2)
        put(".")
        digits(min(999, milliseconds), 3)
        put("Z")
        return index
    }
}

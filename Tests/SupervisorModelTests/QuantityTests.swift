import Foundation
import Testing
@testable import SupervisorModel

/// Durations and byte sizes as a manifest writes them.
@Suite("Quantity")
struct QuantityTests {
    @Test("durations with units", arguments: [
        ("500ms", 0.5),
        ("250us", 0.000_25),
        ("2s", 2),
        ("1.5s", 1.5),
        ("1m", 60),
        ("1m30s", 90),
        ("1h", 3600),
        ("1h30m", 5400),
        ("2m500ms", 120.5),
        ("  2s  ", 2),
    ])
    func durationWithUnits(text: String, seconds: Double) {
        #expect(Quantity.seconds(text) == seconds)
    }

    @Test("a bare number is seconds", arguments: [("30", 30.0), ("0", 0), ("0.25", 0.25), ("10", 10)])
    func bareNumberIsSeconds(text: String, seconds: Double) {
        #expect(Quantity.seconds(text) == seconds)
    }

    @Test("`m` is minutes and `ms` is milliseconds, not confused")
    func minutesVersusMilliseconds() {
        #expect(Quantity.seconds("5m") == 300)
        #expect(Quantity.seconds("5ms") == 0.005)
    }

    @Test("garbage durations are rejected", arguments: [
        "", "   ", "abc", "5x", "s", "ms", "-1", "-1s", "1m 30s", "1.2.3s", "1m30", "inf", "nan", "2 s", "1d",
    ])
    func garbageDuration(text: String) {
        #expect(Quantity.seconds(text) == nil)
    }

    @Test("sizes with suffixes are powers of 1024", arguments: [
        ("512M", UInt64(512) << 20),
        ("2G", UInt64(2) << 30),
        ("64K", UInt64(64) << 10),
        ("64KiB", UInt64(64) << 10),
        ("10MB", UInt64(10) << 20),
        ("1T", UInt64(1) << 40),
        ("1.5G", UInt64(1_610_612_736)),
        ("0.5K", UInt64(512)),
        ("4096", UInt64(4096)),
        ("17B", UInt64(17)),
        ("512m", UInt64(512) << 20),
        ("512 M", UInt64(512) << 20),
    ])
    func sizes(text: String, bytes: UInt64) {
        #expect(Quantity.bytes(text) == bytes)
    }

    @Test("garbage sizes are rejected", arguments: [
        "", "abc", "12X", "M", "-1G", "1.2.3G", "10P", "1e3", "99999999999T",
    ])
    func garbageSize(text: String) {
        #expect(Quantity.bytes(text) == nil)
    }

    @Test("durations are described briefly")
    func describeDurations() {
        #expect(Quantity.describe(seconds: 0.25) == "250ms")
        #expect(Quantity.describe(seconds: 2) == "2s")
        #expect(Quantity.describe(seconds: 1.5) == "1.50s")
        #expect(Quantity.describe(seconds: 60) == "1m0s")
        #expect(Quantity.describe(seconds: 90) == "1m30s")
        #expect(Quantity.describe(seconds: 5400) == "1h30m")
    }

    @Test("sizes are described briefly")
    func describeSizes() {
        #expect(Quantity.describe(bytes: 512 << 20) == "512M")
        #expect(Quantity.describe(bytes: 2 << 30) == "2G")
        #expect(Quantity.describe(bytes: 1_610_612_736) == "1.5G")
        #expect(Quantity.describe(bytes: 100 << 10) == "100K")
        #expect(Quantity.describe(bytes: 17) == "17B")
    }

    @Test("one decimal is what %.1f writes, ties to even included")
    func describeSizesLikePrintf() {
        var generator = SystemRandomNumberGenerator()
        // Ties: 1.25K, 1.75K, 2.25M (exact halves of a tenth), and the figures of real agents.
        var samples: [UInt64] = [1280, 1792, 2_359_296, 20_770_816, 21_057_536, 1_717_986_918, 1023 * 1024 + 1000]
        for _ in 0..<2000 { samples.append(UInt64.random(in: 1024...(1 << 45), using: &generator)) }
        for bytes in samples {
            let units: [(UInt64, String)] = [(1 << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")]
            let (size, suffix) = units.first { bytes >= $0.0 }!
            let value = Double(bytes) / Double(size)
            let expected = value == value.rounded() ? "\(Int(value))\(suffix)" : String(format: "%.1f%@", value, suffix)
            #expect(Quantity.describe(bytes: bytes) == expected, "\(bytes)")
        }
    }

    @Test("a described duration parses back to the same value", arguments: [0.5, 2, 90, 3600])
    func describeRoundTrip(seconds: Double) {
        #expect(Quantity.seconds(Quantity.describe(seconds: seconds)) == seconds)
    }
}

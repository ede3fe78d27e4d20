import Foundation
import SupervisorModel
import Testing

/// Durations written with fixed decimals, as `String(format: "%.Nf")` writes them.
@Suite("FixedPoint")
struct FixedPointTests {
    @Test("the text of %.2f and %.1f for the durations the logs show")
    func matchesFormat() {
        let values: [Double] = [0, 0.001, 0.004, 0.006, 0.01, 0.1, 0.25, 0.5, 0.99, 0.999, 1, 1.5, 2.345678, 9.99, 9.999,
                                12, 59.9, 123.456, 4000.125, 86_400.7]
        for value in values {
            #expect(FixedPoint.text(value, places: 2) == String(format: "%.2f", value), "\(value)")
            #expect(FixedPoint.text(value, places: 1) == String(format: "%.1f", value), "\(value)")
            #expect(FixedPoint.text(value, places: 0) == String(format: "%.0f", value), "\(value)")
        }
    }

    @Test("negative values keep their sign unless they round to zero; odd inputs are written as Swift writes them")
    func signsAndEdges() {
        #expect(FixedPoint.text(-1.26, places: 1) == "-1.3")
        #expect(FixedPoint.text(-0.001, places: 2) == "0.00")
        #expect(FixedPoint.text(3, places: 3) == "3.000")
        #expect(FixedPoint.text(.infinity, places: 2) == "inf")
        #expect(FixedPoint.text(1e300, places: 2) == "1e+300")
    }
}

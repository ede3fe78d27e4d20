import Foundation
import Testing
@testable import SupervisorCore

@Suite("DescriptorLimit raises the supervisor's open-file limit and remembers the original")
struct DescriptorLimitTests {
    @Test("the soft limit goes up to the hard one; the original stays as it was read first")
    func raisesSoftToHard() throws {
        let original = try #require(DescriptorLimit.original)
        let raised = DescriptorLimit.raise(toFit: 128)
        let limits = try #require(raised.limits)
        #expect(limits.soft == limits.hard, "soft raised to hard")
        #expect(limits.soft >= original.soft)
        #expect(raised.shortfall == nil, "128 descriptors fit under \(limits)")
        #expect(DescriptorLimit.original == original, "read once, before any raise")
        #expect(DescriptorLimit.current() == limits)
    }

    @Test("root raises the hard limit to what is needed, up to nr_open; others only the soft one")
    func targets() {
        typealias Limits = DescriptorLimit.Limits
        let low = Limits(soft: 1024, hard: 4096)
        #expect(DescriptorLimit.target(from: low, needed: 3064, mayRaiseHard: false, ceiling: 1 << 20) == Limits(soft: 4096, hard: 4096))
        #expect(DescriptorLimit.target(from: low, needed: 30064, mayRaiseHard: false, ceiling: 1 << 20) == Limits(soft: 4096, hard: 4096))
        #expect(DescriptorLimit.target(from: low, needed: 30064, mayRaiseHard: true, ceiling: 1 << 20) == Limits(soft: 30064, hard: 30064))
        #expect(DescriptorLimit.target(from: low, needed: 30064, mayRaiseHard: true, ceiling: 20000) == Limits(soft: 20000, hard: 20000))
        #expect(DescriptorLimit.target(from: low, needed: 100, mayRaiseHard: true, ceiling: 1 << 20) == Limits(soft: 4096, hard: 4096),
                "a hard limit above the need is left alone")
        #expect(DescriptorLimit.needed(forAgents: 1000) == 3064)
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// `.startQuiet`: a start whose processes went quiet frees its start slot before `start_settle`.
@Suite("HostSupervisor quiet starts")
struct HostSupervisorStartQuietTests {
    @Test("a quiet start frees its slot at once: the next queued agent starts")
    func quietStartFreesSlot() throws {
        var driver = try SupervisorDriver(yaml: HostSupervisorStartGateTests.independent(3, limit: 1))
        #expect(driver.send(.startAll).spawned == ["A1"])
        #expect(driver.state("A2") == .waiting)
        let generation = try #require(driver.runtime("A1")?.generation)
        let next = driver.send(.startQuiet(agent: "A1", generation: generation))
        #expect(next.spawned == ["A2"])
        // A1 is still starting (not ready, it only stopped competing for a slot).
        #expect(driver.state("A1") == .starting)
        #expect(driver.supervisor.starts.holders == ["A2"])
    }

    @Test("a quiet report for an older process, or for an agent no longer starting, changes nothing")
    func staleQuietReportIgnored() throws {
        var driver = try SupervisorDriver(yaml: HostSupervisorStartGateTests.independent(3, limit: 1))
        driver.send(.startAll)
        let generation = try #require(driver.runtime("A1")?.generation)
        #expect(driver.send(.startQuiet(agent: "A1", generation: generation - 1)).spawned.isEmpty)
        #expect(driver.send(.startQuiet(agent: "A3", generation: 0)).spawned.isEmpty)
        #expect(driver.supervisor.starts.holders == ["A1"])
        #expect(driver.state("A2") == .waiting)
    }
}

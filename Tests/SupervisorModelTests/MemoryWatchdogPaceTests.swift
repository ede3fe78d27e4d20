import Testing

@testable import SupervisorModel

@Suite("MemoryWatchdogPace: only agents past half their limit are read every second")
struct MemoryWatchdogPaceTests {
    @Test("an agent joins the close set at half its limit and leaves it below")
    func closeSet() {
        var pace = MemoryWatchdogPace()
        pace.note("a", rss: 10 << 20, limit: 2 << 30)
        #expect(pace.close.isEmpty)
        pace.note("a", rss: 1 << 30, limit: 2 << 30)
        #expect(pace.close == ["a"])
        pace.note("b", rss: 3 << 30, limit: 2 << 30)
        #expect(pace.close == ["a", "b"])
        pace.note("a", rss: 100 << 20, limit: 2 << 30)
        #expect(pace.close == ["b"])
        pace.forget("b")
        #expect(pace.close.isEmpty)
    }
}

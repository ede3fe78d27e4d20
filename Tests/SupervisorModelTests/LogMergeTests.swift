import Testing
@testable import SupervisorModel

@Suite("logs of several agents merged")
struct LogMergeTests {
    @Test("lines come in time order; equal times keep the agents' order; an untimed line stays after its line")
    func mergesByTime() {
        let merged = LogMerge.merge([
            ("a", ["2026-12-02T10:00:00.100Z out a1", "  Traceback line", "2026-12-02T10:00:00.300Z out a2"]),
            ("b", ["2026-12-02T10:00:00.200Z out b1", "2026-12-02T10:00:00.300Z err b2"]),
        ])
        #expect(merged.map(\.text) == [
            "2026-12-02T10:00:00.100Z out a1", "  Traceback line", "2026-12-02T10:00:00.200Z out b1",
            "2026-12-02T10:00:00.300Z out a2", "2026-12-02T10:00:00.300Z err b2",
        ])
        #expect(merged.map(\.agent) == ["a", "a", "b", "a", "b"])
    }

    @Test("since leaves out older lines, and the untimed lines that belong to them")
    func since() {
        let merged = LogMerge.merge([
            ("a", ["2026-12-02T10:00:00.100Z out old", "  its traceback", "2026-12-02T10:00:05.000Z out new", "  and its"]),
        ], since: "2026-12-02T10:00:01.000Z")
        #expect(merged.map(\.text) == ["2026-12-02T10:00:05.000Z out new", "  and its"])
    }

    @Test("a timestamp is recognised only in the log's own form")
    func timestamps() {
        #expect(LogMerge.timestamp(of: "2026-12-02T10:00:00.100Z out x") == "2026-12-02T10:00:00.100Z")
        #expect(LogMerge.timestamp(of: "Traceback (most recent call last): 2026") == nil)
        #expect(LogMerge.timestamp(of: "short") == nil)
    }
}

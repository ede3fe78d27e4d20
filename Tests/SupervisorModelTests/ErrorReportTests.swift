import Foundation
import Testing
@testable import SupervisorModel

/// Every frame shape the legacy agents send on the error bus becomes one normalised report.
@Suite("Error bus: report shapes")
struct ErrorReportTests {
    static let flat = #"{"agent": "Memory", "severity": "WARNING", "error_type": "timeout", "message": "slow", "timestamp": 1.5}"#

    @Test("one frame ERROR:{json}, with or without a space, another prefix or none", arguments: [
        "ERROR:" + flat, "ERROR: " + flat, "error|" + flat, "ERROR " + flat, flat, "  \n" + flat, "errors.mainpc:" + flat,
    ])
    func prefixes(frame: String) throws {
        let report = try #require(ErrorReport.parse(Array(frame.utf8)), "\(frame)")
        #expect(report == ErrorReport(agent: "Memory", severity: "warning", type: "timeout", message: "slow", time: "1.5"))
    }

    @Test("multipart [topic, json]; the topic gives the severity when the JSON has none")
    func multipart() throws {
        let report = try #require(ErrorReport.parse(frames: [Array("CRITICAL".utf8), Array(#"{"source": "Twin", "message": "down"}"#.utf8)]))
        #expect(report.agent == "Twin" && report.severity == "critical" && report.message == "down")
        let three = try #require(ErrorReport.parse(frames: [Array("ERROR".utf8), Array("Twin".utf8), Array(#"{"msg": "x"}"#.utf8)]))
        #expect(three.message == "x")
        let text = try #require(ErrorReport.parse(frames: [Array("WARN".utf8), Array("disk almost full".utf8)]))
        #expect(text.severity == "warning" && text.message == "disk almost full" && text.agent == "unknown")
    }

    @Test("the legacy ErrorPublisher's shape: source, and error_data with its type, severity and details")
    func errorPublisherShape() throws {
        let frame = #"ERROR:{"message_type": "error_report", "source": "ServiceRegistry", "timestamp": "2025-07-19T10:00:00", "error_data": {"error_id": "e1", "error_type": "redis_unavailable", "severity": "high", "details": {"host": "localhost", "port": 6379}}}"#
        let report = try #require(ErrorReport.parse(Array(frame.utf8)))
        #expect(report.agent == "ServiceRegistry" && report.severity == "high" && report.type == "redis_unavailable")
        #expect(report.message == #"{"host":"localhost","port":6379}"#)
        #expect(report.time == "2025-07-19T10:00:00")
        let noDetails = #"ERROR:{"source": "A", "error_data": {"error_type": "boot", "details": null}}"#
        #expect(ErrorReport.parse(Array(noDetails.utf8))?.message == "boot")
        let bare = #"{"source": "A", "count": 3}"#
        #expect(ErrorReport.parse(Array(bare.utf8))?.message == #"{"count":3,"source":"A"}"#)
    }

    @Test("the nested legacy shape: level and error: {type, message}")
    func nestedShape() throws {
        let frame = #"ERROR:{"source": "Planner", "level": "ERROR", "error": {"type": "ValueError", "message": "bad plan"}}"#
        #expect(ErrorReport.parse(Array(frame.utf8)) == ErrorReport(agent: "Planner", severity: "error", type: "ValueError", message: "bad plan", time: ""))
    }

    @Test("text after a level word is a report; other text, empty frames and a lone topic are not", arguments: [
        ("ERROR: disk full", "disk full"), ("CRITICAL | out of memory", "out of memory"), ("ERROR:{not json", "{not json"),
    ])
    func text(frame: String, message: String) throws {
        let report = try #require(ErrorReport.parse(Array(frame.utf8)))
        #expect(report.message == message && report.agent == "unknown")
    }

    @Test("not reports: plain text, an empty frame, a level word alone, JSON that is not an object")
    func notReports() {
        for frame in ["not an error frame", "", "   ", "ERROR:", "[1, 2]", "hello {world"] {
            #expect(ErrorReport.parse(Array(frame.utf8)) == nil, "\(frame)")
        }
        #expect(ErrorReport.parse(frames: [Array("just-a-topic".utf8)]) == nil)
        #expect(ErrorReport.parse(frames: []) == nil)
    }

    @Test("the sender is never taken from inside the details")
    func agentNotFromDetails() {
        let frame = #"{"error_data": {"error_type": "io", "details": {"name": "file.txt"}}}"#
        #expect(ErrorReport.parse(Array(frame.utf8))?.agent == "unknown")
    }
}

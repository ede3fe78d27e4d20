import Foundation
import Testing
@testable import SupervisorModel

/// When a log file's losses are worth a warning: once as it starts, once when it is over.
@Suite("LogLoss")
struct LogLossTests {
    static let full = LogWriteError(code: .noSpace, errno: 28, message: "no space left on device")
    static let broken = LogWriteError(code: .ioError, errno: 5, message: "input/output error")

    @Test("the first failure is announced with the lines lost so far; later ones only count")
    func beganOnce() {
        var loss = LogLoss(settle: 1)
        #expect(loss.wrote(now: 0) == nil, "writes that work say nothing")
        #expect(loss.failed(losing: 3, Self.full, now: 1) == .began(Self.full, linesLost: 3))
        #expect(loss.isFailing && loss.failure == Self.full)
        for second in 2...50 {
            #expect(loss.failed(losing: 2, Self.full, now: TimeInterval(second)) == nil, "no warning per line")
        }
        #expect(loss.linesLost == 3 + 49 * 2)
        #expect(loss.outageLines == loss.linesLost)
    }

    @Test("a write that works ends the outage once no failure came for `settle` seconds")
    func resumedAfterSettle() {
        var loss = LogLoss(settle: 1)
        _ = loss.failed(losing: 5, Self.full, now: 10)
        #expect(loss.wrote(now: 10.2) == nil, "too soon after the last failure")
        #expect(loss.wrote(now: 10.5) == nil)
        #expect(loss.wrote(now: 11.0) == .resumed(outage: 5, linesLost: 5))
        #expect(!loss.isFailing && loss.failure == nil && loss.outageLines == 0)
        #expect(loss.wrote(now: 12) == nil, "resumed once")
    }

    @Test("a write long after the last failure resumes at once")
    func lateWriteResumes() {
        var loss = LogLoss(settle: 1)
        _ = loss.failed(losing: 1, Self.full, now: 0)
        #expect(loss.wrote(now: 60) == .resumed(outage: 1, linesLost: 1))
    }

    @Test("writes that fit now and then, between failures, stay one outage: no warning pair per line")
    func flappingIsOneOutage() {
        var loss = LogLoss(settle: 1)
        var changes: [LogLoss.Change] = []
        var now: TimeInterval = 0
        for _ in 0..<200 {
            if let change = loss.failed(losing: 1, Self.full, now: now) { changes.append(change) }
            now += 0.01
            if let change = loss.wrote(now: now) { changes.append(change) }
            now += 0.01
        }
        #expect(changes == [.began(Self.full, linesLost: 1)])
        #expect(loss.linesLost == 200)
    }

    @Test("settle: a file written once soon after its failure, then left alone, resumes later; one never written does not")
    func settleWithoutMoreWrites() {
        var untouched = LogLoss(settle: 1)
        _ = untouched.failed(losing: 2, Self.full, now: 0)
        #expect(untouched.settle(now: 30) == nil, "nothing was written since: the disk may still be full")
        var written = LogLoss(settle: 1)
        _ = written.failed(losing: 2, Self.full, now: 0)
        #expect(written.wrote(now: 0.5) == nil)
        #expect(written.settle(now: 0.8) == nil)
        #expect(written.settle(now: 1.0) == .resumed(outage: 2, linesLost: 2))
        #expect(written.settle(now: 5) == nil)
    }

    @Test("a second outage counts its own lines and the total; the latest reason is kept")
    func secondOutage() {
        var loss = LogLoss(settle: 0)
        _ = loss.failed(losing: 4, Self.full, now: 0)
        #expect(loss.wrote(now: 0) == .resumed(outage: 4, linesLost: 4))
        #expect(loss.failed(losing: 1, Self.full, now: 1) == .began(Self.full, linesLost: 5))
        #expect(loss.failed(losing: 2, Self.broken, now: 1) == nil)
        #expect(loss.failure == Self.broken)
        #expect(loss.wrote(now: 2) == .resumed(outage: 3, linesLost: 7))
    }

    @Test("held lines (lost: 0) still start an outage, with 0 lines lost")
    func heldLinesStartAnOutage() {
        var loss = LogLoss()
        #expect(loss.failed(losing: 0, Self.full, now: 0) == .began(Self.full, linesLost: 0))
        #expect(loss.linesLost == 0)
    }

    @Test("the warnings name the file, the reason and the count")
    func messages() {
        let file = "logs/mainpc/X.log"
        #expect(LogLoss.Change.began(Self.full, linesLost: 1).message(file: file)
                == "logs/mainpc/X.log: no space left on device; 1 line lost so far")
        #expect(LogLoss.Change.began(Self.full, linesLost: 3).message(file: file)
                == "logs/mainpc/X.log: no space left on device; 3 lines lost so far")
        #expect(LogLoss.Change.resumed(outage: 41, linesLost: 41).message(file: file)
                == "logs/mainpc/X.log: logging resumed, 41 lines were lost")
        #expect(LogLoss.Change.began(Self.full, linesLost: 0).message(file: file)
                == "logs/mainpc/X.log: no space left on device; no line lost yet")
        #expect(LogLoss.Change.resumed(outage: 0, linesLost: 0).message(file: file)
                == "logs/mainpc/X.log: logging resumed, no line was lost")
        #expect(LogLoss.Change.resumed(outage: 1, linesLost: 9).message(file: file)
                == "logs/mainpc/X.log: logging resumed, 1 line was lost (9 since the supervisor started)")
    }

    @Test("a notice carries the change for system.logs, with snake_case keys")
    func notice() throws {
        let failing = LogWriteNotice(file: "/srv/logs/mainpc/X.log", agent: "X", change: .began(Self.full, linesLost: 2),
                                     shownAs: "logs/mainpc/X.log")
        #expect(failing.state == .failing && failing.error == Self.full && failing.linesLost == 2 && failing.outageLinesLost == nil)
        #expect(failing.message == "logs/mainpc/X.log: no space left on device; 2 lines lost so far")
        let resumed = LogWriteNotice(file: "/srv/logs/mainpc/X.log", agent: nil, change: .resumed(outage: 2, linesLost: 5))
        #expect(resumed.state == .resumed && resumed.error == nil && resumed.outageLinesLost == 2 && resumed.linesLost == 5)
        #expect(resumed.message.hasPrefix("/srv/logs/mainpc/X.log: logging resumed"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(failing), as: UTF8.self)
        #expect(text.contains(#""lines_lost":2"#) && text.contains(#""state":"failing""#), "\(text)")
        #expect(text.contains(#""error":{"code":"no_space","errno":28,"message":"no space left on device"}"#), "\(text)")
    }
}

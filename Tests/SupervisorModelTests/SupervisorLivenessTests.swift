import Testing
@testable import SupervisorModel

/// When an event stream's supervisor counts as gone: a ping unanswered in time after a lost
/// connection, or another instance in an event or a ping reply.
@Suite("SupervisorLiveness")
struct SupervisorLivenessTests {
    @Test("events of the same run keep the stream; another instance ends it")
    func instanceChange() {
        var liveness = SupervisorLiveness()
        let verdicts = ["100-a", "100-a", nil, "200-b"].map { liveness.sawEvent(instance: $0) }
        #expect(verdicts == [nil, nil, nil, .restarted(was: "100-a", now: "200-b")],
                "the first event names the run; one without instance tells nothing")
        #expect(liveness.instance == "100-a")
    }

    @Test("a lost connection asks once; an answer of the same run keeps the stream, silence ends it")
    func checks() {
        var liveness = SupervisorLiveness(answerTimeout: 3)
        _ = liveness.sawEvent(instance: "100-a")
        #expect(liveness.deadline == nil && liveness.verdict(now: 1000) == nil, "nothing out, nothing to decide")
        let first = liveness.needsCheck(now: 10)
        let again = liveness.needsCheck(now: 10.2)
        #expect(first && !again, "one ping at a time")
        #expect(liveness.deadline == 13)
        #expect(liveness.verdict(now: 12.9) == nil)
        let answer = liveness.answered(instance: "100-a")
        #expect(answer == nil, "still there")
        #expect(liveness.deadline == nil)

        let next = liveness.needsCheck(now: 20)
        #expect(next)
        #expect(liveness.verdict(now: 23.5) == .stopped(silentFor: 3.5))
    }

    @Test("a ping answered by another run ends the stream, even before any event")
    func restartedBeforeAnyEvent() {
        var liveness = SupervisorLiveness()
        _ = liveness.sawEvent(instance: "100-a")   // as the first ping named it
        _ = liveness.needsCheck(now: 5)
        let answer = liveness.answered(instance: "300-c")
        #expect(answer == .restarted(was: "100-a", now: "300-c"))

        var unnamed = SupervisorLiveness()
        _ = unnamed.needsCheck(now: 0)
        let answers = [unnamed.answered(instance: "300-c"), unnamed.answered(instance: nil)]
        #expect(answers == [nil, nil], "nothing known yet: this is the run followed")
        #expect(unnamed.instance == "300-c")
    }
}

@testable import SupervisorModel
import Testing
@testable import SupervisorCore

/// The lines that close start-up name each failed agent's cause.
@Suite("StartupReport")
struct StartupReportTests {
    private func summary(failed: [(agent: String, reason: String, cause: FailureCause?)]) -> StartupSummary {
        StartupSummary(ready: 1, total: 3, elapsed: 2, criticalPath: 1.5, criticalChain: ["A"], failed: failed,
                       blocked: [(agent: "Twin", blockedBy: "ServiceRegistry")], startedWithout: [], requiredMissing: ["ServiceRegistry"])
    }

    @Test("failed: agent: cause (file:line); the supervisor's account")
    func causeFirst() {
        let cause = FailureCause(kind: .pythonException, message: "OSError: [Errno 98] Address already in use",
                                 location: "base_agent.py:778")
        let lines = StartupReport.lines(for: summary(failed: [
            ("ServiceRegistry", "exit code 1; 5 restarts within 1m0s, giving up", cause),
            ("Plain", "exit code 2; 5 restarts within 1m0s, giving up", nil),
            ("Missing", "failed to start: no such file or directory", FailureCause(kind: .spawnFailed, message: "no such file or directory")),
        ]))
        #expect(lines.contains(
            "failed: ServiceRegistry: OSError: [Errno 98] Address already in use (base_agent.py:778); exit code 1; 5 restarts within 1m0s, giving up"))
        #expect(lines.contains("failed: Plain: exit code 2; 5 restarts within 1m0s, giving up"))
        #expect(lines.contains("failed: Missing: failed to start: no such file or directory"), "the launcher's reason is not said twice")
        #expect(lines.contains("blocked: Twin (waits for ServiceRegistry)"))
    }
}

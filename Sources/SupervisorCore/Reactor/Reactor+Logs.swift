import Foundation
import SupervisorModel

extension Reactor {
    /// Writes the lines supervisor.log batched this turn, and says, once each, that a log file
    /// began or stopped losing lines: on stderr and in supervisor.log (kept until that file
    /// can take it) and as a `system.logs` event. Runs before every wait.
    func reportLogNotices() {
        var notices = processes.takeLogNotices()
        notices += legacyServices?.takeLogNotices() ?? []
        for notice in notices { log.warn(notice.message) }
        // The turn's lines (supervisor.log is batched: see `SupervisorLog.batched`).
        log.flush()
        // supervisor.log's own notices come last: warning about the others may have made them.
        notices += log.takeNotices()
        for notice in notices { events?.publish(.systemLogs, notice) }
    }

    /// Failing log files that were written to, and have not failed for a while, have resumed
    /// even if nothing more is written to them.
    func settleLogs() {
        processes.settleLogs()
        legacyServices?.settleLogs()
        log.settle()
        reportLogNotices()
    }

    /// The log figures of `status`: lines lost per agent, and the supervisor's own files that
    /// lost lines or fail now.
    func addLogFigures(to status: inout HostStatus) {
        for index in status.agents.indices {
            let health = processes.logHealth(of: status.agents[index].name)
            status.agents[index].logLinesLost = health?.linesLost ?? 0
            status.agents[index].logError = health?.failure
        }
        let own = [log.fileStatus, legacyServices?.errorLogStatus].compactMap { $0 }
        status.supervisorLogs = own.isEmpty ? nil : own
    }

    /// Names, before the first spawn, every agent whose working directory, program or script is
    /// missing. They start all the same (and fail as they would), so the rest of the host comes up.
    func reportPreflight() {
        let findings = options.preflightFindings
        guard !findings.isEmpty else { return }
        log.warn(Preflight.summary(of: findings, agentsOnHost: model.order.count))
        for finding in findings { log.warn("preflight: \(finding)") }
    }
}

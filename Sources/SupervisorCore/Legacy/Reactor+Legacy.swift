import Foundation
import SupervisorModel

extension Reactor {
    /// Republishes error-bus reports on `agent.errors`.
    func receiveErrorReports() {
        guard let services = legacyServices else { return }
        for report in services.collectErrors(now: MonotonicClock.now()) {
            events?.publish(.agentErrors, ErrorBusEvent(report))
        }
    }

    /// A dead agent's registry entry expires.
    func expireRegistration(_ transition: AgentTransition) {
        if !transition.to.hasProcess { legacyServices?.registry?.expire(transition.agent) }
    }
}

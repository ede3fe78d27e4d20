import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// Runs a real `Reactor` in-process for a test: on a dedicated thread (agents must be forked
/// from a long-lived thread, whose exit would send them their parent-death signal), with its
/// transitions and start-up summary collected under a lock for the test thread to wait on.
final class ReactorHarness: @unchecked Sendable {
    static let host = "testhost"

    let directory: TemporaryDirectory
    let options: SupervisorOptions
    private let lock = NSLock()
    private var reactor: Reactor?
    private var collected: [AgentTransition] = []
    private var summary: StartupSummary?
    private var exitCode: Int32?
    private var failure: String?

    /// Loads `manifest` (YAML text) for `host`; logs go to `<temp>/logs/<host>/`.
    init(manifest: String) throws {
        directory = try TemporaryDirectory("reactor")
        let loaded = ManifestLoader.load(text: manifest, file: directory.file("agents.yaml"), environment: [:])
        let errors = loaded.issues.filter { $0.severity == .error }
        try #require(errors.isEmpty, "manifest errors: \(errors)")
        var options = SupervisorOptions(
            manifest: try #require(loaded.manifest), host: Self.host, baseDirectory: directory.path,
            logRoot: directory.file("logs"), environment: ProcessInfo.processInfo.environment)
        options.handleSignals = false
        options.showProgress = false
        // Every agent gets a cgroup under `supervisor/<host>.<tag>`, and a reactor clears the
        // stale groups of its subtree at start: reactors of tests running side by side must
        // not share one (they would kill each other's agents).
        options.runTag = RunTag.of(runDirectory: directory.path)
        self.options = options
    }

    /// Creates the reactor and runs it on its own thread.
    func start() {
        let thread = Thread { [self] in
            let reactor: Reactor
            do {
                reactor = try Reactor(options: options)
            } catch {
                lock.withLock { failure = "\(error)" }
                return
            }
            // Weak: the reactor must not keep the harness (and its temporary folder) alive.
            reactor.onTransition = { [weak self] transition in self?.record(transition) }
            reactor.onStartupFinished = { [weak self] summary in self?.record(summary) }
            lock.withLock { self.reactor = reactor }
            let code = reactor.run()
            lock.withLock { exitCode = code }
        }
        thread.name = "reactor-under-test"
        thread.start()
    }

    private func record(_ transition: AgentTransition) { lock.withLock { collected.append(transition) } }
    private func record(_ summary: StartupSummary) { lock.withLock { self.summary = summary } }

    var transitions: [AgentTransition] { lock.withLock { collected } }
    var startupSummary: StartupSummary? { lock.withLock { summary } }
    var runResult: Int32? { lock.withLock { exitCode } }

    /// Waits for start-up to finish; nil (and a recorded issue) after `timeout`.
    func waitForStartup(timeout: TimeInterval = 30) -> StartupSummary? {
        waitUntil(timeout: timeout) { startupSummary != nil || lock.withLock { failure != nil } }
        if let failure = lock.withLock({ failure }) { Issue.record("reactor did not start: \(failure)") }
        return startupSummary
    }

    /// Waits until a transition matching `predicate` has been announced.
    @discardableResult
    func waitForTransition(timeout: TimeInterval = 30, _ predicate: (AgentTransition) -> Bool) -> AgentTransition? {
        var found: AgentTransition?
        waitUntil(timeout: timeout) {
            found = transitions.first(where: predicate)
            return found != nil
        }
        return found
    }

    /// Asks for a graceful shutdown and waits for `run()` to return; its exit code.
    @discardableResult
    func shutDown(timeout: TimeInterval = 30) -> Int32? {
        guard let reactor = lock.withLock({ reactor }) else { return runResult }
        reactor.requestShutdown()
        waitUntil(timeout: timeout) { runResult != nil }
        return runResult
    }

    /// The pids of every agent process that became ready.
    var readyPids: [Int32] { transitions.filter { $0.to == .ready }.compactMap(\.pid) }

    /// Last resort after a failed test: shut down, then kill any agent group still alive.
    func cleanup() {
        if runResult == nil { shutDown() }
        for pid in readyPids where ProcessState.isAlive(pid) { kill(-pid, SIGKILL) }
        // Once run() has returned the reactor is idle: release it (and its descriptors) here.
        if runResult != nil { lock.withLock { reactor = nil } }
    }

    /// The supervisor's own log so far.
    var supervisorLog: String { directory.read("logs/\(Self.host)/supervisor.log") ?? "" }

    /// An agent's log so far.
    func agentLog(_ agent: String) -> String { directory.read("logs/\(Self.host)/\(agent).log") ?? "" }
}

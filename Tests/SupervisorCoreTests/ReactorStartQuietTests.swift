import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// A start holds its slot while its processes are busy and frees it when they go quiet, long
/// before `start_settle`.
@Suite("Reactor frees the start slot of a quiet start")
struct ReactorStartQuietTests {
    /// One slot, settled only after 60 s, and neither agent ready for 60 s: only the quiet
    /// watch can let `second` start within the test's time. `second` says whether `first` had
    /// finished its busy part (the file `spun`) when it started.
    static func manifest(first command: String) -> String {
        """
        max_concurrent_starts: 1
        start_settle: 60s
        defaults: {host: testhost, health: {kind: none, start_period: 60s}}
        agents:
          first:
            command: \(command)
          second:
            command: ["/bin/sh", "-c", "if [ -e spun ]; then echo saw-spun; else echo too-early; fi; exec sleep 1000"]
        """
    }

    /// Waits for `second` to start and says whether `first` had gone quiet by then.
    static func expectSecondStartedAfterSpin(_ harness: ReactorHarness, _ failure: Comment) {
        let started = harness.waitForTransition(timeout: 50) { $0.agent == "second" && $0.to == .starting }
        #expect(started != nil, "second never started: \(harness.supervisorLog)")
        #expect(waitUntil(timeout: 20) { harness.agentLog("second").contains("saw-spun") || harness.agentLog("second").contains("too-early") })
        #expect(harness.agentLog("second").contains("saw-spun"), failure)
    }

    @Test("the next agent starts once the busy one has gone quiet, not at start_settle, and not before")
    func busyThenQuiet() throws {
        // `first` spins (the busy part of a start), marks the end of it in a file, then sleeps.
        let harness = try ReactorHarness(manifest: Self.manifest(
            first: #"["/bin/sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; : > spun; exec sleep 1000"]"#))
        defer { harness.cleanup() }
        harness.start()
        Self.expectSecondStartedAfterSpin(harness, "second started while first was still busy")
        #expect(harness.shutDown() == 0)
    }

    @Test("a start whose main thread waits while another thread works keeps its slot",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs /usr/bin/python3"))
    func busyWorkerThread() throws {
        // `first`'s main thread sleeps in join() while a worker thread counts, then marks the end.
        let harness = try ReactorHarness(manifest: Self.manifest(first: #"["/usr/bin/python3", "worker.py"]"#))
        try harness.directory.write("worker.py", """
            import threading, time
            def work():
                n = 0
                while n < 3000000:
                    n += 1
            worker = threading.Thread(target=work)
            worker.start()
            worker.join()
            open("spun", "w").close()
            time.sleep(1000)

            """)
        defer { harness.cleanup() }
        harness.start()
        Self.expectSecondStartedAfterSpin(harness, "second started while first's worker thread was busy")
        #expect(harness.shutDown() == 0)
    }
}

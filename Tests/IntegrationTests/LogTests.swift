import Foundation
import Testing

/// What agents write ends up in their log, whole and in order.
@Suite("agent logs", .serialized)
struct LogTests {
    @Test("no line is lost or cut when an agent writes fast to stdout and stderr")
    func fastOutputIsLoggedWhole() throws {
        let script = """
            import sys
            for i in range(20000):
                stream = sys.stdout if i % 2 == 0 else sys.stderr
                stream.write("line %05d %s\\n" % (i, "x" * 100))
            sys.stdout.flush(); sys.stderr.flush()
            import time; time.sleep(1000)
            """
        let harness = try SupervisorHarness(manifest: """
            agents:
              chatty:
                host: mainpc
                command: ["\(TestPython.path)", "-c", \(String(reflecting: script))]
            """)
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("ready: 1/1")
        var lines: [Substring] = []
        let complete = eventually {
            let text = (try? String(contentsOf: harness.agentLog("chatty"), encoding: .utf8)) ?? ""
            lines = text.split(separator: "\n")
            return lines.count >= 20000
        }
        #expect(complete, "only \(lines.count) lines logged")
        let pattern = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (out|err) line (\d{5}) x{100}$/
        var seen = Set<Int>()
        for line in lines {
            let match = try #require(line.wholeMatch(of: pattern), "malformed line: \(line.prefix(200))")
            let number = Int(match.2)!
            #expect((number % 2 == 0) == (match.1 == "out"))
            seen.insert(number)
        }
        #expect(seen.count == 20000)
        try harness.stop()
    }
}

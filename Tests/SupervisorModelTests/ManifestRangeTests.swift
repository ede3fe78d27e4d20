import Foundation
import Testing
@testable import SupervisorModel

/// Numbers that do not fit (64-bit overflow, huge durations and cores) and variables nested too
/// deep are issues naming the file, line, agent and key, never a trap or a hang.
@Suite("Manifest numbers out of range")
struct ManifestRangeTests {
    typealias Support = ManifestTestSupport

    /// One agent whose `key: value` line is the only thing that varies.
    func agent(_ line: String, under section: String? = nil) -> String {
        let body = section.map { "    \($0):\n      \(line)" } ?? "    \(line)"
        return """
            agents:
              A:
                host: h
                command: [/bin/a]
            \(body)
            """
    }

    func expectError(
        _ code: ManifestIssue.Code, in yaml: String, key: String, messageContains needle: String,
        environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let issues = Support.load(yaml, environment: environment).issues
        let issue = try issues.single(code, sourceLocation: sourceLocation)
        #expect(issue.severity == .error, sourceLocation: sourceLocation)
        #expect(issue.agent == "A", sourceLocation: sourceLocation)
        #expect(issue.key == key, sourceLocation: sourceLocation)
        #expect(issue.file == Support.file, sourceLocation: sourceLocation)
        #expect(issue.line == 5 || issue.line == 6, "line \(String(describing: issue.line))", sourceLocation: sourceLocation)
        #expect(issue.message.contains(needle), "message: \(issue.message)", sourceLocation: sourceLocation)
    }

    @Test("a port sum that overflows 64 bits is out of range 1...65535", arguments: [
        "9223372036854775807+1", "9223372036854775808", "-9223372036854775808+-1", "99999999999999999999999+7200",
    ])
    func overflowingPort(value: String) throws {
        try expectError(.badValue, in: agent("port: \(value)"), key: "port", messageContains: "out of range 1...65535")
    }

    @Test("PORT_OFFSET so large that ${PORT_OFFSET}+7200 overflows")
    func overflowingOffset() throws {
        try expectError(.badValue, in: agent("port: ${PORT_OFFSET}+7200"), key: "port",
                        messageContains: "out of range 1...65535", environment: ["PORT_OFFSET": "9223372036854775807"])
    }

    @Test("a sum in range is still accepted")
    func sumInRange() throws {
        let manifest = try Support.loadValid(agent("port: ${PORT_OFFSET}+7200"), environment: ["PORT_OFFSET": "100"])
        #expect(manifest.agents.first?.port == 7300)
    }

    @Test("huge durations are out of range, also where a message compares two of them", arguments: [
        "1e308", "9223372036854775808", "1000000000000000000000000000000s", "8761h",
        String(repeating: "9", count: 400) + "h",
    ])
    func hugeDuration(value: String) throws {
        let yaml = agent("backoff: {initial: \(value)}", under: "restart")
        let issues = Support.load(yaml).issues
        let issue = try issues.single(.badDuration)
        #expect(issue.key == "restart.backoff.initial")
        #expect(issue.message.contains("at most 8760h") || issue.message.contains("bad duration"), "\(issue.message)")
        #expect(issues.count == 1, "\(issues)")
    }

    @Test("one year is the longest duration")
    func oneYear() throws {
        let manifest = try Support.loadValid(agent("window: 8760h", under: "restart"))
        #expect(manifest.agents.first?.restart.window == Quantity.maximumSeconds)
    }

    @Test("cpu beyond 4096 cores or below 1% is out of range", arguments: ["1e308", "500000%", "0.001"])
    func cpuRange(value: String) throws {
        try expectError(.badValue, in: agent("cpu: \(value)", under: "limits"), key: "limits.cpu", messageContains: "out of range")
    }

    @Test("whole-number sums are checked at every step")
    func sums() {
        #expect(WholeNumberSum.parse("0+7200") == .success(7200))
        #expect(WholeNumberSum.parse(" 5 + 6 ") == .success(11))
        #expect(WholeNumberSum.parse("9223372036854775807+1") == .failure(.tooLarge))
        #expect(WholeNumberSum.parse("9223372036854775807+1+-5") == .failure(.tooLarge))
        #expect(WholeNumberSum.parse("18446744073709551616") == .failure(.tooLarge))
        #expect(WholeNumberSum.parse("7200+x") == .failure(.notANumber))
        #expect(WholeNumberSum.parse("") == .failure(.notANumber))
    }

    @Test("numbers from the network or a legacy file print without trapping, whatever their size")
    func numberText() {
        #expect(NumberText.of(80) == "80")
        #expect(NumberText.of(1.5) == "1.5")
        #expect(NumberText.of(1e300) == "1e+300")
        #expect(NumberText.of(-.infinity) == "-inf")
        let report = ErrorReport.parse(Array(#"ERROR:{"agent": 1e300, "message": 9.3e18}"#.utf8))
        #expect(report?.agent == "1e+300" && report?.message == "9.3e+18")
    }

    @Test("durations are described without trapping, whatever their size")
    func describeAnything() {
        for value in [1e308, -1, .infinity, .nan, 9.3e18, 0.0004] {
            #expect(!Quantity.describe(seconds: value).isEmpty)
        }
    }

    @Test("10 000 and 100 000 nested defaults are refused at once, in one linear pass", arguments: [10_000, 100_000])
    func deepNesting(depth: Int) throws {
        let value = String(repeating: "${X:-", count: depth) + "v" + String(repeating: "}", count: depth)
        let clock = ContinuousClock()
        let started = clock.now
        let issues = Support.load(agent("env: {DEEP: \"\(value)\"}")).issues
        let issue = try issues.single(.badValue)
        #expect(issue.key == "env.DEEP")
        #expect(issue.message.contains("nest more than \(VariableExpander.maximumNesting) deep"))
        #expect(issue.message.count < 300, "the message quotes an excerpt, not the whole value")
        // Generous: the work is linear; the quadratic expander took 5-14 s at 10 000.
        #expect(clock.now - started < .seconds(5))
    }

    @Test("nesting up to the limit still expands")
    func nestingAtLimit() {
        let depth = VariableExpander.maximumNesting
        let value = String(repeating: "${X:-", count: depth) + "v" + String(repeating: "}", count: depth)
        #expect(VariableExpander(environment: [:]).expand(value) == .success("v"))
        let deeper = "${X:-" + value + "}"
        #expect(VariableExpander(environment: [:]).expand(deeper) == .failure(.tooDeep))
    }

    @Test("an unused default is not resolved: it may name unset variables")
    func unusedDefault() {
        let expander = VariableExpander(environment: ["SET": "yes"])
        #expect(expander.expand("${SET:-${UNSET}}") == .success("yes"))
        #expect(expander.expand("${SET:-{a}b}-c") == .success("yes-c"))
        #expect(expander.expand("${UNSET:-{a}b}-c") == .success("{a}b-c"))
        #expect(expander.expand("${SET:-${UNSET}") == .failure(.unterminated))
    }
}

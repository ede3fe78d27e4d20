import Foundation
import Testing
@testable import SupervisorModel

/// What `up` shows on stderr: which log lines, the redrawn line or a line per level, the tally
/// behind it and the summary that ends start-up.
@Suite("ConsolePolicy")
struct ConsolePolicyTests {
    let terminal = ConsolePolicy(verbosity: .normal, isTerminal: true)
    let pipe = ConsolePolicy(verbosity: .normal, isTerminal: false)

    /// A -> (B, C) -> D.
    let diamond = DependencyGraph(agents: [("D", ["B", "C"]), ("B", ["A"]), ("C", ["A"]), ("A", [])])

    @Test("on a terminal only notable lines and errors are echoed; through a pipe every line; --quiet errors only; --verbose all")
    func echoes() {
        #expect(!terminal.echoes(.routine) && terminal.echoes(.notable) && terminal.echoes(.error))
        #expect(pipe.echoes(.routine) && pipe.echoes(.notable))
        for isTerminal in [true, false] {
            let quiet = ConsolePolicy(verbosity: .quiet, isTerminal: isTerminal)
            #expect(!quiet.echoes(.routine) && !quiet.echoes(.notable) && quiet.echoes(.error))
            let verbose = ConsolePolicy(verbosity: .verbose, isTerminal: isTerminal)
            #expect(verbose.echoes(.routine) && !verbose.redraws && verbose.printsProgressLines)
        }
        #expect(terminal.redraws && !terminal.printsProgressLines)
        #expect(!pipe.redraws && pipe.printsProgressLines)
    }

    @Test("TERM=dumb is no terminal; --verbose with --quiet is refused")
    func deciding() {
        #expect(ConsolePolicy.decide(.normal, stderrIsTerminal: true, environment: ["TERM": "dumb"]) == pipe)
        #expect(ConsolePolicy.decide(.normal, stderrIsTerminal: true, environment: ["TERM": "xterm"]) == terminal)
        #expect(ConsolePolicy.decide(.normal, stderrIsTerminal: false, environment: [:]) == pipe)
        #expect(ConsoleVerbosity.from(verbose: true, quiet: true) == nil)
        #expect(ConsoleVerbosity.from(verbose: false, quiet: true) == .quiet)
        #expect(ConsoleVerbosity.from(verbose: true, quiet: false) == .verbose)
        #expect(ConsoleVerbosity.from(verbose: false, quiet: false) == .normal)
    }

    @Test("a transition weighs by where it goes: failed is an error, backoff and exited notable, the rest routine")
    func transitionWeight() {
        func weight(_ from: AgentState, _ to: AgentState) -> LogWeight {
            .of(AgentTransition(agent: "A", from: from, to: to, pid: nil, reason: "r", at: 0))
        }
        #expect(weight(.starting, .failed) == .error)
        #expect(weight(.starting, .backoff) == .notable)
        #expect(weight(.ready, .exited) == .notable)
        #expect(weight(.starting, .ready) == .routine)
        #expect(weight(.waiting, .starting) == .routine)
        #expect(weight(.stopping, .stopped) == .routine)
    }

    @Test("the tally counts ready agents and moves the level when a level is all ready, back when one falls")
    func tally() {
        var tally = StartupTally(graph: diamond)
        #expect(tally.line(elapsed: 0) == StartupProgressLine(ready: 0, total: 4, level: 0, levelCount: 3, elapsed: 0))
        tally.setReady("A", true)
        tally.setReady("A", true)
        tally.setReady("nobody", true)
        #expect(tally.ready == 1 && tally.lowestLevelStarting() == 1)
        tally.setReady("B", true)
        #expect(tally.lowestLevelStarting() == 1)
        tally.setReady("C", true)
        tally.setReady("D", true)
        #expect(tally.ready == 4 && tally.lowestLevelStarting() == 2)
        tally.setReady("A", false)
        #expect(tally.ready == 3 && tally.lowestLevelStarting() == 0)
        #expect(tally.line(elapsed: 4.24).text == "starting: 3/4 ready, level 1/3, 4.2 s")
    }

    @Test("on a terminal every tally redraws; through a pipe a line only when the level moves; --quiet nothing")
    func display() {
        func line(_ ready: Int, level: Int) -> StartupProgressLine {
            StartupProgressLine(ready: ready, total: 4, level: level, levelCount: 3, elapsed: 1)
        }
        var redrawn = ProgressDisplay(policy: terminal)
        #expect(redrawn.show(line(0, level: 0)) == .redraw(line(0, level: 0).text))
        #expect(redrawn.show(line(0, level: 0)) == .redraw(line(0, level: 0).text))
        var plain = ProgressDisplay(policy: pipe)
        let shown = [line(0, level: 0), line(1, level: 1), line(2, level: 1), line(3, level: 2), line(3, level: 2)].map { plain.show($0) }
        #expect(shown == [.line(line(0, level: 0).text), .line(line(1, level: 1).text), nil, .line(line(3, level: 2).text), nil])
        var quiet = ProgressDisplay(policy: ConsolePolicy(verbosity: .quiet, isTerminal: true))
        #expect(quiet.show(line(0, level: 0)) == nil)
    }

    @Test("the summary: host, ready count and time, one line per problem, then where the logs are")
    func conclusion() {
        let conclusion = StartupConclusion(
            host: "mainpc", ready: 57, total: 58, elapsed: 8.43, problems: ["failed: Names: NameError (agent.py:6)"],
            logDirectory: "logs/mainpc")
        #expect(conclusion.lines == [
            "mainpc: 57/58 ready in 8.4 s", "failed: Names: NameError (agent.py:6)",
            "logs: logs/mainpc/ (supervisor.log, <agent>.log)",
        ])
    }
}

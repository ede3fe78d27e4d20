import Foundation
import Testing

/// agent-sim's command line through the built binary (ArgumentParser reads the flags,
/// agent-sim the values and the legacy environment variables): docs/agent-sim.md.
@Suite("agent-sim arguments")
struct AgentSimArgumentsTests {
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let harness = try SupervisorHarness(manifest: "agents: {}\n")
        defer { harness.cleanUp() }
        var clean = ["AGENT_NAME": "", "AGENT_PORT": "", "HEALTH_CHECK_PORT": "", "BIND_ADDRESS": ""]
        clean.merge(environment) { $1 }
        return try harness.runProgram(SupervisorHarness.agentSimPath, arguments, environment: clean, nullInput: true)
    }

    @Test("--help and -h print the usage with every flag and variable, exit 0")
    func help() throws {
        for flag in ["--help", "-h"] {
            let result = try Self.run([flag])
            #expect(result.status == 0)
            #expect(result.output.contains("usage: agent-sim [options]") && result.output.contains("env HEALTH_CHECK_PORT"))
        }
    }

    @Test("bad usage exits 2 naming the flag or variable at fault")
    func badUsage() throws {
        let cases: [([String], [String: String], String)] = [
            (["--bogus"], [:], "--bogus"),
            (["stray"], [:], "stray"),
            (["--port"], [:], "--port"),
            (["--port", "abc"], [:], "--port 'abc' is not a port"),
            (["--ready-after=soon"], [:], "--ready-after 'soon' is not a duration"),
            ([], ["AGENT_PORT": "99999"], "AGENT_PORT '99999' is not a port"),
            (["--ignore-sigterm=yes"], [:], "--ignore-sigterm"),
            (["--exit-code", "3", "--crash-signal", "KILL"], [:], "cannot be combined"),
        ]
        for (arguments, environment, fragment) in cases {
            let result = try Self.run(arguments, environment: environment)
            #expect(result.status == 2, "\(arguments): \(result.output)")
            #expect(result.output.contains("agent-sim: ") && result.output.contains(fragment), "\(arguments): \(result.output)")
        }
    }

    @Test("--flag=value and --flag value, a later repetition wins, a value may start with '-'")
    func forms() throws {
        let result = try Self.run([
            "--name=first", "--name", "sim", "--line-text", "-{name}-", "--exit-code", "3", "--exit-code=5",
            "--crash-after", "200ms",
        ])
        #expect(result.status == 5, "\(result.output)")
        #expect(result.output.contains("-sim-"), "\(result.output)")
        #expect(result.output.contains("sim crashing with exit code 5"), "\(result.output)")
    }

    @Test("the environment names the agent when --name is not given; an empty variable is unset")
    func environment() throws {
        let named = try Self.run(["--crash-after", "0", "--exit-code", "4"], environment: ["AGENT_NAME": "FromEnv"])
        #expect(named.status == 4 && named.output.contains("FromEnv crashing with exit code 4"), "\(named.output)")
        let flagWins = try Self.run(["--name", "Flag", "--crash-signal", "KILL"], environment: ["AGENT_NAME": "FromEnv"])
        #expect(flagWins.status == SIGKILL && flagWins.output.contains("Flag crashing with SIGKILL"), "\(flagWins.output)")
        let empty = try Self.run(["--crash-after", "0", "--exit-code", "0"], environment: ["AGENT_PORT": ""])
        #expect(empty.status == 0, "\(empty.output)")
    }
}

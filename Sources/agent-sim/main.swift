import Foundation

// agent-sim: a simulated legacy agent for supervisor tests. See docs/agent-sim.md.
// Exit codes: 0 stopped by a signal or --help, 2 bad usage, 3 bind failed, 4 load setup failed.

Console.prepare()
let arguments = Array(CommandLine.arguments.dropFirst())
let request: AgentSimOptions.Request
do {
    request = try AgentSimOptions.parse(arguments, environment: ProcessInfo.processInfo.environment)
} catch {
    Console.error("agent-sim: \(error.message)")
    exit(2)
}
switch request {
case .help:
    Console.line(AgentSimOptions.usage)
    exit(0)
case .run(let options):
    SimulatedAgent(options: options).run()
}

import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor discover NAME`: where an agent is and what it registered.
    struct Discover: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "discover",
            abstract: "Show where an agent is: host, address, ports, state, and what it registered.",
            discussion: """
                Asks the service registry named in agents.yaml (`registry:`), as the legacy agents do: \
                the supervisor of its host, or the agent that serves it (`registry: {agent: Name}`).
                """)

        @Argument(help: "The agent.")
        var agent: String

        @Flag(help: "Print the registry's raw JSON answer.")
        var json = false

        @OptionGroup var files: FileOptions

        func run() throws {
            let context = try ClientContext(files: files)
            guard let registry = context.manifest?.registry, let host = context.hosts[registry.host] else {
                printError("\(files.manifest) names no `registry:` endpoint, so there is no registry to ask")
                throw CLIExit.usage
            }
            let answer: [String: JSONValue]
            let server = registry.agent.map { "the agent \($0)" } ?? "its supervisor"
            switch RegistryClient(address: host.address, port: registry.port, server: server)
                .ask(["action": "get_agent_endpoint", "agent_name": agent]) {
            case .success(let reply): answer = reply
            case .failure(let error): throw fail(error, host: host)
            }
            if json {
                print(jsonText(.object(answer)))
            } else if answer["status"]?.string == "success" {
                let first = ["agent_name", "host_name", "host", "port", "health_check_port", "state", "registered"]
                let rest = answer.keys.filter { !first.contains($0) && $0 != "name" && $0 != "status" }.sorted()
                for key in first + rest {
                    guard let value = answer[key] else { continue }
                    print("\(key): \(value.string ?? value.jsonText)")
                }
            } else {
                printError(answer["message"]?.string ?? "the registry does not know \(agent)")
                throw CLIExit.notFound
            }
        }
    }
}

/// A REQ client of the legacy service registry.
struct RegistryClient {
    let address: String
    let port: Int
    /// Who serves it, for the message when nothing answers: "its supervisor", "the agent X".
    var server = "its supervisor"

    /// Sends one request (a JSON object of strings) and returns the answer's fields.
    func ask(_ request: [String: String]) -> Result<[String: JSONValue], ControlError> {
        let endpoint = ZMQEndpoint.tcp(address, port: port)
        do {
            let socket = try ZMQSocket(.req)
            try socket.connect(endpoint)
            try socket.send(JSONValue.object(request.mapValues(JSONValue.string)).jsonBytes)
            guard socket.waitReadable(timeout: 5), let frames = try socket.receiveMessage(dontWait: true),
                  let reply = JSONValue.parse(frames.last ?? [])?.object else {
                return .failure(ControlError(.unreachable, "no answer from the service registry at \(endpoint) (is \(server) running?)"))
            }
            return .success(reply)
        } catch {
            return .failure(ControlError(.unreachable, "cannot reach the service registry at \(endpoint): \(error)"))
        }
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// `registry: {agent: Name}`: the registry is one of the agents, on its own port.
@Suite("Manifest: a registry served by an agent")
struct RegistryAgentTests {
    @Test("registry: {agent: X} needs an agent of the manifest with a port, and not host or port besides")
    func registryAgentIssues() throws {
        func issues(_ registry: String) -> [ManifestIssue] {
            ManifestTestSupport.load("""
                registry: \(registry)
                defaults: {host: mainpc, command: [x]}
                agents:
                  Registry: {port: 7200}
                  Portless: {}
                """).issues
        }
        #expect(issues("{agent: Registry}").isEmpty)
        #expect(try issues("{agent: Registy}").single(.unknownDependency).message.contains("did you mean 'Registry'"))
        #expect(try issues("{agent: Portless}").single(.missingKey).message.contains("has no port"))
        #expect(try issues("{agent: Registry, port: 7290}").single(.badValue).key == "registry")
        #expect(try issues("{port: 7290}").single(.missingKey).message.contains("or agent"))
    }

    @Test("compose gives every agent SERVICE_REGISTRY_* of the registry agent's service")
    func composeRegistryAgent() throws {
        let manifest = try ManifestTestSupport.loadValid("""
            registry: {agent: Registry}
            defaults: {host: mainpc, command: [python3, agent.py], health: {kind: zmq}}
            agents:
              Registry: {port: 7200, health: {port: 8200}}
              Twin: {port: 7220, health: {port: 8220}, depends_on: [Registry]}
            """)
        let hosts = HostTable(file: "hosts", hosts: [.init(name: "mainpc", address: "127.0.0.1", controlPort: 7700)])
        let plan = try ExportPlan(manifest: manifest, hosts: hosts, host: nil)
        #expect(plan.supervisorServiceNote == nil)
        let twin = Dictionary(uniqueKeysWithValues: plan.containerEnvironment(of: try #require(manifest["Twin"])).map { ($0.name, $0.value) })
        #expect(twin["SERVICE_REGISTRY_HOST"] == "registry")
        #expect(twin["SERVICE_REGISTRY_PORT"] == "7200" && twin["SERVICE_REGISTRY_HEALTH_PORT"] == "8200")
    }
}

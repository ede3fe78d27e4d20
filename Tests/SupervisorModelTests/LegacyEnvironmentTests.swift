import Foundation
import Testing
@testable import SupervisorModel

/// The variables every legacy agent gets, computed from `hosts` and the manifest.
@Suite("LegacyEnvironment")
struct LegacyEnvironmentTests {
    static let yaml = """
        agents:
          Registry: {host: mainpc, command: [/bin/a], port: 7100, health: {kind: zmq, port: 8100}}
          Memory: {host: pc2, command: [/bin/b], port: 7140, health: {kind: tcp}, depends_on: [mainpc/Registry]}
        """
    static let hosts = HostTable(file: "hosts", hosts: [
        .init(name: "mainpc", address: "127.0.0.1", controlPort: 7700),
        .init(name: "pc2", address: "10.0.0.2", controlPort: 7710),
    ])

    @Test("the endpoint map: every agent with host, address and ports, keys sorted, one text for every agent")
    func endpoints() throws {
        let manifest = try ManifestTestSupport.loadValid(Self.yaml)
        let legacy = LegacyEnvironment(manifest: manifest, hosts: Self.hosts, portOffset: "0")
        #expect(legacy.endpointsJSON == #"{"Memory":{"address":"10.0.0.2","host":"pc2","port":7140},"#
                + #""Registry":{"address":"127.0.0.1","health_port":8100,"host":"mainpc","port":7100}}"#)
        let memory = try #require(manifest["Memory"])
        let variables = legacy.variables(for: memory)
        #expect(variables["SUPERVISOR_ENDPOINTS"] == legacy.endpointsJSON)
        #expect(variables["REGISTRY_HOST"] == "127.0.0.1" && variables["REGISTRY_PORT"] == "7100")
        #expect(variables["BIND_ADDRESS"] == "10.0.0.2" && variables["PC2_IP"] == "10.0.0.2" && variables["MAIN_PC_IP"] == "127.0.0.1")
    }
}

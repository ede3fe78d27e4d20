import Foundation
import Testing
@testable import SupervisorModel

/// What the imported agents get so that the legacy code runs as its own launchers ran it: the
/// host's code folder on PYTHONPATH, unbuffered output, `--port` on request, and a service
/// registry that the legacy registry agent and the supervisor do not fight over.
@Suite("Legacy import: fidelity to the legacy launchers")
struct LegacyImportFidelityTests {
    static let hosts = HostTable(file: "hosts", hosts: [
        .init(name: "mainpc", address: "10.0.0.16", controlPort: 7700),
        .init(name: "pc2", address: "10.0.0.17", controlPort: 7710),
    ])

    func julyPair(_ options: LegacyImportOptions = .init()) throws -> LegacyImport.Result {
        try LegacyImport.run([LegacyFixtures.source(LegacyFixtures.julyMainpc), LegacyFixtures.source(LegacyFixtures.julyPC2)],
                             options: options)
    }

    func loaded(_ result: LegacyImport.Result) throws -> Manifest {
        let text = try #require(result.text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: Self.hosts)
        #expect(loaded.issues.errors.isEmpty, "\(loaded.issues.errors.map(\.description))")
        return try #require(loaded.manifest)
    }

    @Test("PYTHONPATH holds the repository root and the host's code folder; output is unbuffered")
    func pythonEnvironment() throws {
        let manifest = try loaded(try julyPair())
        #expect(manifest["Registry"]?.environment["PYTHONPATH"] == ".:main_pc_code")
        #expect(manifest["TaskRouter"]?.environment["PYTHONPATH"] == ".:pc2_code")
        #expect(manifest.agents.allSatisfy { $0.environment["PYTHONUNBUFFERED"] == "1" })
    }

    @Test("the code folder is the first path component most scripts share, or none")
    func codeFolder() {
        #expect(LegacyImporter.codeFolder(of: ["main_pc_code/a.py", "main_pc_code/b/c.py", "phase1/x.py"]) == "main_pc_code")
        #expect(LegacyImporter.codeFolder(of: ["a.py", "b.py", "pc2_code/c.py"]) == nil)
        #expect(LegacyImporter.codeFolder(of: ["./a/b.py", "../c/d.py"]) == nil)
        #expect(LegacyImporter.codeFolder(of: []) == nil)
    }

    @Test("--pass-ports appends --port and --health-check-port, never twice, and not for a sum")
    func passPorts() throws {
        let manifest = try loaded(try julyPair(.init(passPorts: true)))
        #expect(manifest["Registry"]?.command == [
            "python3", "main_pc_code/agents/registry.py", "--port", "7200", "--health-check-port", "8200",
        ])
        #expect(try loaded(try julyPair())["Registry"]?.command == ["python3", "main_pc_code/agents/registry.py"])

        let legacy = """
            agent_groups:
              tools:
                Alpha: {script_path: a.py, port: 7000, command_args: --port 7000}
                Beta: {script_path: b.py, port: "${PORT_OFFSET}+7001", health_check_port: 8001}
            """
        let result = LegacyImport.run([.init(file: "legacy.yaml", text: legacy)], options: .init(passPorts: true))
        let alpha = try #require(result.manifest?["Alpha"])
        #expect(alpha.command == ["python3", "a.py", "--port", "7000"])
        let beta = try #require(result.manifest?["Beta"])
        #expect(beta.command == ["python3", "b.py", "--health-check-port", "8001"])
        let finding = try #require(result.findings.first { $0.code == .portArgument })
        #expect(finding.agent == "Beta" && finding.message.contains("${PORT_OFFSET}+7001"))
    }

    @Test("by default the registry agent serves the registry, on its own ports, and the supervisor serves none")
    func registryServedByTheAgent() throws {
        let result = try julyPair()
        let manifest = try loaded(result)
        let registry = try #require(manifest.registry)
        #expect(registry.agent == "Registry" && !registry.isServedBySupervisor)
        #expect(registry.host == "mainpc" && registry.port == 7200)
        #expect(try #require(result.text).contains("registry:\n  agent: Registry\n"))

        // What the registry agent is given to bind is what the manifest probes.
        let agent = try #require(manifest["Registry"])
        #expect(agent.dependsOn.isEmpty)
        let environment = LegacyEnvironment(manifest: manifest, hosts: Self.hosts, portOffset: "0")
        let own = environment.variables(for: agent)
        #expect(own["SERVICE_REGISTRY_PORT"] == agent.port.map(String.init))
        #expect(own["SERVICE_REGISTRY_HEALTH_PORT"] == agent.health.port.map(String.init))
        // Every other agent, on either host, finds the registry there.
        for name in ["StateStore", "TaskRouter"] {
            let variables = environment.variables(for: try #require(manifest[name]))
            #expect(variables["SERVICE_REGISTRY_HOST"] == "10.0.0.16")
            #expect(variables["SERVICE_REGISTRY_PORT"] == "7200")
        }
        #expect(manifest["StateStore"]?.dependsOn == ["Registry"])
    }

    @Test("--registry supervisor: the supervisor serves on the agent's port; the agent and dependencies on it are left out")
    func registryServedByTheSupervisor() throws {
        let result = try julyPair(.init(registry: .supervisor))
        #expect(result.succeeded, "\(result.findings.map(\.description))")
        let manifest = try loaded(result)
        #expect(manifest["Registry"] == nil)
        #expect(manifest.agents(on: "mainpc").count == 17)
        let registry = try #require(manifest.registry)
        #expect(registry.isServedBySupervisor && registry.host == "mainpc" && registry.port == 7200)
        #expect(!manifest.agents(on: "mainpc").contains { $0.port == 7200 || $0.health.port == 7200 })
        let store = try #require(manifest["StateStore"])
        #expect(!store.dependsOn.contains("Registry"))
        #expect(try #require(result.text).contains("# - Registry  # served by the supervisor's registry"))
        let variables = LegacyEnvironment(manifest: manifest, hosts: Self.hosts, portOffset: "0").variables(for: store)
        #expect(variables["SERVICE_REGISTRY_PORT"] == "7200" && variables["SERVICE_REGISTRY_HOST"] == "10.0.0.16")
        #expect(variables["SERVICE_REGISTRY_HEALTH_PORT"] == nil)
    }
}

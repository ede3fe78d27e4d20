import Foundation
import Testing
@testable import SupervisorModel

/// The long form of `depends_on` in each export format, as far as each engine can say it.
@Suite("export of dependency conditions")
struct ExportDependencyTests {
    static let yaml = """
        defaults:
          host: mainpc
          health: {kind: zmq, start_period: 45s}
        agents:
          Base: {command: [base], port: 7200, health: {port: 8200}}
          Loader: {command: [loader], port: 7210, health: {port: 8210}}
          Top:
            command: [top]
            health: {kind: none}
            depends_on: [{name: Base, required: false}, {name: Loader, condition: started}]
        """

    static func render(_ format: ExportFormat) throws -> [String: String] {
        let hosts = HostTable(file: "hosts", hosts: [.init(name: "mainpc", address: "10.0.0.1", controlPort: 7700)])
        let loaded = ManifestLoader.load(text: yaml, file: "agents.yaml", environment: [:], hosts: hosts)
        let manifest = try #require(loaded.manifest)
        return try ManifestExport.render(manifest, hosts: hosts, format: format, host: nil, baseDirectory: "/srv").files
    }

    @Test("compose: condition started is service_started; not required is said, since Compose waits")
    func compose() throws {
        let text = try #require(try Self.render(.compose)["compose.yaml"])
        #expect(text.contains("      loader:\n        condition: service_started"))
        #expect(text.contains("      base:\n        # not required in agents.yaml"))
        #expect(text.contains("Compose waits for it\n        condition: service_healthy"))
    }

    @Test("systemd: a dependency that is not required is Wants=, not Requires=; both are After=")
    func systemd() throws {
        let top = try #require(try Self.render(.systemd)["top.service"])
        #expect(top.contains("Requires=loader.service\nWants=base.service\nAfter=base.service loader.service"), "\(top)")
    }

    @Test("kubernetes: not required waits at most its start period; condition started is not awaited")
    func kubernetes() throws {
        let top = try #require(try Self.render(.kubernetes)["top.yaml"])
        #expect(top.contains("timeout 45 sh -c 'until nc -z -w 2 base 7200; do echo waiting for base; sleep 2; done' || echo base not ready within 45s, starting without it"), "\(top)")
        #expect(top.contains("# Loader: condition started, and pods start in any order: not awaited"))
        #expect(!top.contains("until nc -z -w 2 loader"))
    }
}

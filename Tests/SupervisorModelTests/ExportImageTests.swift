import Foundation
import Testing
@testable import SupervisorModel

/// The Swarm stack and the image the container formats run agents in (`--image`, programs from
/// `${SUPERVISOR_BIN_DIR}` moved into the image). They run on a real engine in Tests/engine.
@Suite("export image and swarm")
struct ExportImageTests {
    static let yaml = """
        version: 1
        defaults:
          host: mainpc
          health: {kind: zmq, interval: 5s, timeout: 2s}
          limits: {memory: 512M, cpu: 50%, pids: 32}
        agents:
          Registry:
            command: [/opt/sup/bin/agent-sim, --ready-after, 2s]
            port: 7200
            health: {port: 8200}
          Twin:
            command: [python3, /opt/sup/bin/twin.py]
            port: 7220
            health: {port: 8220}
            depends_on: [Registry]
            restart: {policy: always, backoff: {initial: 3s}}
          Deep:
            command: [/opt/sup/bin/tools/deep]
            health: {kind: none}
            restart: {policy: never}
        """
    static let hosts = HostTable(file: "hosts", hosts: [.init(name: "mainpc", address: "127.0.0.1", controlPort: 7700)])

    static func render(_ format: ExportFormat, image: ContainerImage? = nil) throws -> ExportResult {
        let loaded = ManifestLoader.load(text: yaml, file: "agents.yaml", environment: [:], hosts: hosts)
        #expect(loaded.issues.errors.isEmpty, "\(loaded.issues.errors)")
        let manifest = try #require(loaded.manifest)
        let chosen = try image ?? ContainerImage(hostBinaryDirectory: "/opt/sup/bin/")
        return try ManifestExport.render(manifest, hosts: hosts, format: format, image: chosen)
    }

    @Test("a program in the supervisor's folder runs from the image's; other commands are kept")
    func commands() throws {
        let image = try ContainerImage(hostBinaryDirectory: "/opt/sup/bin")
        #expect(image.command(["/opt/sup/bin/agent-sim", "-x"]) == ["/usr/local/bin/agent-sim", "-x"])
        #expect(image.command(["python3", "/opt/sup/bin/twin.py"]) == ["python3", "/opt/sup/bin/twin.py"])
        #expect(image.command(["/opt/sup/bin/tools/deep"]) == ["/opt/sup/bin/tools/deep"])
        #expect(image.command(["/opt/sup/binary"]) == ["/opt/sup/binary"])
        #expect(try ContainerImage().command(["/opt/sup/bin/agent-sim"]) == ["/opt/sup/bin/agent-sim"])
    }

    @Test("--image must be an image reference", arguments: ["", "my image", "-x", "a\"b", "${X}", "ümlaut"])
    func badImage(name: String) {
        #expect(throws: ExportError(.badImage, "--image '\(name)' is not an image reference: use letters, digits and . _ - / : @ (for example myorg/agents:1)")) {
            try ContainerImage(name: name)
        }
    }

    @Test("compose and kubernetes name the image; AGENT_IMAGE still overrides compose")
    func imageNamed() throws {
        let compose = try #require(try Self.render(.compose).files["compose.yaml"])
        #expect(compose.contains("image: \"${AGENT_IMAGE:-supervisor-agents:latest}\""))
        #expect(compose.contains("command: [\"/usr/local/bin/agent-sim\", \"--ready-after\", \"2s\"]"))
        #expect(compose.contains("run /usr/local/bin/agent-sim in the image"))
        let own = try ContainerImage(name: "registry.example:5000/team/agents:1.2", hostBinaryDirectory: "/opt/sup/bin")
        let kubernetes = try #require(try Self.render(.kubernetes, image: own).files["registry.yaml"])
        #expect(kubernetes.contains("image: \"registry.example:5000/team/agents:1.2\""))
        #expect(kubernetes.contains("command: [\"/usr/local/bin/agent-sim\""))
        #expect(kubernetes.contains("imagePullPolicy: IfNotPresent"))
    }

    @Test("swarm: no depends_on, Swarm's restart policy, names resolved to the task, no pids key")
    func swarm() throws {
        let result = try Self.render(.swarm)
        #expect(result.files.keys.sorted() == ["stack.yaml"])
        let text = try #require(result.files["stack.yaml"])
        #expect(text.contains("\nversion: \"3.8\"\n"))
        #expect(!text.contains("depends_on:"))
        #expect(text.contains("# depends on registry: Swarm does not order starts"))
        #expect(!text.contains("    restart:"))
        #expect(text.contains("      endpoint_mode: dnsrr"))
        #expect(text.contains("        condition: on-failure\n        delay: 1s"))
        #expect(text.contains("        condition: any\n        delay: 3s"))
        #expect(text.contains("        condition: none"))
        #expect(!text.contains("pids_limit"))
        #expect(text.contains("# pids limit 32: not written for Swarm"))
        #expect(text.contains("          memory: \"512m\""))
        #expect(text.contains("healthcheck:"))
        let compose = try #require(try Self.render(.compose).files["compose.yaml"])
        #expect(compose.contains("pids_limit: 32") && compose.contains("depends_on:") && !compose.contains("version:"))
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// `ManifestExport.render`: what each format writes for dependencies, health, restarts, limits
/// and the environment. The output is checked by real validators in IntegrationTests/ExportTests.
@Suite("export rendering")
struct ExportRenderingTests {
    static let yaml = """
        version: 1
        registry: {host: mainpc, port: 7290}
        defaults:
          host: mainpc
          health: {kind: zmq, interval: 5s, timeout: 2s, retries: 3, start_period: 20s}
          limits: {memory: 512M, cpu: 50%, pids: 32}
        agents:
          Registry_Service:
            command: [python3, registry.py]
            port: 7200
            health: {port: 8200}
          SystemDigitalTwin:
            command: [python3, twin.py, "--cost=$5 100%"]
            port: 7220
            health: {port: 8220}
            env: {MODE: fast}
            depends_on: [Registry_Service]
            restart: {policy: never}
            stop: {signal: SIGINT, timeout: 15s}
          Plain:
            command: [./plain]
            health: {kind: none}
            depends_on: [SystemDigitalTwin]
          A:
            command: [a]
            port: 7300
            health: {kind: tcp, port: 7300}
            depends_on: [B]
          B:
            command: [b]
            port: 7310
            health: {kind: tcp, port: 7310}
            depends_on: [A]
          Far:
            host: pc2
            command: [far]
            health: {kind: none}
            depends_on: [mainpc/Plain]
        """
    static let hosts = HostTable(file: "hosts", hosts: [
        .init(name: "mainpc", address: "10.0.0.1", controlPort: 7700),
        .init(name: "pc2", address: "10.0.0.2", controlPort: 7710),
    ])

    static func render(_ format: ExportFormat, host: String? = nil) throws -> ExportResult {
        let loaded = ManifestLoader.load(text: yaml, file: "agents.yaml", environment: [:], hosts: hosts)
        #expect(loaded.issues.errors.isEmpty, "\(loaded.issues.errors)")
        let manifest = try #require(loaded.manifest)
        return try ManifestExport.render(manifest, hosts: hosts, format: format, host: host, baseDirectory: "/srv/agents")
    }

    @Test("service names: lowercase, other characters one dash, DNS-1123 length")
    func serviceNames() {
        #expect(ExportPlan.serviceName("SystemDigitalTwin") == "systemdigitaltwin")
        #expect(ExportPlan.serviceName("Registry_Service") == "registry-service")
        #expect(ExportPlan.serviceName("__x..Y__") == "x-y")
        #expect(ExportPlan.serviceName(String(repeating: "a", count: 80)).count == 63)
    }

    @Test("compose: depends_on waits for health, restart, stop, limits, $ escaped, service names in env")
    func compose() throws {
        let text = try #require(try Self.render(.compose).files["compose.yaml"])
        #expect(text.contains("  systemdigitaltwin:\n"))
        #expect(text.contains("    depends_on:\n      registry-service:\n        condition: service_healthy"))
        #expect(text.contains("    depends_on:\n      systemdigitaltwin:\n        condition: service_healthy"))
        #expect(text.contains("REGISTRY_SERVICE_HOST: \"registry-service\""))
        #expect(text.contains("REGISTRY_SERVICE_PORT: \"7200\""))
        #expect(text.contains("BIND_ADDRESS: \"0.0.0.0\""))
        #expect(text.contains("MODE: \"fast\""))
        #expect(!text.contains("10.0.0.1"), "host addresses must not leak into containers")
        #expect(text.contains("restart: \"no\""))
        #expect(text.contains("stop_signal: SIGINT"))
        #expect(text.contains("stop_grace_period: 15s"))
        #expect(text.contains("\"--cost=$$5 100%\""))
        #expect(text.contains("cpus: \"0.5\""))
        #expect(text.contains("memory: \"512m\""))
        #expect(text.contains("pids_limit: 32"))
        #expect(text.contains("start_period: 20s"))
        #expect(text.contains("'tcp://127.0.0.1:8200'"))
        #expect(text.contains("SERVICE_REGISTRY_HOST/_PORT) is served by the supervisor"))
    }

    @Test("a dependency cycle is broken inside the cycle and said so")
    func cycle() throws {
        let result = try Self.render(.compose)
        let text = try #require(result.files["compose.yaml"])
        #expect(text.contains("# depends_on A left out: it closes the dependency cycle"))
        #expect(result.notes.contains { $0.hasPrefix("B: depends_on A left out") })
        // A still gets B's address.
        #expect(text.contains("B_HOST: \"b\""))
    }

    @Test("host filter; an unknown host is an error")
    func hostFilter() throws {
        let result = try Self.render(.kubernetes, host: "pc2")
        #expect(result.files.keys.sorted() == ["far.yaml"])
        // A dependency on the other host cannot be expressed: left out, said so.
        #expect(result.files["far.yaml"]?.contains("# depends_on mainpc/Plain left out: it runs on host mainpc") == true)
        #expect(result.notes.contains { $0.hasPrefix("Far: depends_on mainpc/Plain left out") })
        // Exported together, it is an ordinary dependency.
        let whole = try #require(try Self.render(.compose).files["compose.yaml"])
        #expect(whole.contains("  far:") && !whole.contains("mainpc/Plain left out"))
        #expect(throws: ExportError.self) { try Self.render(.compose, host: "nowhere") }
    }

    @Test("kubernetes: init containers wait for dependencies, probes, resources, Service ports")
    func kubernetes() throws {
        let files = try Self.render(.kubernetes).files
        let twin = try #require(files["systemdigitaltwin.yaml"])
        #expect(twin.contains("until nc -z -w 2 registry-service 7200"))
        #expect(twin.contains("readinessProbe:"))
        #expect(twin.contains("startupProbe:"))
        #expect(twin.contains("failureThreshold: 4"))
        #expect(twin.contains("cpu: \"500m\""))
        #expect(twin.contains("memory: \"512Mi\""))
        #expect(twin.contains("terminationGracePeriodSeconds: 15"))
        #expect(twin.contains("kind: Service"))
        #expect(twin.contains("restart never"))
        let tcp = try #require(files["a.yaml"])
        #expect(tcp.contains("tcpSocket:\n              port: 7300"))
        let plain = try #require(files["plain.yaml"])
        #expect(!plain.contains("kind: Service"), "no ports, no Service")
        #expect(KubernetesExport.quantity(2 << 30) == "2Gi")
        #expect(KubernetesExport.quantity(1500) == "1500")
    }

    @Test("systemd: Requires/After, restart, limits, absolute paths, host addresses, a target per host")
    func systemd() throws {
        let files = try Self.render(.systemd).files
        #expect(Set(files.keys).isSuperset(of: ["agents-mainpc.target", "agents-pc2.target", "plain.service"]))
        let twin = try #require(files["systemdigitaltwin.service"])
        #expect(twin.contains("Requires=registry-service.service\nAfter=registry-service.service"))
        #expect(twin.contains("Restart=no"))
        #expect(twin.contains("KillSignal=SIGINT"))
        #expect(twin.contains("TimeoutStopSec=15s"))
        #expect(twin.contains("MemoryMax=536870912"))
        #expect(twin.contains("CPUQuota=50%"))
        #expect(twin.contains("TasksMax=32"))
        #expect(twin.contains("StartLimitBurst=6"))
        #expect(twin.contains("Environment=\"REGISTRY_SERVICE_HOST=10.0.0.1\""))
        #expect(twin.contains("\"--cost=$$5 100%%\""))
        #expect(twin.contains("systemd has no health checks"))
        #expect(!twin.contains("SERVICE_REGISTRY_HOST="))
        let plain = try #require(files["plain.service"])
        #expect(plain.contains("ExecStart=/srv/agents/plain"))
        #expect(plain.contains("WorkingDirectory=/srv/agents"))
        #expect(try #require(files["agents-pc2.target"]).contains("Wants=far.service"))
    }

    @Test("two agents with the same service name are refused")
    func clash() throws {
        var manifest = Manifest(file: "agents.yaml", agents: [
            AgentSpec(name: "a_b", host: "mainpc", command: ["x"]),
            AgentSpec(name: "a.b", host: "mainpc", command: ["y"]),
        ])
        manifest.agents[0].legacyEnvironment = false
        #expect(throws: ExportError.self) { try ManifestExport.render(manifest, hosts: Self.hosts, format: .compose) }
    }
}

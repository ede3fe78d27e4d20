import Foundation
import Testing
import Yams
@testable import SupervisorModel

/// How legacy keys become manifest keys: command, cwd, env, health, limits, stop, and values.
@Suite("Legacy import: mapping")
struct LegacyImportMappingTests {
    func julyPair() throws -> Manifest {
        try #require(try LegacyFixtures.importing([LegacyFixtures.julyMainpc, LegacyFixtures.julyPC2]).manifest)
    }

    @Test("script_path becomes python3 <script> in LEGACY_ROOT, with PYTHONPATH at that root and its code folder")
    func commandAndDirectory() throws {
        let manifest = try julyPair()
        let registry = try #require(manifest["Registry"])
        #expect(registry.command == ["python3", "main_pc_code/agents/registry.py"])
        #expect(registry.cwd == ".")
        #expect(registry.environment["PYTHONPATH"] == ".:main_pc_code")
        let text = try #require(try LegacyFixtures.importing([LegacyFixtures.julyMainpc]).text)
        let moved = ManifestLoader.load(
            text: text, file: "agents.yaml", environment: ["LEGACY_ROOT": "/srv/legacy", "LEGACY_PYTHON": "/venv/bin/python"])
        #expect(moved.manifest?["Registry"]?.cwd == "/srv/legacy")
        #expect(moved.manifest?["Registry"]?.command.first == "/venv/bin/python")
    }

    @Test("each host keeps its own environment, limits and health settings; shared ones sit in defaults")
    func perHostSettings() throws {
        let manifest = try julyPair()
        let mainpc = try #require(manifest["Registry"])
        let pc2 = try #require(manifest["TaskRouter"])
        for spec in [mainpc, pc2] {
            #expect(spec.environment["LOG_LEVEL"] == "INFO")
            #expect(spec.environment["DEBUG_MODE"] == "false")
            #expect(spec.limits.cpu == 0.8)
            #expect(spec.limits.pids == 64)
            #expect(spec.health.kind == .zmq)
            #expect(spec.health.discover, "legacy agents often answer on port + 1: look where they listen")
            #expect(spec.health.interval == 30 && spec.health.timeout == 10 && spec.health.retries == 3)
            #expect(spec.health.startPeriod == 300)
            #expect(spec.stop.signal == .sigint)
        }
        #expect(mainpc.environment["ENABLE_METRICS"] == "true")
        #expect(pc2.environment["ENABLE_METRICS"] == nil)
        #expect(pc2.environment["BIND_ADDRESS"] == "0.0.0.0")
        #expect(mainpc.environment["BIND_ADDRESS"] == nil)
        #expect(mainpc.limits.memory == 2048 << 20)
        #expect(pc2.limits.memory == 4096 << 20)
    }

    @Test("a config block reaches the agent as JSON in AGENT_CONFIG_JSON, keys in file order, types kept")
    func configJSON() throws {
        let spec = try #require(try julyPair()["StateStore"])
        let json = try #require(spec.environment["AGENT_CONFIG_JSON"])
        #expect(json == #"{"db_path":"data/state.db","redis":{"host":"localhost","port":6379,"db":0},"request_timeout":5000}"#)
        #expect(try julyPair()["Dispatcher"]?.environment["AGENT_CONFIG_JSON"] == nil)
    }

    @Test("${NAME:-default} in a config block is expanded by the manifest")
    func configVariables() throws {
        let text = try #require(try LegacyFixtures.importing([LegacyFixtures.augustMainpc]).text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: ["REGISTRY_BACKEND": "memory"])
        let json = try #require(loaded.manifest?["Registry"]?.environment["AGENT_CONFIG_JSON"])
        let config = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(config["backend"] as? String == "memory")
        #expect((config["redis"] as? [String: Any])?["prefix"] as? String == "registry:")
        #expect(loaded.manifest?["Registry"]?.environment["RTAP_ENABLED"] == "true")
    }

    @Test("params, command_args and env_vars; a missing health port falls back to a tcp check")
    func agentExtras() throws {
        let legacy = """
            agent_groups:
              tools:
                Alpha:
                  script_path: a.py
                  port: 7000
                  params: {verbose: true, quiet: false, level: 3}
                  env_vars: {MODE: fast, LOG_LEVEL: DEBUG}
                Beta:
                  script_path: b.py
                  port: 7001
                  health_check_port: 8001
                  command_args: --backend redis --url redis://r:6379/0
                  dependencies: [Alpha, Gamma]
            global_settings:
              environment: {LOG_LEVEL: INFO, TOKEN: "${API_TOKEN}"}
            """
        let result = LegacyImport.run([.init(file: "legacy.yaml", text: legacy)])
        #expect(result.succeeded, "\(result.findings.map(\.description))")
        let manifest = try #require(result.manifest)
        let alpha = try #require(manifest["Alpha"])
        #expect(alpha.command == ["python3", "a.py", "--verbose", "--level", "3"])
        #expect(alpha.environment["MODE"] == "fast" && alpha.environment["LOG_LEVEL"] == "DEBUG")
        #expect(alpha.health.kind == .tcp && alpha.health.port == nil && alpha.health.discover)
        let beta = try #require(manifest["Beta"])
        #expect(beta.command == ["python3", "b.py", "--backend", "redis", "--url", "redis://r:6379/0"])
        #expect(beta.environment["LOG_LEVEL"] == "INFO")
        #expect(beta.environment["TOKEN"] == "")
        #expect(beta.dependsOn == ["Alpha"])
        #expect(beta.health.kind == .zmq && beta.health.port == 8001)
        #expect(result.findings.map(\.code).sorted { $0.rawValue < $1.rawValue } == [.undefinedVariable, .unknownDependency])
    }

    @Test("files that are not legacy configurations are errors and nothing is written", arguments: [
        ("", ImportFinding.Code.unknownSchema), ("agents: {}\n", .unknownSchema),
        ("agent_groups: {a: {B: {script_path: x.py}\n", .yamlSyntax), ("- 1\n- 2\n", .unknownSchema),
    ])
    func notLegacy(text: String, code: ImportFinding.Code) {
        let result = LegacyImport.run([.init(file: "x.yaml", text: text)])
        #expect(result.text == nil)
        #expect(!result.succeeded)
        #expect(result.findings.map(\.code) == [code])
        #expect(result.findings.first?.severity == .error)
    }

    @Test("max_threads becomes pids with headroom: max(8 x threads, 64)")
    func pids() {
        #expect(LegacyImporter.pids(forMaxThreads: 4) == 64)
        #expect(LegacyImporter.pids(forMaxThreads: 8) == 64)
        #expect(LegacyImporter.pids(forMaxThreads: 16) == 128)
    }

    @Test("bare ${NAME} references get a default; ${NAME:-x}, ${PORT_OFFSET} and $$ survive expansion as written")
    func defaults() {
        #expect(LegacyValue.withDefaults("${A}").text == "${A:-}")
        #expect(LegacyValue.withDefaults("${A}").undefined == ["A"])
        #expect(LegacyValue.withDefaults("${A:-x}").undefined.isEmpty)
        #expect(LegacyValue.withDefaults("${A:-${B}}").text == "${A:-${B:-}}")
        #expect(LegacyValue.withDefaults("${PORT_OFFSET}+7200").text == "${PORT_OFFSET}+7200")
        #expect(LegacyValue.withDefaults("${PYTHONPATH}:${PWD}/..").undefined == ["PYTHONPATH", "PWD"])
        let expander = VariableExpander(environment: [:])
        #expect(expander.expand(LegacyValue.withDefaults("cost $$5 or $x").text) == .success("cost $$5 or $x"))
    }

    @Test("scalars are written so that YAML reads back the same string, in block and flow context", arguments: [
        "plain", "${PORT_OFFSET}+7200", "${LEGACY_ROOT:-.}", "true", "false", "0.85", "null", "~", "123", "",
        "a: b", "a #b", "#x", "- x", "{\"a\":1}", "it's", "say \"hi\"", "line\nbreak", "tab\there", "[x]",
        "redis://localhost:6379/0", "service_registry:", " lead", "trail ", "*alias", "&anchor", "!tag", "%x", "@x",
    ])
    func scalarRoundTrip(value: String) throws {
        for context in [YAMLScalar.Context.block, .flow] {
            let rendered = YAMLScalar.render(value, in: context)
            let yaml = context == .block ? "key: \(rendered)\n" : "key: [\(rendered), z]\n"
            let node = try #require(try Yams.compose(yaml: yaml), "\(yaml)")
            let read: Node? = context == .block ? node["key"] : node["key"]?.sequence?.first
            #expect(read?.scalar?.string == value, "\(yaml)")
            #expect(read.map { Resolver.default.resolveTag(of: $0) } == .str, "\(yaml)")
        }
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// Decoding agents, merging `defaults`, and variables in values.
@Suite("ManifestLoader")
struct ManifestLoaderTests {
    static let fullAgent = """
        version: 1
        agents:
          Base:
            host: mainpc
            command: [/bin/base]
            limits: {cpu: "80%"}
          Full:
            host: mainpc
            group: core
            command: [/opt/full/bin/full, --flag, "two words"]
            cwd: /srv/full
            env:
              A: "1"
              B: two
            port: 7200
            health:
              kind: zmq
              port: 7201
              address: 10.0.0.5
              command: [/bin/check, --ping]
              interval: 3s
              timeout: 500ms
              retries: 4
              start_period: 1m30s
            depends_on: [Base]
            required: true
            restart:
              policy: always
              backoff: {initial: 500ms, factor: 3, max: 20s}
              max_restarts: 7
              window: 2m
              reset_after: 45s
            stop: {signal: SIGINT, timeout: 15s}
            limits: {memory: 512M, memory_high: 256M, cpu: 0.8, pids: 64}
            logs: {max_size: 20M, max_files: 3}
            expected_ready: 2500ms
        """

    @Test("an agent with every key decodes into every field")
    func fullAgentDecodes() throws {
        let result = ManifestTestSupport.load(Self.fullAgent)
        #expect(result.issues.isEmpty)
        let manifest = try #require(result.manifest)
        #expect(manifest.agents.map(\.name) == ["Base", "Full"])
        let full = try #require(manifest["Full"])
        #expect(full.host == "mainpc")
        #expect(full.group == "core")
        #expect(full.command == ["/opt/full/bin/full", "--flag", "two words"])
        #expect(full.cwd == "/srv/full")
        #expect(full.environment == ["A": "1", "B": "two"])
        #expect(full.port == 7200)
        #expect(full.health.kind == .zmq)
        #expect(full.health.port == 7201)
        #expect(full.health.address == "10.0.0.5")
        #expect(full.health.command == ["/bin/check", "--ping"])
        #expect(full.health.interval == 3)
        #expect(full.health.timeout == 0.5)
        #expect(full.health.retries == 4)
        #expect(full.health.startPeriod == 90)
        #expect(full.health.effectiveStartPeriod == 90)
        #expect(full.dependsOn == ["Base"])
        #expect(full.required)
        #expect(full.restart.policy == .always)
        #expect(full.restart.backoff.initial == 0.5)
        #expect(full.restart.backoff.factor == 3)
        #expect(full.restart.backoff.max == 20)
        #expect(full.restart.maxRestarts == 7)
        #expect(full.restart.window == 120)
        #expect(full.restart.resetAfter == 45)
        #expect(full.stop.signal == .sigint)
        #expect(full.stop.timeout == 15)
        #expect(full.limits.memory == 512 << 20)
        #expect(full.limits.memoryHigh == 256 << 20)
        #expect(full.limits.cpu == 0.8)
        #expect(full.limits.pids == 64)
        #expect(full.logs.maxSize == 20 << 20)
        #expect(full.logs.maxFiles == 3)
        #expect(full.expectedReady == 2.5)
        #expect(manifest.positions["Full"]?["health.interval"] == ManifestTestSupport.line(of: "interval: 3s", in: Self.fullAgent))
    }

    @Test("cpu may be written as a percent")
    func cpuAsPercent() throws {
        let manifest = try ManifestTestSupport.loadValid(Self.fullAgent)
        #expect(manifest["Base"]?.limits.cpu == 0.8)
    }

    @Test("keys left out take the documented defaults")
    func builtInDefaults() throws {
        let manifest = try ManifestTestSupport.loadValid("""
            agents:
              Minimal: {host: h, command: [/bin/minimal]}
            """)
        let agent = try #require(manifest["Minimal"])
        var expected = AgentSpec(name: "Minimal", host: "h", command: ["/bin/minimal"])
        expected.line = agent.line
        #expect(agent == expected)
        #expect(agent.health.kind == .none)
        #expect(agent.health.effectiveStartPeriod == 1)
        #expect(agent.restart.policy == .onFailure)
        #expect(agent.restart.maxRestarts == 5)
        #expect(agent.restart.window == 60)
        #expect(agent.stop.signal == .sigterm)
        #expect(agent.stop.timeout == 10)
        #expect(agent.logs.maxSize == 10 << 20)
        #expect(agent.limits.isEmpty)
        #expect(!agent.required)
    }

    static let withDefaults = """
        version: 1
        defaults:
          host: pc2
          command: [/bin/default, --quiet]
          env: {LOG_LEVEL: INFO, MODE: fast}
          health: {kind: tcp, interval: 10s, retries: 5}
          restart: {policy: always, backoff: {initial: 2s}}
          stop: {signal: SIGINT}
          required: true
        agents:
          Plain:
            port: 7000
          Custom:
            command: [/bin/custom]
            port: 7001
            env: {MODE: slow, EXTRA: "1"}
            health: {interval: 2s, port: 7101}
            restart: {backoff: {max: 9s}}
            stop: {timeout: 3s}
            required: false
        """

    @Test("an agent without its own keys gets the defaults")
    func defaultsApply() throws {
        let plain = try #require(try ManifestTestSupport.loadValid(Self.withDefaults)["Plain"])
        #expect(plain.host == "pc2")
        #expect(plain.command == ["/bin/default", "--quiet"])
        #expect(plain.environment == ["LOG_LEVEL": "INFO", "MODE": "fast"])
        #expect(plain.health.kind == .tcp)
        #expect(plain.health.interval == 10)
        #expect(plain.health.retries == 5)
        #expect(plain.restart.policy == .always)
        #expect(plain.restart.backoff.initial == 2)
        #expect(plain.stop.signal == .sigint)
        #expect(plain.required)
    }

    @Test("maps merge key by key, lists and scalars are replaced")
    func defaultsMerge() throws {
        let custom = try #require(try ManifestTestSupport.loadValid(Self.withDefaults)["Custom"])
        #expect(custom.command == ["/bin/custom"])
        #expect(custom.environment == ["LOG_LEVEL": "INFO", "MODE": "slow", "EXTRA": "1"])
        #expect(custom.health.kind == .tcp)
        #expect(custom.health.interval == 2)
        #expect(custom.health.retries == 5)
        #expect(custom.health.port == 7101)
        #expect(custom.restart.policy == .always)
        #expect(custom.restart.backoff.initial == 2)
        #expect(custom.restart.backoff.factor == 2)
        #expect(custom.restart.backoff.max == 9)
        #expect(custom.stop.signal == .sigint)
        #expect(custom.stop.timeout == 3)
        #expect(!custom.required)
    }

    @Test("`${PORT_OFFSET}+7200` adds the offset to the port", arguments: [
        (["PORT_OFFSET": "100"], 7300, 8300),
        ([:], 7200, 8200),
    ])
    func portOffset(environment: [String: String], port: Int, healthPort: Int) throws {
        let manifest = try ManifestTestSupport.loadValid("""
            version: 1
            agents:
              Offset:
                host: mainpc
                command: [/bin/x]
                port: ${PORT_OFFSET}+7200
                health: {kind: zmq, port: "${PORT_OFFSET}+8200"}
            """, environment: environment)
        #expect(manifest["Offset"]?.port == port)
        #expect(manifest["Offset"]?.health.port == healthPort)
    }

    @Test("variables are expanded in commands, env and defaults")
    func variablesExpand() throws {
        let manifest = try ManifestTestSupport.loadValid("""
            defaults:
              host: h
              command: ["${BIN}/agent-sim", --ready-after, "${SIM_READY:-2s}"]
            agents:
              A:
                env: {HOME_DIR: "${HOME_DIR:-/tmp}", PRICE: "$$5"}
            """, environment: ["BIN": "/usr/bin"])
        let agent = try #require(manifest["A"])
        #expect(agent.command == ["/usr/bin/agent-sim", "--ready-after", "2s"])
        #expect(agent.environment == ["HOME_DIR": "/tmp", "PRICE": "$5"])
    }

    @Test("agents keep the order of the file, and hosts are listed in first-seen order")
    func fileOrder() throws {
        let manifest = try ManifestTestSupport.loadValid("""
            defaults: {command: [/bin/x]}
            agents:
              Zeta: {host: pc2}
              Alpha: {host: mainpc}
              Mid: {host: pc2}
            """)
        #expect(manifest.agents.map(\.name) == ["Zeta", "Alpha", "Mid"])
        #expect(manifest.hostNames == ["pc2", "mainpc"])
        #expect(manifest.agents(on: "pc2").map(\.name) == ["Zeta", "Mid"])
    }

    @Test("signals are accepted by name, short name or number")
    func signalSpellings() {
        #expect(StopSignal(manifestValue: "SIGINT") == .sigint)
        #expect(StopSignal(manifestValue: "term") == .sigterm)
        #expect(StopSignal(manifestValue: "9") == .sigkill)
        #expect(StopSignal(manifestValue: "SIGFOO") == nil)
        #expect(StopSignal(manifestValue: "99") == nil)
    }

    @Test("an empty file or one without agents is reported, not thrown")
    func emptyAndMissingAgents() throws {
        let empty = ManifestTestSupport.load("")
        #expect(empty.manifest == nil)
        #expect(empty.issues.map(\.code) == [.missingKey])
        let noAgents = ManifestTestSupport.load("version: 1\n")
        #expect(noAgents.manifest == nil)
        let issue = try noAgents.issues.single(.missingKey)
        #expect(issue.message.contains("agents"))
    }

    @Test("a missing file is one fileUnreadable issue")
    func missingFile() {
        let result = ManifestLoader.load(path: "/nonexistent/agents.yaml", environment: [:])
        #expect(result.manifest == nil)
        #expect(result.issues.map(\.code) == [.fileUnreadable])
        #expect(result.issues.first?.file == "/nonexistent/agents.yaml")
    }

    @Test("probes go to the agent's host address (where legacy agents bind), unless set, named, or legacy_env is off")
    func probeAddressFollowsTheHost() throws {
        let hosts = HostTable(file: "hosts", hosts: [
            .init(name: "mainpc", address: "10.0.0.1", controlPort: 7700),
            .init(name: "pc2", address: "pc2.lan", controlPort: 7710),
        ])
        let yaml = """
            defaults: {command: [/bin/a], health: {kind: zmq, port: 9000}}
            agents:
              Legacy: {host: mainpc}
              Own: {host: mainpc, legacy_env: false, health: {port: 9001}}
              Set: {host: mainpc, health: {port: 9002, address: 127.0.0.1}}
              Named: {host: pc2}
            """
        let manifest = try #require(ManifestLoader.load(text: yaml, file: "agents.yaml", environment: [:], hosts: hosts).manifest)
        #expect(manifest["Legacy"]?.health.probeAddress == "10.0.0.1")
        #expect(manifest["Own"]?.health.probeAddress == "127.0.0.1")
        #expect(manifest["Set"]?.health.probeAddress == "127.0.0.1")
        #expect(manifest["Named"]?.health.probeAddress == "127.0.0.1")
        #expect(ManifestLoader.isNumericAddress("::1") && !ManifestLoader.isNumericAddress("256.1.1.1"))
    }
}

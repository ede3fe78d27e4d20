import Foundation
import Testing
@testable import SupervisorModel

/// Checks across agents: names, hosts, dependencies, ports and cycles, all reported at once.
@Suite("ManifestValidator")
struct ManifestValidatorTests {
    typealias Support = ManifestTestSupport

    @Test("every problem of a file is reported at once")
    func allProblemsAtOnce() throws {
        let yaml = """
            version: 1
            defaults:
              host: h
              command: [/bin/agent]
            agents:
              A:
                helth: {kind: tcp}
              B:
                health: {interval: 5x}
              C:
                limits: {memory: lots}
              D:
                depends_on: [Nope]
              E:
                cwd: ${UNDEFINED_THING}
            """
        let result = Support.load(yaml)
        #expect(result.manifest?.agents.count == 5)
        #expect(result.issues.count == 5, "\(result.issues)")
        #expect(Set(result.issues.map(\.code)) == [
            .unknownKey, .badDuration, .badSize, .unknownDependency, .undefinedVariable,
        ])
        #expect(result.issues.map(\.agent) == ["A", "B", "C", "E", "D"].map(Optional.some))
        for issue in result.issues {
            #expect(issue.severity == .error)
            #expect(issue.line != nil)
        }
    }

    @Test("agent names must be path-safe", arguments: ["a/b", "..x", ".hidden", "x..y"])
    func badName(name: String) throws {
        let yaml = """
            defaults: {host: h, command: [/bin/a]}
            agents:
              "\(name)": {group: g}
              fine-name_1.2: {group: g}
            """
        let issue = try Support.load(yaml).issues.single(.badName)
        #expect(issue.agent == name)
        #expect(issue.key == nil)
        #expect(issue.line == 3)
    }

    @Test("a bad name in block style points at the name's line")
    func badNameLineInBlockStyle() throws {
        let yaml = """
            defaults: {host: h, command: [/bin/a]}
            agents:
              a/b:
                group: g
            """
        let issue = try Support.load(yaml).issues.single(.badName)
        #expect(issue.agent == "a/b")
        // The agent's line is the line of its name.
        #expect(issue.line == 3)
    }

    @Test("a dependency on an unknown agent is reported with a did-you-mean")
    func unknownDependency() throws {
        let yaml = """
            defaults: {host: h, command: [/bin/a]}
            agents:
              Base: {}
              User:
                depends_on:
                  - Bse
            """
        let issue = try Support.load(yaml).issues.single(.unknownDependency)
        #expect(issue.agent == "User")
        #expect(issue.key == "depends_on.Bse")
        #expect(issue.line == 6)
        #expect(issue.message.contains("did you mean 'Base'?"))
    }

    @Test("a dependency on another host's agent is allowed, as a plain name or host/name")
    func crossHostDependency() throws {
        let yaml = """
            defaults: {command: [/bin/a]}
            agents:
              Remote: {host: pc2}
              Other: {host: pc2}
              Local:
                host: mainpc
                depends_on: [Remote, pc2/Other]
            """
        let result = Support.load(yaml)
        #expect(result.issues.isEmpty, "\(result.issues.map(\.description))")
        let manifest = try #require(result.manifest)
        let local = try #require(manifest["Local"])
        #expect(local.dependsOn == ["Remote", "Other"])
        #expect(manifest.remoteDependencies(of: local).map(\.description) == ["pc2/Remote", "pc2/Other"])
        #expect(manifest.remoteAgentsNeeded(by: "mainpc")["pc2"]?.map(\.name) == ["Other", "Remote"])
    }

    @Test("host/name naming the wrong host is reported with the right form")
    func dependencyHostMismatch() throws {
        let yaml = """
            defaults: {command: [/bin/a]}
            agents:
              Remote: {host: pc2}
              Local:
                host: mainpc
                depends_on: [mainpc/Remote]
            """
        let issue = try Support.load(yaml).issues.single(.dependencyHostMismatch)
        #expect(issue.agent == "Local")
        #expect(issue.key == "depends_on.Remote")
        #expect(issue.line == 6)
        #expect(issue.message.contains("write 'pc2/Remote'"))
    }

    @Test("a cycle through agents of two hosts is an error naming hosts and agents")
    func crossHostCycle() throws {
        let yaml = """
            defaults: {command: [/bin/a]}
            agents:
              A: {host: mainpc, depends_on: [pc2/B]}
              B: {host: pc2, depends_on: [mainpc/A]}
            """
        let issue = try Support.load(yaml).issues.single(.crossHostCycle)
        #expect(issue.severity == .error)
        #expect(issue.message.contains("mainpc/A -> pc2/B -> mainpc/A") || issue.message.contains("pc2/B -> mainpc/A -> pc2/B"))
    }

    @Test("a host missing from the hosts table is reported with a did-you-mean")
    func unknownHost() throws {
        let (hosts, hostIssues) = HostTable.parse(text: "mainpc 127.0.0.1 7700\npc2 127.0.0.1 7710\n", file: "hosts")
        #expect(hostIssues.isEmpty)
        let yaml = """
            defaults: {command: [/bin/a]}
            agents:
              Good: {host: pc2}
              Typo:
                host: mainpcc
            """
        let issue = try Support.load(yaml, hosts: hosts).issues.single(.unknownHost)
        #expect(issue.agent == "Typo")
        #expect(issue.key == "host")
        #expect(issue.line == 5)
        #expect(issue.message.contains("not in hosts"))
        #expect(issue.message.contains("did you mean 'mainpc'?"))
        #expect(Support.load(yaml).issues.isEmpty, "without a hosts table any host is accepted")
    }

    @Test("two agents of one host may not share a port; other hosts may reuse it")
    func portConflict() throws {
        let yaml = """
            defaults: {command: [/bin/a]}
            agents:
              First: {host: mainpc, port: 7000}
              Elsewhere: {host: pc2, port: 7000}
              Second:
                host: mainpc
                port: 7000
            """
        let issue = try Support.load(yaml).issues.single(.portConflict)
        #expect(issue.agent == "Second")
        #expect(issue.key == "port")
        #expect(issue.line == 7)
        #expect(issue.message.contains("'First'"))
    }

    @Test("a health port may clash with another agent's main port")
    func healthPortConflict() throws {
        let yaml = """
            defaults: {host: h, command: [/bin/a]}
            agents:
              Server: {port: 7000}
              Prober:
                health: {kind: zmq, port: 7000}
            """
        let issue = try Support.load(yaml).issues.single(.portConflict)
        #expect(issue.agent == "Prober")
        #expect(issue.key == "health.port")
        #expect(issue.line == 5)
    }

    @Test("a tcp check on the agent's own port is no clash; a zmq one is")
    func ownPort() throws {
        let tcp = Support.load("""
            agents:
              A: {host: h, command: [/bin/a], port: 7000, health: {kind: tcp, port: 7000}}
            """)
        #expect(tcp.issues.isEmpty)
        let zmq = Support.load("""
            agents:
              A: {host: h, command: [/bin/a], port: 7000, health: {kind: zmq, port: 7000}}
            """)
        let issue = try zmq.issues.single(.portConflict)
        #expect(issue.message.contains("its own port"))
    }

    static let cycle = """
        defaults: {host: h, command: [/bin/a]}
        agents:
          Outside: {}
          A:
            depends_on: [B, Outside]
          B:
            depends_on: [C]
          C:
            depends_on: [A]
        """

    @Test("a dependency cycle is a warning with its path, and does not block")
    func cycleWarning() throws {
        let result = Support.load(Self.cycle)
        let issue = try result.issues.single(.dependencyCycle)
        #expect(result.issues.count == 1)
        #expect(issue.severity == .warning)
        #expect(issue.agent == "A")
        #expect(issue.key == "depends_on")
        #expect(issue.line == 5)
        #expect(issue.message.contains("A -> B -> C -> A"))
        #expect(!result.issues.hasErrors)
        #expect(result.issues.warnings.count == 1)
        #expect(result.issues.errors.isEmpty)
        #expect(result.manifest != nil)
    }

    @Test("with strict, a dependency cycle is an error")
    func cycleStrict() throws {
        let result = Support.load(Self.cycle, strict: true)
        let issue = try result.issues.single(.dependencyCycle)
        #expect(issue.severity == .error)
        #expect(issue.message.contains("A -> B -> C -> A"))
        #expect(result.issues.hasErrors)
        #expect(issue.description.hasPrefix("agents.yaml:5: error: agent 'A', key 'depends_on':"))
    }

    @Test("an agent depending on itself is a cycle")
    func selfDependency() throws {
        let result = Support.load("""
            agents:
              Loop: {host: h, command: [/bin/a], depends_on: [Loop]}
            """)
        let issue = try result.issues.single(.dependencyCycle)
        #expect(issue.message.contains("Loop -> Loop"))
        #expect(issue.severity == .warning)
    }

    @Test("cross-agent value checks: memory_high above memory, backoff max below initial")
    func limitConsistency() throws {
        let issues = Support.load("""
            agents:
              A:
                host: h
                command: [/bin/a]
                limits: {memory: 256M, memory_high: 512M}
                restart: {backoff: {initial: 10s, max: 5s}}
            """).issues
        #expect(issues.count == 2)
        #expect(issues.map(\.key) == ["limits.memory_high", "restart.backoff.max"])
        #expect(issues.allSatisfy { $0.code == .badValue && $0.agent == "A" && $0.severity == .error })
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// The repository's own `agents.yaml` and `hosts`: the user's 84-agent system.
@Suite("Default manifest")
struct DefaultManifestTests {
    /// The package root: this file is `Tests/SupervisorModelTests/DefaultManifestTests.swift`.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let environment = ["SUPERVISOR_BIN_DIR": "/usr/bin"]

    func loadDefault(hosts: HostTable? = nil) throws -> ManifestLoader.Result {
        let path = Self.root.appendingPathComponent("agents.yaml").path
        try #require(FileManager.default.fileExists(atPath: path), "the default manifest \(path) is missing")
        return ManifestLoader.load(path: path, environment: Self.environment, hosts: hosts)
    }

    @Test("agents.yaml loads with no errors and exactly one warning, the TTSService cycle")
    func loadsCleanly() throws {
        let result = try loadDefault()
        #expect(result.issues.errors.isEmpty, "\(result.issues.errors.map(\.description))")
        #expect(result.issues.count == 1, "\(result.issues.map(\.description))")
        let warning = try #require(result.issues.warnings.first)
        #expect(warning.code == .dependencyCycle)
        #expect(warning.message.contains("TTSService"))
        #expect(!result.issues.hasErrors)
    }

    @Test("agents.yaml has 58 agents on mainpc and 26 on pc2, each host in 8 levels")
    func hostsAndLevels() throws {
        let manifest = try #require(try loadDefault().manifest)
        #expect(manifest.agents.count == 84)
        #expect(manifest.hostNames.sorted() == ["mainpc", "pc2"])
        #expect(manifest.agents(on: "mainpc").count == 58)
        #expect(manifest.agents(on: "pc2").count == 26)
        #expect(DependencyGraph(manifest: manifest, host: "mainpc").levelCount == 8)
        #expect(DependencyGraph(manifest: manifest, host: "pc2").levelCount == 8)
    }

    @Test("agents.yaml agrees with the hosts file beside it")
    func agreesWithHosts() throws {
        let path = Self.root.appendingPathComponent("hosts").path
        let (hosts, hostIssues) = HostTable.load(path: path)
        #expect(hostIssues.isEmpty, "\(hostIssues.map(\.description))")
        #expect(hosts.hosts.map(\.name) == ["mainpc", "pc2"])
        let result = try loadDefault(hosts: hosts)
        #expect(result.issues.errors.isEmpty, "\(result.issues.errors.map(\.description))")
    }

    @Test("the default manifest can be supervised: a host's start-up ends with every agent ready")
    func supervisesToReady() throws {
        let manifest = try #require(try loadDefault().manifest)
        for host in manifest.hostNames {
            var driver = SupervisorDriver(HostSupervisor(manifest: manifest, host: host), answerProbesHealthy: true)
            driver.send(.startAll)
            driver.advance(to: 600)
            let summary = try #require(driver.summaries.first)
            #expect(driver.summaries.count == 1)
            #expect(summary.ready == manifest.agents(on: host).count)
            #expect(summary.failed.isEmpty && summary.blocked.isEmpty)
        }
    }
}

import Foundation
import Testing
@testable import SupervisorModel

/// The four legacy fixtures (Tests/Fixtures/legacy) imported alone and in pairs: what is kept,
/// and how the cycle, the duplicate, the error bus and `${PORT_OFFSET}+N` ports come out.
@Suite("Legacy import: the four legacy fixtures")
struct LegacyImportTests {
    @Test("each fixture imports alone into a manifest of its host that loads without errors", arguments: LegacyFixtures.all)
    func eachFileAlone(file: String) throws {
        let (host, agents) = try #require(LegacyFixtures.expected[file])
        let result = try LegacyFixtures.importing([file])
        #expect(result.succeeded)
        #expect(result.findings.filter { $0.severity == .error }.isEmpty, "\(result.findings.map(\.description))")
        let text = try #require(result.text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: LegacyFolder.hosts(host))
        #expect(loaded.issues.errors.isEmpty, "\(loaded.issues.errors.map(\.description))")
        let manifest = try #require(loaded.manifest)
        #expect(manifest.hostNames == [host])
        #expect(manifest.agents.count == agents)
    }

    @Test("the July pair is one manifest of 18 + 10 agents in 6 and 6 levels, with one warning: the cycle")
    func julyPair() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.julyMainpc, LegacyFixtures.julyPC2])
        #expect(result.succeeded)
        let text = try #require(result.text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: LegacyFolder.hosts("mainpc", "pc2"))
        #expect(loaded.issues.errors.isEmpty, "\(loaded.issues.errors.map(\.description))")
        #expect(loaded.issues.count == 1 && loaded.issues.first?.code == .dependencyCycle, "\(loaded.issues.map(\.description))")
        let manifest = try #require(loaded.manifest)
        #expect(manifest.agents(on: "mainpc").count == 18)
        #expect(manifest.agents(on: "pc2").count == 10)
        // The cycle's members start together, as one step.
        #expect(DependencyGraph(manifest: manifest, host: "mainpc").levelCount == 6)
        #expect(DependencyGraph(manifest: manifest, host: "pc2").levelCount == 6)
        #expect(result.agentCounts.map(\.host) == ["mainpc", "pc2"])
        #expect(result.agentCounts.map(\.count) == [18, 10])
    }

    @Test("the July pair keeps the agents, groups, ports and dependencies of the legacy files, in their order")
    func julyPairKeepsTheLegacyShape() throws {
        let manifest = try #require(try LegacyFixtures.importing([LegacyFixtures.julyMainpc, LegacyFixtures.julyPC2]).manifest)
        #expect(manifest.agents.first?.name == "Registry")
        #expect(manifest.agents[18].name == "MemoryOrchestratorService")
        let replier = try #require(manifest["Replier"])
        #expect(replier.group == "language_processing")
        #expect(replier.port == 5637 && replier.health.port == 6637)
        #expect(replier.dependsOn == ["Feelings", "FaceFinder", "Parser", "VoiceStream", "StateStore", "Synthesizer"])
        // ModelKeeper is defined after the agents that depend on it.
        #expect(manifest["Trainer"]?.dependsOn == ["StateStore", "ModelKeeper"])
        #expect(manifest.agents.filter { !$0.required }.map(\.name) == ["Summarizer", "Planner", "Critic"])
        let analyzer = try #require(manifest["ImageAnalyzer"])
        #expect(analyzer.host == "pc2" && analyzer.group == "pc2_services" && analyzer.port == 7150)
    }

    @Test("the August pair imports into one manifest without errors")
    func augustPair() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.augustMainpc, LegacyFixtures.augustPC2])
        #expect(result.succeeded, "\(result.findings.map(\.description))")
        let text = try #require(result.text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: LegacyFolder.hosts("mainpc", "pc2"))
        #expect(loaded.issues.isEmpty, "\(loaded.issues.map(\.description))")
        let manifest = try #require(loaded.manifest)
        #expect(manifest.agents(on: "mainpc").count == 9)
        #expect(manifest.agents(on: "pc2").count == 7)
    }

    @Test("the cycle is reported as a path at Synthesizer's line, with the agents it blocked, and noted at each member")
    func cycle() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.julyMainpc])
        let cycles = result.findings.filter { $0.code == .dependencyCycle }
        try #require(cycles.count == 1, "\(result.findings.map(\.description))")
        let finding = cycles[0]
        #expect(finding.severity == .warning)
        #expect(finding.file == LegacyFixtures.julyMainpc)
        #expect(finding.line == (try LegacyFixtures.line(of: "Synthesizer:", in: LegacyFixtures.julyMainpc)))
        #expect(finding.message.contains("Synthesizer -> BargeIn -> VoiceStream -> Synthesizer"))
        #expect(finding.message.contains("the 2 that depend on them (Replier, Consoler)"))
        #expect(finding.description.hasPrefix("\(LegacyFixtures.julyMainpc):\(finding.line!): warning: agent 'Synthesizer': dependency cycle"))
        let text = try #require(result.text)
        for member in ["Synthesizer", "BargeIn", "VoiceStream"] {
            let block = try agentBlock(member, in: text)
            #expect(block.contains("# warning: in the dependency cycle Synthesizer -> BargeIn"), "\(block)")
        }
    }

    @Test("the duplicated MemoryOrchestratorService is reported with its differing health port; the first is kept")
    func duplicate() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.julyPC2])
        let duplicates = result.findings.filter { $0.code == .duplicateAgent }
        try #require(duplicates.count == 1, "\(result.findings.map(\.description))")
        let finding = duplicates[0]
        #expect(finding.agent == "MemoryOrchestratorService")
        #expect(finding.line == (try LegacyFixtures.line(of: "- name: MemoryOrchestratorService", in: LegacyFixtures.julyPC2)))
        #expect(finding.message.contains("health_check_port 7141 (first: 8140)"))
        #expect(finding.message.contains("core_services") && finding.message.contains("pc2_services"))
        let manifest = try #require(result.manifest)
        #expect(manifest.agents.filter { $0.name == "MemoryOrchestratorService" }.count == 1)
        #expect(manifest["MemoryOrchestratorService"]?.health.port == 8140)
        #expect(try agentBlock("MemoryOrchestratorService", in: result.text!).contains("# warning: declared twice"))
    }

    @Test("pc2's error_bus_port 7150 is reported as ImageAnalyzer's port and left as a comment")
    func errorBusCollision() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.julyPC2])
        let clashes = result.findings.filter { $0.code == .errorBusPort }
        try #require(clashes.count == 1, "\(result.findings.map(\.description))")
        #expect(clashes[0].line == (try LegacyFixtures.line(of: "error_bus_port: 7150", in: LegacyFixtures.julyPC2)))
        #expect(clashes[0].message.contains("7150") && clashes[0].message.contains("ImageAnalyzer"))
        let text = try #require(result.text)
        #expect(text.contains("# error_bus:\n#   host: pc2\n#   port: 7150\n"))
        #expect(result.manifest?.errorBus == nil)
        #expect(try agentBlock("ImageAnalyzer", in: text).contains("legacy error_bus_port"))
    }

    @Test("August's ErrorBus serves its error_bus_port: no warning, no second collector")
    func augustErrorBus() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.augustPC2])
        #expect(!result.findings.contains { $0.code == .errorBusPort })
        #expect(result.manifest?.errorBus == nil)
        #expect(try agentBlock("ErrorBus", in: result.text!).contains("serves the legacy error_bus_port"))
    }

    @Test("August ports stay ${PORT_OFFSET}+7200 in the text and evaluate to 7300 with PORT_OFFSET=100")
    func portOffset() throws {
        let text = try #require(try LegacyFixtures.importing([LegacyFixtures.augustMainpc]).text)
        let block = try agentBlock("Registry", in: text)
        #expect(block.contains("    port: ${PORT_OFFSET}+7200\n"))
        #expect(block.contains("      port: ${PORT_OFFSET}+8200\n"))
        let offset = ManifestLoader.load(text: text, file: "agents.yaml", environment: ["PORT_OFFSET": "100"])
        #expect(offset.issues.errors.isEmpty, "\(offset.issues.errors.map(\.description))")
        #expect(offset.manifest?["Registry"]?.port == 7300)
        #expect(offset.manifest?["Registry"]?.health.port == 8300)
        // Quoted in the legacy file ("${PORT_OFFSET}+6550"): the same expression.
        #expect(offset.manifest?["Microphone"]?.port == 6650)
        #expect(offset.manifest?["Microphone"]?.health.port == 7650)
        let unset = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:])
        #expect(unset.manifest?["Registry"]?.port == 7200)
    }

    @Test("July's plain port numbers stay numbers")
    func plainPorts() throws {
        let text = try #require(try LegacyFixtures.importing([LegacyFixtures.julyMainpc]).text)
        #expect(try agentBlock("Registry", in: text).contains("    port: 7200\n"))
    }

    /// The lines of one agent's entry, from its name to the next agent.
    func agentBlock(_ name: String, in text: String) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0 == "  \(name):" }, "no agent \(name) in the output")
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && !$0.hasPrefix("  #") } ?? lines.endIndex
        return lines[start..<end].joined(separator: "\n") + "\n"
    }
}

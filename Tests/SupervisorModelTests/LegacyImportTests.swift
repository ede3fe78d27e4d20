import Foundation
import Testing
@testable import SupervisorModel

/// The legacy startup configurations in ../shared/legacy, and imports of them.
enum LegacyFiles {
    /// `/work/main/Tests/SupervisorModelTests/<this file>` -> `/work/shared/legacy`.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/legacy")

    static let julyMainpc = "mainpc-2025-07-19.yaml"
    static let julyPC2 = "pc2-2025-07-19.yaml"
    static let augustMainpc = "mainpc-2025-08-19.yaml"
    static let augustPC2 = "pc2-2025-08-19.yaml"
    static let all = [julyMainpc, julyPC2, augustMainpc, augustPC2]

    /// The file's text; fails the test with the path when it is missing.
    static func source(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> LegacyImport.Source {
        let url = directory.appendingPathComponent(name)
        let text = try? String(contentsOf: url, encoding: .utf8)
        try #require(text != nil, "legacy file \(url.path) not found: the tests expect ../shared/legacy beside the package root",
                     sourceLocation: sourceLocation)
        return LegacyImport.Source(file: name, text: text!)
    }

    static func importing(
        _ names: [String], host: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> LegacyImport.Result {
        try LegacyImport.run(names.map { try source($0, sourceLocation: sourceLocation) }, host: host)
    }

    /// The 1-based line of the first line of the legacy file that equals `text` once trimmed.
    static func line(of text: String, in name: String) throws -> Int {
        let lines = try source(name).text.split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == text }) + 1
    }

    static func hosts(_ names: String...) -> HostTable {
        HostTable(file: "hosts", hosts: names.enumerated().map { HostTable.Host(name: $1, address: "127.0.0.1", controlPort: 7700 + 10 * $0) })
    }
}

@Suite("Legacy import: the four legacy files")
struct LegacyImportTests {
    @Test("each legacy file imports alone into a manifest that loads without errors", arguments: [
        (LegacyFiles.julyMainpc, "mainpc", 58), (LegacyFiles.julyPC2, "pc2", 26),
        (LegacyFiles.augustMainpc, "mainpc", 49), (LegacyFiles.augustPC2, "pc2", 23),
    ])
    func eachFileAlone(file: String, host: String, agents: Int) throws {
        let result = try LegacyFiles.importing([file])
        #expect(result.succeeded)
        #expect(result.findings.filter { $0.severity == .error }.isEmpty, "\(result.findings.map(\.description))")
        let text = try #require(result.text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: LegacyFiles.hosts(host))
        #expect(loaded.issues.errors.isEmpty, "\(loaded.issues.errors.map(\.description))")
        let manifest = try #require(loaded.manifest)
        #expect(manifest.hostNames == [host])
        #expect(manifest.agents.count == agents)
    }

    @Test("the July pair is one manifest of 58 + 26 agents in 8 and 8 levels, with one warning: the cycle")
    func julyPair() throws {
        let result = try LegacyFiles.importing([LegacyFiles.julyMainpc, LegacyFiles.julyPC2])
        #expect(result.succeeded)
        let text = try #require(result.text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: LegacyFiles.hosts("mainpc", "pc2"))
        #expect(loaded.issues.errors.isEmpty, "\(loaded.issues.errors.map(\.description))")
        #expect(loaded.issues.count == 1 && loaded.issues.first?.code == .dependencyCycle, "\(loaded.issues.map(\.description))")
        let manifest = try #require(loaded.manifest)
        #expect(manifest.agents(on: "mainpc").count == 58)
        #expect(manifest.agents(on: "pc2").count == 26)
        #expect(DependencyGraph(manifest: manifest, host: "mainpc").levelCount == 8)
        #expect(DependencyGraph(manifest: manifest, host: "pc2").levelCount == 8)
        #expect(result.agentCounts.map(\.host) == ["mainpc", "pc2"])
        #expect(result.agentCounts.map(\.count) == [58, 26])
    }

    @Test("the July pair keeps the agents, groups, ports and dependencies of the legacy files, in their order")
    func julyPairKeepsTheLegacyShape() throws {
        let manifest = try #require(try LegacyFiles.importing([LegacyFiles.julyMainpc, LegacyFiles.julyPC2]).manifest)
        #expect(manifest.agents.first?.name == "ServiceRegistry")
        #expect(manifest.agents[58].name == "MemoryOrchestratorService")
        let responder = try #require(manifest["Responder"])
        #expect(responder.group == "language_processing")
        #expect(responder.port == 5637 && responder.health.port == 6637)
        #expect(responder.dependsOn == ["EmotionEngine", "FaceRecognitionAgent", "NLUAgent", "StreamingTTSAgent", "SystemDigitalTwin", "TTSService"])
        #expect(manifest.agents.filter { !$0.required }.map(\.name) == ["TinyLlamaServiceEnhanced", "GoTToTAgent", "CognitiveModelAgent"])
        let vision = try #require(manifest["VisionProcessingAgent"])
        #expect(vision.host == "pc2" && vision.group == "pc2_services" && vision.port == 7150)
    }

    @Test("the August pair imports into one manifest without errors")
    func augustPair() throws {
        let result = try LegacyFiles.importing([LegacyFiles.augustMainpc, LegacyFiles.augustPC2])
        #expect(result.succeeded, "\(result.findings.map(\.description))")
        let text = try #require(result.text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: LegacyFiles.hosts("mainpc", "pc2"))
        #expect(loaded.issues.isEmpty, "\(loaded.issues.map(\.description))")
        let manifest = try #require(loaded.manifest)
        #expect(manifest.agents(on: "mainpc").count == 49)
        #expect(manifest.agents(on: "pc2").count == 23)
    }

    @Test("the cycle is reported as a path at TTSService's line, with the agents it blocked, and noted at each member")
    func cycle() throws {
        let result = try LegacyFiles.importing([LegacyFiles.julyMainpc])
        let cycles = result.findings.filter { $0.code == .dependencyCycle }
        try #require(cycles.count == 1, "\(result.findings.map(\.description))")
        let finding = cycles[0]
        #expect(finding.severity == .warning)
        #expect(finding.file == LegacyFiles.julyMainpc)
        #expect(finding.line == (try LegacyFiles.line(of: "TTSService:", in: LegacyFiles.julyMainpc)))
        #expect(finding.message.contains("TTSService -> StreamingInterruptHandler -> StreamingTTSAgent -> TTSService"))
        #expect(finding.message.contains("Responder, EmpathyAgent"))
        #expect(finding.description.hasPrefix("\(LegacyFiles.julyMainpc):\(finding.line!): warning: agent 'TTSService': dependency cycle"))
        let text = try #require(result.text)
        for member in ["TTSService", "StreamingInterruptHandler", "StreamingTTSAgent"] {
            let block = try agentBlock(member, in: text)
            #expect(block.contains("# warning: in the dependency cycle TTSService -> StreamingInterruptHandler"), "\(block)")
        }
    }

    @Test("the duplicated MemoryOrchestratorService is reported with its differing health port; the first is kept")
    func duplicate() throws {
        let result = try LegacyFiles.importing([LegacyFiles.julyPC2])
        let duplicates = result.findings.filter { $0.code == .duplicateAgent }
        try #require(duplicates.count == 1, "\(result.findings.map(\.description))")
        let finding = duplicates[0]
        #expect(finding.agent == "MemoryOrchestratorService")
        #expect(finding.line == (try LegacyFiles.line(of: "- name: MemoryOrchestratorService", in: LegacyFiles.julyPC2)))
        #expect(finding.message.contains("health_check_port 7141 (first: 8140)"))
        #expect(finding.message.contains("core_services") && finding.message.contains("pc2_services"))
        let manifest = try #require(result.manifest)
        #expect(manifest.agents.filter { $0.name == "MemoryOrchestratorService" }.count == 1)
        #expect(manifest["MemoryOrchestratorService"]?.health.port == 8140)
        #expect(try agentBlock("MemoryOrchestratorService", in: result.text!).contains("# warning: declared twice"))
    }

    @Test("pc2's error_bus_port 7150 is reported as VisionProcessingAgent's port and left as a comment")
    func errorBusCollision() throws {
        let result = try LegacyFiles.importing([LegacyFiles.julyPC2])
        let clashes = result.findings.filter { $0.code == .errorBusPort }
        try #require(clashes.count == 1, "\(result.findings.map(\.description))")
        #expect(clashes[0].line == (try LegacyFiles.line(of: "error_bus_port: 7150", in: LegacyFiles.julyPC2)))
        #expect(clashes[0].message.contains("7150") && clashes[0].message.contains("VisionProcessingAgent"))
        let text = try #require(result.text)
        #expect(text.contains("# error_bus:\n#   host: pc2\n#   port: 7150\n"))
        #expect(result.manifest?.errorBus == nil)
        #expect(try agentBlock("VisionProcessingAgent", in: text).contains("legacy error_bus_port"))
    }

    @Test("August's CentralErrorBus serves its error_bus_port: no warning, no second collector")
    func augustErrorBus() throws {
        let result = try LegacyFiles.importing([LegacyFiles.augustPC2])
        #expect(!result.findings.contains { $0.code == .errorBusPort })
        #expect(result.manifest?.errorBus == nil)
        #expect(try agentBlock("CentralErrorBus", in: result.text!).contains("serves the legacy error_bus_port"))
    }

    @Test("August ports stay ${PORT_OFFSET}+7200 in the text and evaluate to 7300 with PORT_OFFSET=100")
    func portOffset() throws {
        let text = try #require(try LegacyFiles.importing([LegacyFiles.augustMainpc]).text)
        let block = try agentBlock("ServiceRegistry", in: text)
        #expect(block.contains("    port: ${PORT_OFFSET}+7200\n"))
        #expect(block.contains("      port: ${PORT_OFFSET}+8200\n"))
        let offset = ManifestLoader.load(text: text, file: "agents.yaml", environment: ["PORT_OFFSET": "100"])
        #expect(offset.issues.errors.isEmpty, "\(offset.issues.errors.map(\.description))")
        #expect(offset.manifest?["ServiceRegistry"]?.port == 7300)
        #expect(offset.manifest?["ServiceRegistry"]?.health.port == 8300)
        // Quoted in the legacy file ("${PORT_OFFSET}+6550"): the same expression.
        #expect(offset.manifest?["AudioCapture"]?.port == 6650)
        let unset = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:])
        #expect(unset.manifest?["ServiceRegistry"]?.port == 7200)
    }

    @Test("July's plain port numbers stay numbers")
    func plainPorts() throws {
        let text = try #require(try LegacyFiles.importing([LegacyFiles.julyMainpc]).text)
        #expect(try agentBlock("ServiceRegistry", in: text).contains("    port: 7200\n"))
    }

    /// The lines of one agent's entry, from its name to the next agent.
    func agentBlock(_ name: String, in text: String) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0 == "  \(name):" }, "no agent \(name) in the output")
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && !$0.hasPrefix("  #") } ?? lines.endIndex
        return lines[start..<end].joined(separator: "\n") + "\n"
    }
}

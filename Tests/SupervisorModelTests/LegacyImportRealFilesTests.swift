import Foundation
import Testing
@testable import SupervisorModel

/// The user's real legacy files (../shared/legacy), where that folder exists: the facts that
/// README.md and docs/import.md state about them. Elsewhere the suite is skipped with the
/// reason; the fixture tests cover the same behaviours.
@Suite("Legacy import: the real files in ../shared/legacy", .enabled(if: RealLegacyFiles.arePresent, RealLegacyFiles.skipReason))
struct LegacyImportRealFilesTests {
    typealias Real = RealLegacyFiles

    @Test("the July pair: 58 + 26 agents in 8 and 8 levels; the cycle, the duplicate and the error-bus port reported")
    func julyPair() throws {
        let result = try Real.folder.importing([Real.julyMainpc, Real.julyPC2])
        #expect(result.succeeded, "\(result.findings.map(\.description))")
        let text = try #require(result.text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: LegacyFolder.hosts("mainpc", "pc2"))
        #expect(loaded.issues.count == 1 && loaded.issues.first?.code == .dependencyCycle, "\(loaded.issues.map(\.description))")
        let manifest = try #require(loaded.manifest)
        #expect(manifest.agents(on: "mainpc").count == 58)
        #expect(manifest.agents(on: "pc2").count == 26)
        #expect(DependencyGraph(manifest: manifest, host: "mainpc").levelCount == 8)
        #expect(DependencyGraph(manifest: manifest, host: "pc2").levelCount == 8)

        #expect(result.findings.map(\.code) == [.dependencyCycle, .duplicateAgent, .errorBusPort], "\(result.findings.map(\.description))")
        let cycle = try #require(result.findings.first { $0.code == .dependencyCycle })
        #expect(cycle.line == (try Real.folder.line(of: "TTSService:", in: Real.julyMainpc)))
        #expect(cycle.message.contains("TTSService -> StreamingInterruptHandler -> StreamingTTSAgent -> TTSService"))
        #expect(cycle.message.contains("Responder, EmpathyAgent"))
        let duplicate = try #require(result.findings.first { $0.code == .duplicateAgent })
        #expect(duplicate.agent == "MemoryOrchestratorService")
        #expect(duplicate.message.contains("health_check_port 7141 (first: 8140)"))
        let bus = try #require(result.findings.first { $0.code == .errorBusPort })
        #expect(bus.message.contains("7150") && bus.message.contains("VisionProcessingAgent"))
    }

    @Test("the August pair: 49 + 23 agents, no issue; renames, the cross-host dependency and the docker groups reported")
    func augustPair() throws {
        let result = try Real.folder.importing([Real.augustMainpc, Real.augustPC2])
        #expect(result.succeeded, "\(result.findings.map(\.description))")
        let text = try #require(result.text)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: LegacyFolder.hosts("mainpc", "pc2"))
        #expect(loaded.issues.isEmpty, "\(loaded.issues.map(\.description))")
        let manifest = try #require(loaded.manifest)
        #expect(manifest.agents(on: "mainpc").count == 49)
        #expect(manifest.agents(on: "pc2").count == 23)
        #expect(result.findings.filter { $0.code == .renamedAgent }.compactMap(\.agent)
            == ["MemoryFusionHub", "UnifiedObservabilityCenter", "SelfHealingSupervisor"])
        let cross = result.findings.filter { $0.code == .crossHostDependency }
        #expect(cross.count == 1 && cross[0].message.contains("kept as 'mainpc/StreamingTTSAgent'"), "\(cross)")
        let skipped = result.findings.filter { $0.code == .notAnAgent }
        #expect(skipped.count == 1 && skipped[0].message.contains("docker_groups, observability, core_hubs"), "\(skipped)")
        #expect(!result.findings.contains { $0.code == .errorBusPort }, "CentralErrorBus serves its own port")
    }

    @Test("pc2 August alone: the unknown StreamingTTSAgent and ${MAINPC_OBS_HUB} without a default")
    func augustPC2Alone() throws {
        let result = try Real.folder.importing([Real.augustPC2])
        #expect(result.succeeded, "\(result.findings.map(\.description))")
        let unknown = result.findings.filter { $0.code == .unknownDependency }
        #expect(unknown.count == 1 && unknown.first?.agent == "SpeechRelayService", "\(unknown)")
        let undefined = result.findings.filter { $0.code == .undefinedVariable }
        #expect(undefined.count == 1 && undefined.first?.message.contains("${MAINPC_OBS_HUB}") == true, "\(undefined)")
    }

    @Test("all four files: August's ModelOpsCoordinator on July's port 7212 is an error of the output")
    func allFourFiles() throws {
        let result = try Real.folder.importing(Real.all)
        #expect(result.text != nil)
        #expect(!result.succeeded)
        let errors = result.findings.filter { $0.severity == .error }
        #expect(errors.allSatisfy { $0.code == .generatedManifest }, "\(errors.map(\.description))")
        #expect(errors.contains { $0.agent == "ModelOpsCoordinator" && $0.message.contains("7212") }, "\(errors.map(\.description))")
    }
}

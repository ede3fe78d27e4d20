import Foundation
import Testing
@testable import SupervisorModel

/// The defects of the August fixtures and of combined imports, and where they are written.
@Suite("Legacy import: defects")
struct LegacyImportDefectTests {
    @Test("an unknown dependency is reported, commented out in depends_on, and does not break check")
    func unknownDependency() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.augustPC2])
        let unknown = result.findings.filter { $0.code == .unknownDependency }
        try #require(unknown.count == 1, "\(result.findings.map(\.description))")
        #expect(unknown[0].agent == "SpeechRelay")
        #expect(unknown[0].message.contains("'VoiceStream'"))
        let lines = try LegacyFixtures.source(LegacyFixtures.augustPC2).text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[unknown[0].line! - 1].contains("- VoiceStream"))
        let text = try #require(result.text)
        #expect(text.contains("    depends_on:\n      - ImageAnalyzer\n      # - VoiceStream  # unknown:"))
        #expect(result.succeeded)
        #expect(result.manifest?["SpeechRelay"]?.dependsOn == ["ImageAnalyzer"])
    }

    @Test("with the August mainpc fixture, the same dependency is a cross-host one, kept as host/Name")
    func crossHostDependency() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.augustMainpc, LegacyFixtures.augustPC2])
        let cross = result.findings.filter { $0.code == .crossHostDependency }
        try #require(cross.count == 1, "\(result.findings.map(\.description))")
        #expect(cross[0].message.contains("kept as 'mainpc/VoiceStream'"))
        #expect(!result.findings.contains { $0.code == .unknownDependency })
        #expect(result.text?.contains("mainpc/VoiceStream") == true)
        #expect(result.succeeded)
        let relay = try #require(result.manifest?["SpeechRelay"])
        #expect(relay.dependsOn.contains("VoiceStream"))
        #expect(relay.dependency(on: "VoiceStream")?.host == "mainpc")
        #expect(result.manifest.map { $0.remoteDependencies(of: relay).map(\.description) } == ["mainpc/VoiceStream"])
    }

    @Test("a name used on both hosts is renamed on the second host, and that host's dependencies follow")
    func renamedAcrossHosts() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.augustMainpc, LegacyFixtures.augustPC2])
        let renamed = result.findings.filter { $0.code == .renamedAgent }.compactMap(\.agent)
        #expect(renamed == ["MemoryHub", "Observatory", "SelfHealer"])
        let manifest = try #require(result.manifest)
        #expect(manifest["MemoryHub"]?.host == "mainpc")
        #expect(manifest["MemoryHub-pc2"]?.host == "pc2")
        #expect(manifest["Cache"]?.dependsOn == ["MemoryHub-pc2"])
        #expect(manifest["MemoryHub-pc2"]?.dependsOn == ["Observatory-pc2"])
        #expect(manifest["MemoryHub"]?.dependsOn == ["Registry", "Observatory"])
        #expect(result.text?.contains("    # warning: renamed from 'MemoryHub'") == true)
    }

    @Test("August mainpc's docker groups inside agent_groups are reported once and skipped")
    func dockerGroupsInAgentGroups() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.augustMainpc])
        let skipped = result.findings.filter { $0.code == .notAnAgent }
        try #require(skipped.count == 1, "\(result.findings.map(\.description))")
        #expect(skipped[0].line == (try LegacyFixtures.line(of: "docker_groups:", in: LegacyFixtures.augustMainpc)))
        #expect(skipped[0].message.contains("docker_groups, observability, core_hubs"))
        #expect(result.manifest?["infra_core"] == nil && result.manifest?["description"] == nil)
    }

    @Test("a ${NAME} without a default in a config block is reported and given an empty default")
    func undefinedVariable() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.augustPC2])
        let undefined = result.findings.filter { $0.code == .undefinedVariable }
        try #require(undefined.count == 1, "\(result.findings.map(\.description))")
        #expect(undefined[0].agent == "Observatory")
        #expect(undefined[0].message.contains("${MAINPC_OBS_HUB}"))
        let spec = try #require(result.manifest?["Observatory"])
        let json = try #require(spec.environment["AGENT_CONFIG_JSON"])
        let config = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(config["mainpc_hub_endpoint"] as? String == "")
        #expect(config["prometheus_port"] as? String == "0+9100")
        #expect(config["cross_machine_sync"] as? Bool == true)
    }

    @Test("every finding is printed as FILE:LINE: warning: ... and none is an error for the legacy fixtures")
    func findingFormat() throws {
        let pairs = [[LegacyFixtures.julyMainpc, LegacyFixtures.julyPC2], [LegacyFixtures.augustMainpc, LegacyFixtures.augustPC2]]
        for names in LegacyFixtures.all.map({ [$0] }) + pairs {
            let result = try LegacyFixtures.importing(names)
            for finding in result.findings {
                #expect(finding.severity == .warning, "\(finding)")
                #expect(finding.line != nil, "\(finding)")
                #expect(finding.description.hasPrefix("\(finding.file):\(finding.line!): warning: "))
            }
        }
    }

    @Test("all four fixtures at once: later duplicates dropped; the ports July and August both use are errors of the output")
    func allFourFiles() throws {
        let result = try LegacyFixtures.importing(LegacyFixtures.all)
        let duplicates = result.findings.filter { $0.code == .duplicateAgent }
        #expect(duplicates.contains { $0.file == LegacyFixtures.augustMainpc && $0.agent == "Registry" })
        // August's Orchestrator takes port 7212, July's Trainer's:
        // a real conflict for the user to settle, so the text is written and reported as failing.
        #expect(result.text != nil)
        #expect(!result.succeeded)
        let errors = result.findings.filter { $0.severity == .error }
        #expect(!errors.isEmpty && errors.allSatisfy { $0.code == .generatedManifest && $0.file == "agents.yaml" })
        #expect(errors.contains { $0.agent == "Orchestrator" && $0.message.contains("7212") })
    }

    @Test("--host puts every file's agents on that host")
    func hostOverride() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.julyPC2], host: "pc3")
        let manifest = try #require(result.manifest)
        #expect(manifest.hostNames == ["pc3"])
        #expect(result.text?.contains("host pc3, 10 agents (given by --host)") == true)
    }
}

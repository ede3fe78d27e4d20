import Foundation
import Testing
@testable import SupervisorModel

/// Every legacy file the tests know: each imports alone into a manifest of its host that loads
/// without errors, and everything it reports is a warning with a line.
@Suite("Legacy import: sweep")
struct LegacyImportSweepTests {
    @Test("every fixture in Tests/Fixtures/legacy imports alone into a manifest that loads without errors")
    func everyFixture() throws {
        let files = LegacyFolder.fixtures.yamlFiles
        #expect(Set(LegacyFixtures.all).isSubset(of: files), "fixtures in \(LegacyFolder.fixtures.directory.path): \(files)")
        for file in files {
            let expected = LegacyFixtures.expected[file]
            #expect(expected != nil, "\(file): add its host and agent count to LegacyFixtures.expected")
            try Self.sweep(LegacyFolder.fixtures, file, expected: expected)
        }
    }

    // The real files exist only beside the CI checkout; elsewhere the test is skipped with the
    // reason (the fixtures above have the same shapes and defects).
    @Test("every real legacy file in ../shared/legacy imports alone into a manifest that loads without errors",
          .enabled(if: RealLegacyFiles.arePresent, RealLegacyFiles.skipReason))
    func everyRealFile() throws {
        let files = LegacyFolder.real.yamlFiles
        #expect(Set(RealLegacyFiles.all).isSubset(of: files), "files in \(LegacyFolder.real.directory.path): \(files)")
        for file in files {
            try Self.sweep(LegacyFolder.real, file, expected: RealLegacyFiles.expected[file])
        }
    }

    /// Imports one file alone and loads the output with its hosts.
    static func sweep(_ folder: LegacyFolder, _ file: String, expected: (host: String, agents: Int)?) throws {
        let result = try folder.importing([file])
        #expect(result.succeeded, "\(file): \(result.findings.map(\.description))")
        for finding in result.findings {
            #expect(finding.severity == .warning && finding.line != nil, "\(file): \(finding)")
        }
        let text = try #require(result.text, "\(file): no output")
        let hosts = result.agentCounts.map(\.host)
        let loaded = ManifestLoader.load(text: text, file: "agents.yaml", environment: [:], hosts: LegacyFolder.hosts(hosts))
        #expect(loaded.issues.errors.isEmpty, "\(file): \(loaded.issues.errors.map(\.description))")
        let manifest = try #require(loaded.manifest, "\(file): the output does not load")
        #expect(!manifest.agents.isEmpty, "\(file): no agent imported")
        if let expected {
            #expect(manifest.hostNames == [expected.host], "\(file)")
            #expect(manifest.agents.count == expected.agents, "\(file)")
        }
    }
}

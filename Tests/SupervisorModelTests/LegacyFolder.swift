import Foundation
import Testing
@testable import SupervisorModel

/// A folder of legacy startup configurations to import: this repository's fixtures, or the
/// user's real files where they exist.
struct LegacyFolder: Sendable {
    let directory: URL

    /// `Tests/` of this package, found from this file (no working-directory assumption).
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/legacy`: small files written for these tests, in the shapes of the real
    /// ones and with every defect the importer reports (see the README there).
    static let fixtures = LegacyFolder(directory: testsDirectory.appendingPathComponent("Fixtures/legacy"))

    /// `../shared/legacy` beside the package root: the user's real files, present beside the CI
    /// checkout only.
    static let real = LegacyFolder(directory: testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/legacy"))

    /// True when the folder exists.
    var isPresent: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Every `*.yaml` file of the folder, sorted.
    var yamlFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// The file's text; fails the test with the path when it is missing.
    func source(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> LegacyImport.Source {
        let url = directory.appendingPathComponent(name)
        let text = try? String(contentsOf: url, encoding: .utf8)
        try #require(text != nil, "legacy file \(url.path) not found", sourceLocation: sourceLocation)
        return LegacyImport.Source(file: name, text: text!)
    }

    func importing(
        _ names: [String], host: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> LegacyImport.Result {
        try LegacyImport.run(names.map { try source($0, sourceLocation: sourceLocation) }, host: host)
    }

    /// The 1-based line of the first line of the file that equals `text` once trimmed.
    func line(of text: String, in name: String) throws -> Int {
        let lines = try source(name).text.split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == text }, "no line '\(text)' in \(name)") + 1
    }

    /// A hosts table of the given hosts, all on loopback.
    static func hosts(_ names: String...) -> HostTable { hosts(names) }

    static func hosts(_ names: [String]) -> HostTable {
        HostTable(file: "hosts", hosts: names.enumerated().map { HostTable.Host(name: $1, address: "127.0.0.1", controlPort: 7700 + 10 * $0) })
    }
}

/// The fixtures of `Tests/Fixtures/legacy`, one per real legacy file, with its host and agents.
enum LegacyFixtures {
    static let folder = LegacyFolder.fixtures

    static let julyMainpc = "mainpc-july.yaml"
    static let julyPC2 = "pc2-july.yaml"
    static let augustMainpc = "mainpc-august.yaml"
    static let augustPC2 = "pc2-august.yaml"
    static let all = [julyMainpc, julyPC2, augustMainpc, augustPC2]

    /// Each fixture's host and agent count (the sweep fails on a fixture missing here).
    static let expected: [String: (host: String, agents: Int)] = [
        julyMainpc: ("mainpc", 18), julyPC2: ("pc2", 10), augustMainpc: ("mainpc", 9), augustPC2: ("pc2", 7),
    ]

    static func source(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> LegacyImport.Source {
        try folder.source(name, sourceLocation: sourceLocation)
    }

    static func importing(
        _ names: [String], host: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> LegacyImport.Result {
        try folder.importing(names, host: host, sourceLocation: sourceLocation)
    }

    static func line(of text: String, in name: String) throws -> Int {
        try folder.line(of: text, in: name)
    }
}

/// The user's real legacy files in `../shared/legacy`, with their host and agent count.
enum RealLegacyFiles {
    static let folder = LegacyFolder.real

    static let julyMainpc = "mainpc-2025-07-19.yaml"
    static let julyPC2 = "pc2-2025-07-19.yaml"
    static let augustMainpc = "mainpc-2025-08-19.yaml"
    static let augustPC2 = "pc2-2025-08-19.yaml"
    static let all = [julyMainpc, julyPC2, augustMainpc, augustPC2]

    static let expected: [String: (host: String, agents: Int)] = [
        julyMainpc: ("mainpc", 58), julyPC2: ("pc2", 26), augustMainpc: ("mainpc", 49), augustPC2: ("pc2", 23),
    ]

    /// Whether the real files can be tested here.
    static var arePresent: Bool { folder.isPresent }

    /// Printed when the tests of the real files are skipped.
    static var skipReason: Comment {
        Comment(rawValue: "the real legacy files are not here (\(folder.directory.standardizedFileURL.path) exists only beside the CI checkout); the fixtures in Tests/Fixtures/legacy cover the same defects")
    }
}

/// `supervisor import`, the pure part: legacy startup configurations in, `agents.yaml` text and
/// every finding out. The text is checked with `ManifestLoader` (hosts: the ones imported)
/// before it is handed back, so what `check` would report about it is known too.
public enum LegacyImport {
    /// One legacy file: its name as the user gave it, and its text.
    public struct Source: Sendable {
        /// The path as the user gave it; findings and comments name the file by it.
        public var file: String
        /// The file's YAML text.
        public var text: String

        /// A legacy file and its text.
        public init(file: String, text: String) {
            self.file = file
            self.text = text
        }
    }

    /// What an import produced.
    public struct Result: Sendable {
        /// The manifest text; nil when some file could not be imported at all.
        public var text: String?
        /// Every finding: the input's defects (warnings), unusable input (errors), and any error
        /// `supervisor check` reports on the generated text.
        public var findings: [ImportFinding]
        /// The generated manifest as `ManifestLoader` reads it (nil without text).
        public var manifest: Manifest?
        /// Agents per host, in first-seen order.
        public var agentCounts: [(host: String, count: Int)]

        /// True when the text was written and `check` finds no error in it.
        public var succeeded: Bool { text != nil && !findings.contains { $0.severity == .error } }
    }

    /// Imports the files, in order, into one manifest.
    /// - Parameters:
    ///   - host: `--host`: the host of every file. Without it, `agent_groups` files are mainpc's
    ///     and `pc2_services` files pc2's.
    ///   - output: the manifest's file name, for messages about the generated text.
    public static func run(_ sources: [Source], host: String? = nil, output: String = "agents.yaml") -> Result {
        run(sources, options: LegacyImportOptions(host: host), output: output)
    }

    /// Imports the files, in order, into one manifest, as `options` say.
    public static func run(_ sources: [Source], options: LegacyImportOptions, output: String = "agents.yaml") -> Result {
        var findings: [ImportFinding] = []
        var configs: [LegacyConfig] = []
        for source in sources {
            var parser = LegacyConfigParser(file: source.file)
            let config = parser.parse(text: source.text)
            findings += parser.findings
            if let config { configs.append(config) }
        }
        guard configs.count == sources.count, !configs.isEmpty else {
            return Result(text: nil, findings: findings, manifest: nil, agentCounts: [])
        }
        var importer = LegacyImporter(options: options)
        let imported = importer.importConfigs(configs)
        findings += imported.findings
        findings = ordered(findings, files: sources.map(\.file))
        var writer = ImportedManifestWriter(manifest: ImportedManifest(
            sources: imported.sources, agents: imported.agents, errorBus: imported.errorBus, registry: imported.registry,
            findings: findings))
        let text = writer.render()

        // The output must pass `check`: anything it reports beyond the cycles (already reported
        // against the legacy file) is a finding about the generated text.
        let hosts = HostTable(file: "hosts", hosts: imported.hosts.enumerated().map { index, name in
            HostTable.Host(name: name, address: "127.0.0.1", controlPort: 60000 + 2 * index)
        })
        let loaded = ManifestLoader.load(text: text, file: output, environment: [:], hosts: hosts)
        for issue in loaded.issues where issue.code != .dependencyCycle {
            findings.append(ImportFinding(
                issue.severity == .error ? .error : .warning, .generatedManifest, file: output, line: issue.line,
                agent: issue.agent, message: "(supervisor check) " + issue.message))
        }
        let counts = imported.hosts.map { host in (host, imported.agents.filter { $0.host == host }.count) }
        return Result(text: text, findings: findings, manifest: loaded.manifest, agentCounts: counts)
    }

    /// Findings by file (in the order given), then line.
    static func ordered(_ findings: [ImportFinding], files: [String]) -> [ImportFinding] {
        let rank = Dictionary(files.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return findings.enumerated().sorted { lhs, rhs in
            let left = (rank[lhs.element.file] ?? Int.max, lhs.element.line ?? 0, lhs.offset)
            let right = (rank[rhs.element.file] ?? Int.max, rhs.element.line ?? 0, rhs.offset)
            return left < right
        }.map(\.element)
    }
}

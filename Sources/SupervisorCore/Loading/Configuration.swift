import Foundation
import SupervisorModel

/// The manifest and hosts file loaded together, the way every verb needs them: hosts first
/// (agents must name listed hosts), variables expanded from the process environment plus
/// `SUPERVISOR_BIN_DIR`.
public struct Configuration: Sendable {
    public var manifest: Manifest?
    public var hosts: HostTable
    /// Every problem in either file, hosts first.
    public var issues: [ManifestIssue]
    /// The manifest's folder: relative cwds and commands are taken from it.
    public var baseDirectory: String
    /// The environment used for `${VAR}` expansion and passed on to agents.
    public var environment: [String: String]

    /// Loads both files. Never throws: unreadable files are issues.
    public static func load(
        manifestPath: String, hostsPath: String, strict: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Configuration {
        var environment = environment
        if environment["SUPERVISOR_BIN_DIR"] == nil {
            environment["SUPERVISOR_BIN_DIR"] = executableDirectory
        }
        let (hosts, hostIssues) = HostTable.load(path: hostsPath)
        let loaded = ManifestLoader.load(
            path: manifestPath, environment: environment, hosts: hostIssues.isEmpty || !hosts.hosts.isEmpty ? hosts : nil,
            strict: strict, machineCores: ProcessInfo.processInfo.activeProcessorCount)
        let absolute = URL(fileURLWithPath: manifestPath).standardizedFileURL.deletingLastPathComponent().path
        return Configuration(
            manifest: loaded.manifest, hosts: hosts, issues: hostIssues + loaded.issues,
            baseDirectory: absolute, environment: environment)
    }

    /// The folder of the running executable (where `agent-sim` is installed beside `supervisor`).
    public static var executableDirectory: String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).deletingLastPathComponent().path
    }
}

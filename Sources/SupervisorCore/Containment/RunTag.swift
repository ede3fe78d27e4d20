import Foundation

/// A short, stable tag for a run folder (FNV-1a of its absolute path). It names the supervisor's
/// cgroup subtree (`supervisor/<host>.<tag>`) and marks every process it starts
/// (`SUPERVISOR_RUN=<host>.<tag>`): two run folders never share one, and a restart in the same
/// folder finds the cgroups and processes its dead predecessor left.
public enum RunTag {
    /// The environment variable every agent process (and so, unless it clears its environment,
    /// every descendant) carries.
    public static let variable = "SUPERVISOR_RUN"

    public static func of(runDirectory: String) -> String {
        let path = URL(fileURLWithPath: runDirectory).standardizedFileURL.path
        var hash: UInt32 = 2_166_136_261
        for byte in path.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return String(format: "%08x", hash)
    }

    /// The marker of one host's supervisor in one run folder.
    public static func marker(host: String, tag: String) -> String { "\(host).\(tag)" }
}

import Foundation

/// A short, stable tag for a run folder (FNV-1a of its absolute path), naming the supervisor's
/// cgroup subtree: two run folders never share one, and a restart in the same folder finds the
/// groups its dead predecessor left.
public enum CgroupTag {
    public static func of(runDirectory: String) -> String {
        let path = URL(fileURLWithPath: runDirectory).standardizedFileURL.path
        var hash: UInt32 = 2_166_136_261
        for byte in path.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return String(format: "%08x", hash)
    }
}

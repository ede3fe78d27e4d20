import Foundation

/// How log paths are shown in warnings: relative to the supervisor's working folder when they
/// are inside it (`logs/mainpc/X.log`), else in full.
enum LogPath {
    static func shown(_ path: String) -> String {
        let folder = FileManager.default.currentDirectoryPath
        guard folder != "/", path.hasPrefix(folder + "/") else { return path }
        return String(path.dropFirst(folder.count + 1))
    }
}

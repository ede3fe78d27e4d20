import Foundation

/// Finds the file to exec for a command's first word, as a shell would, but before fork (the
/// child may not allocate).
public enum ExecutableResolver {
    /// Why a command cannot be run.
    public struct Failure: Error, CustomStringConvertible {
        public var errno: Int32
        public var message: String
        public var description: String { message }
    }

    /// An absolute path for `program`: a path containing `/` is taken relative to `directory`;
    /// a bare name is searched in `searchPath` (colon-separated).
    public static func resolve(_ program: String, directory: String, searchPath: String) -> Result<String, Failure> {
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : directory + "/" + program
            return check(path, shownAs: program)
        }
        var lastFailure = Failure(errno: ENOENT, message: "\(program): command not found in PATH (\(searchPath))")
        for folder in searchPath.split(separator: ":") where !folder.isEmpty {
            let candidate = folder.hasPrefix("/") ? "\(folder)/\(program)" : "\(directory)/\(folder)/\(program)"
            switch check(candidate, shownAs: candidate) {
            case .success(let path): return .success(path)
            case .failure(let failure) where failure.errno == EACCES: lastFailure = failure
            case .failure: continue
            }
        }
        return .failure(lastFailure)
    }

    private static func check(_ path: String, shownAs shown: String) -> Result<String, Failure> {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            return .failure(Failure(errno: code, message: "\(shown): \(String(cString: strerror(code))) (errno \(code))"))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            return .failure(Failure(errno: EISDIR, message: "\(shown): is a directory"))
        }
        guard access(path, X_OK) == 0 else {
            let code = errno
            return .failure(Failure(errno: code, message: "\(shown): not executable: \(String(cString: strerror(code))) (errno \(code))"))
        }
        return .success(path)
    }
}

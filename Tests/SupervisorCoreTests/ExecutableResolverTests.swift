import Foundation
import Testing
@testable import SupervisorCore

@Suite("ExecutableResolver finds the file to exec, as a shell would")
struct ExecutableResolverTests {
    private static let script = "#!/bin/sh\nexit 0\n"

    private struct UnexpectedSuccess: Error {
        var path: String
    }

    private func resolved(_ result: Result<String, ExecutableResolver.Failure>) -> String? {
        if case .success(let path) = result { return path }
        return nil
    }

    private func failure(_ result: Result<String, ExecutableResolver.Failure>) throws -> ExecutableResolver.Failure {
        switch result {
        case .failure(let failure): return failure
        case .success(let path): throw UnexpectedSuccess(path: path)
        }
    }

    @Test("an absolute path is taken as it is")
    func absolutePath() {
        #expect(resolved(ExecutableResolver.resolve("/bin/sh", directory: "/nonexistent", searchPath: "")) == "/bin/sh")
    }

    @Test("a bare name is searched in PATH, in order, skipping missing and non-executable files")
    func pathSearch() throws {
        let directory = try TemporaryDirectory()
        try directory.folder("empty")
        try directory.folder("first")
        try directory.folder("second")
        try directory.folder("third")
        try directory.write("first/tool", Self.script, mode: 0o644)
        let wanted = try directory.write("second/tool", Self.script, mode: 0o755)
        try directory.write("third/tool", Self.script, mode: 0o755)
        let searchPath = ["/nonexistent", directory.file("empty"), "", directory.file("first"),
                          directory.file("second"), directory.file("third")].joined(separator: ":")
        #expect(resolved(ExecutableResolver.resolve("tool", directory: "/", searchPath: searchPath)) == wanted)
    }

    @Test("a relative PATH entry is taken from the working directory")
    func relativePathEntry() throws {
        let directory = try TemporaryDirectory()
        try directory.folder("bin")
        try directory.write("bin/tool", Self.script, mode: 0o755)
        let result = ExecutableResolver.resolve("tool", directory: directory.path, searchPath: "/nonexistent:bin")
        #expect(resolved(result) == "\(directory.path)/bin/tool")
    }

    @Test("a relative path with a directory part is taken from the working directory, not PATH")
    func relativePathWithDirectory() throws {
        let directory = try TemporaryDirectory()
        try directory.folder("scripts")
        try directory.write("scripts/run.sh", Self.script, mode: 0o755)
        let nested = ExecutableResolver.resolve("scripts/run.sh", directory: directory.path, searchPath: "/bin")
        #expect(resolved(nested) == "\(directory.path)/scripts/run.sh")
        let dotted = ExecutableResolver.resolve("./run.sh", directory: directory.file("scripts"), searchPath: "/bin")
        #expect(resolved(dotted) == "\(directory.path)/scripts/./run.sh")
        let elsewhere = ExecutableResolver.resolve("./run.sh", directory: directory.path, searchPath: directory.file("scripts"))
        #expect(try failure(elsewhere).errno == ENOENT)
    }

    @Test("a name found nowhere in PATH fails with ENOENT, naming the command and the PATH")
    func missingInPath() throws {
        let directory = try TemporaryDirectory()
        let result = ExecutableResolver.resolve("no-such-tool", directory: directory.path, searchPath: "/nonexistent:\(directory.path)")
        let failure = try failure(result)
        #expect(failure.errno == ENOENT)
        #expect(failure.message.contains("no-such-tool"))
        #expect(failure.message.contains("command not found"))
        #expect(failure.message.contains(directory.path))
    }

    @Test("a missing path fails with ENOENT and the system's words for it")
    func missingPath() throws {
        let failure = try failure(ExecutableResolver.resolve("/nonexistent/tool", directory: "/", searchPath: "/bin"))
        #expect(failure.errno == ENOENT)
        #expect(failure.message.contains("/nonexistent/tool"))
        #expect(failure.message.contains(String(cString: strerror(ENOENT))))
        #expect(failure.description == failure.message)
    }

    @Test("a file without execute permission fails with EACCES, as a path or through PATH")
    func notExecutable() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("data.txt", "not a program\n", mode: 0o644)
        let direct = try failure(ExecutableResolver.resolve(path, directory: "/", searchPath: "/bin"))
        #expect(direct.errno == EACCES)
        #expect(direct.message.contains("not executable"))
        // Through PATH the EACCES is reported rather than "not found", as a shell does.
        let searched = try failure(ExecutableResolver.resolve("data.txt", directory: "/", searchPath: directory.path))
        #expect(searched.errno == EACCES)
        #expect(searched.message.contains(path))
    }

    @Test("a directory fails with EISDIR")
    func directoryIsNotExecutable() throws {
        let directory = try TemporaryDirectory()
        let folder = try directory.folder("tool")
        let direct = try failure(ExecutableResolver.resolve(folder, directory: "/", searchPath: "/bin"))
        #expect(direct.errno == EISDIR)
        #expect(direct.message.contains("is a directory"))
        // In a PATH search a directory of that name is skipped.
        let searched = try failure(ExecutableResolver.resolve("tool", directory: "/", searchPath: directory.path))
        #expect(searched.errno == ENOENT)
    }
}

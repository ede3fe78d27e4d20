import Foundation

/// The one Python interpreter every test runs: the protocol clients of `python/`, the
/// legacy-style agents, the agents of the log tests and the export validators.
///
/// In order: `$SUPERVISOR_TEST_PYTHON`; `.build/test-venv/bin/python3`, the virtual environment
/// `make test` creates with pyzmq, jsonschema, PyYAML and kubernetes-validate (Debian 12 refuses
/// `pip install` into its own Python); else `python3` from PATH, for a plain `swift test` on a
/// machine whose Python has pyzmq.
enum TestPython {
    static let venv = SupervisorHarness.packageRoot.appendingPathComponent(".build/test-venv")

    /// An absolute path (Foundation's Process and the supervisor's command both take it as is).
    static let path: String = {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["SUPERVISOR_TEST_PYTHON"], !chosen.isEmpty { return chosen }
        let inVenv = venv.appendingPathComponent("bin/python3").path
        if FileManager.default.isExecutableFile(atPath: inVenv) { return inVenv }
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return folders.map { $0 + "/python3" }.first(where: FileManager.default.isExecutableFile) ?? "/usr/bin/python3"
    }()

    /// The folder of the interpreter, where a venv keeps its console scripts (kubernetes-validate).
    static var binDirectory: String { URL(fileURLWithPath: path).deletingLastPathComponent().path }

    /// Said in failure messages: where the interpreter came from and how to get one with pyzmq.
    static var hint: String {
        "python: \(path) (make test creates .build/test-venv with pyzmq; SUPERVISOR_TEST_PYTHON overrides)"
    }
}

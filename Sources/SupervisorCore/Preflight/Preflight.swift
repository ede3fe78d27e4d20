import Foundation
import SupervisorModel

/// Checks, before anything starts, that each agent can be started as configured, and reports
/// every finding at once in the format of `check` (`ManifestIssue`, with file, agent and key).
///
/// - The cheap part (`up` runs it before spawning anything; `check` too): the working directory
///   exists, the program resolves as `up` resolves it (the agent's cwd, the PATH of the
///   environment it will get) and is executable, and a Python command's script exists.
/// - The deep part (`check --deep`): the Python scripts compile (compiled by the agent's own
///   interpreter, never run or imported), and no other process listens on the agent's port or
///   health port.
///
/// Only agents of hosts that run on this machine are checked: another machine's files and
/// ports are not here to look at.
public struct Preflight {
    public let configuration: Configuration
    /// Only this host's agents (`up HOST`); nil: every host that runs here.
    public let host: String?
    public let localAddresses: Set<String>

    /// What a preflight found and what it looked at.
    public struct Report: Sendable {
        /// Every finding, agent by agent in manifest order.
        public var issues: [ManifestIssue] = []
        /// How many agents were checked.
        public var checked = 0
        /// Hosts whose agents were not checked, with why.
        public var skipped: [String] = []
    }

    public init(configuration: Configuration, host: String? = nil, localAddresses: Set<String> = LocalAddresses.current()) {
        self.configuration = configuration
        self.host = host
        self.localAddresses = localAddresses
    }

    /// One agent as `up` would start it.
    struct Target {
        var spec: AgentSpec
        var directory: String
        var environment: [String: String]
        /// The resolved program, or why it cannot be run.
        var program: Result<String, ExecutableResolver.Failure>
        var python: PythonCommand?
        /// The script's absolute path, when the command is a Python one.
        var script: String?
        var directoryExists: Bool
        var scriptExists: Bool
    }

    /// The cheap part. Each finding has `severity` (`check`: a warning, an error with
    /// `--strict`; `up`: a warning, since the other agents still start).
    public func paths(severity: ManifestIssue.Severity) -> Report {
        var report = Report()
        let targets = self.targets(&report)
        report.issues = targets.flatMap { pathIssues(of: $0, severity: severity) }
        return report
    }

    /// Both parts; every finding is an error.
    public func deep(compileTimeout: TimeInterval = 120) -> Report {
        var report = Report()
        let targets = self.targets(&report)
        let compiled = PythonCompileCheck.run(targets.filter(\.scriptExists).compactMap { target in
            guard case .success(let interpreter) = target.program, let script = target.script else { return nil }
            return PythonCompileCheck.Job(interpreter: interpreter, script: script, environment: target.environment)
        }, timeout: compileTimeout)
        let ports = PortUsage(running: runningHosts(targets))
        for target in targets {
            report.issues += pathIssues(of: target, severity: .error)
            if let script = target.script, target.scriptExists, let python = target.python {
                report.issues += compileIssues(compiled[script], target: target, python: python)
            }
            report.issues += ports.issues(of: target.spec, bindAddress: bindAddress(of: target), manifest: manifest!)
        }
        report.skipped += ports.skipped
        return report
    }

    /// "preflight: 3 of 58 agents cannot start as configured (listed below); they are started
    /// all the same and will fail, the other 55 start normally"
    public static func summary(of findings: [ManifestIssue], agentsOnHost total: Int) -> String {
        let agents = Set(findings.compactMap(\.agent)).count
        return "preflight: \(agents) of \(total) agents cannot start as configured (listed below); they are started "
            + "all the same and will fail, the other \(max(0, total - agents)) start normally. "
            + "`supervisor check --deep` also compiles the scripts and checks the ports"
    }

    private var manifest: Manifest? { configuration.manifest }

    private func targets(_ report: inout Report) -> [Target] {
        guard let manifest else { return [] }
        var launcher = AgentLauncher(baseDirectory: configuration.baseDirectory, inheritedEnvironment: configuration.environment)
        launcher.legacy = LegacyEnvironment(
            manifest: manifest, hosts: configuration.hosts, portOffset: configuration.environment["PORT_OFFSET"] ?? "0")
        var skippedHosts: [String] = []
        var targets: [Target] = []
        for spec in manifest.agents where host == nil || spec.host == host {
            guard runsHere(spec.host) else {
                if !skippedHosts.contains(spec.host) { skippedHosts.append(spec.host) }
                continue
            }
            guard !spec.command.isEmpty else { continue }
            let environment = launcher.environment(for: spec)
            let directory = launcher.workingDirectory(for: spec)
            let searchPath = environment["PATH"] ?? AgentLauncher.defaultSearchPath
            let python = PythonCommand.parse(spec.command)
            let script = python.map { $0.script.hasPrefix("/") ? $0.script : directory + "/" + $0.script }
            let directoryExists = Self.isDirectory(directory)
            targets.append(Target(
                spec: spec, directory: directory, environment: environment,
                program: ExecutableResolver.resolve(spec.command[0], directory: directory, searchPath: searchPath),
                python: python, script: script, directoryExists: directoryExists,
                scriptExists: directoryExists && script.map(Self.isReadableFile) == true))
        }
        report.checked = targets.count
        report.skipped = skippedHosts.map { name in
            let address = configuration.hosts[name].map { " (\($0.address))" } ?? ""
            return "host \(name)\(address) does not run on this machine: its agents are not checked here"
        }
        return targets
    }

    private func pathIssues(of target: Target, severity: ManifestIssue.Severity) -> [ManifestIssue] {
        let spec = target.spec
        func issue(_ code: ManifestIssue.Code, _ key: String, _ message: String) -> ManifestIssue {
            ManifestIssue(severity, code, file: manifest!.file, line: manifest!.line(of: spec.name, key: key),
                          agent: spec.name, key: key, message: message)
        }
        guard target.directoryExists else {
            // Relative programs and scripts would all be missing too: one finding says why.
            let why = Self.describeMissing(target.directory, directory: true)
            return [issue(.cwdNotFound, "cwd", "working directory \(target.directory) \(why); `up` would fail this agent")]
        }
        var issues: [ManifestIssue] = []
        if case .failure(let failure) = target.program {
            issues.append(issue(.commandNotFound, "command", "cannot run \(failure.message); `up` would fail this agent"))
        }
        if let python = target.python, let script = target.script, !target.scriptExists {
            let place = python.script.hasPrefix("/") ? "" : " in \(target.directory)"
            issues.append(issue(.scriptNotFound, "command",
                                "script \(python.script)\(place) \(Self.describeMissing(script, directory: false)); `\(python.interpreter)` would exit at once"))
        }
        return issues
    }

    private func compileIssues(_ outcome: PythonCompileCheck.Outcome?, target: Target, python: PythonCommand) -> [ManifestIssue] {
        let spec = target.spec
        let line = manifest!.line(of: spec.name, key: "command")
        let message: String
        switch outcome {
        case .compiled(let result)?:
            if result.ok { return [] }
            message = "\(result.describe(shownAs: python.script)); the script does not compile"
        case .unchecked(let reason)?:
            message = "\(python.script) could not be compiled by \(python.interpreter): \(reason)"
        case nil:
            message = "\(python.script) could not be compiled by \(python.interpreter)"
        }
        return [ManifestIssue(.error, .scriptSyntax, file: manifest!.file, line: line, agent: spec.name, key: "command", message: message)]
    }

    /// What the agent binds: its BIND_ADDRESS (legacy agents) or its host's address.
    private func bindAddress(of target: Target) -> String? {
        target.environment["BIND_ADDRESS"] ?? configuration.hosts[target.spec.host]?.address
    }

    /// Hosts whose supervisor is running now (their agents hold their own ports).
    private func runningHosts(_ targets: [Target]) -> [String: String] {
        var running: [String: String] = [:]
        for name in Set(targets.map(\.spec.host)) {
            if let pid = HostLock.holder(directory: configuration.baseDirectory + "/run", host: name) { running[name] = pid }
        }
        return running
    }

    private func runsHere(_ host: String) -> Bool {
        guard let entry = configuration.hosts[host] else { return false }
        return entry.isLoopback || localAddresses.contains(entry.address)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR && access(path, X_OK) == 0
    }

    static func isReadableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }

    /// Why `path` is not the directory (or readable file) it should be: "does not exist",
    /// "is not a directory", "cannot be read (permission denied)", ...
    static func describeMissing(_ path: String, directory: Bool) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            return code == ENOENT ? "does not exist" : "cannot be reached: \(String(cString: strerror(code))) (errno \(code))"
        }
        let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        if directory {
            return isDirectory ? "cannot be entered (permission denied)" : "is not a directory"
        }
        if isDirectory { return "is a directory" }
        return (info.st_mode & S_IFMT) == S_IFREG ? "cannot be read (permission denied)" : "is not a regular file"
    }
}

import CSpawn
import Foundation
import SupervisorModel

/// A started agent process: its pid (also its process group), the pidfd it is reaped through,
/// and the read ends of its stdout and stderr pipes.
public struct LaunchedProcess: Sendable {
    public var pid: Int32
    public var pidfd: Int32
    public var stdout: Int32
    public var stderr: Int32
}

/// Starts agent processes through the C shim. Must be called from the reactor thread: the
/// parent-death signal is tied to the thread that forks.
public struct AgentLauncher {
    /// The folder relative paths in the manifest are taken from.
    public var baseDirectory: String
    /// The supervisor's environment, passed on to every agent.
    public var inheritedEnvironment: [String: String] {
        didSet { inherited = InheritedEnvironment(inheritedEnvironment) }
    }
    /// The legacy variables' source (manifest and hosts); nil: only the basic three.
    public var legacy: LegacyEnvironment?
    /// `SUPERVISOR_RUN`'s value for every process started (agents and health commands); nil: none.
    public var runMarker: String?
    /// `inheritedEnvironment` as exec takes it, made once (a start adds only its own variables).
    private var inherited: InheritedEnvironment
    /// The RLIMIT_NOFILE soft limit every process started gets back (the one the supervisor
    /// started with, before it raised its own; many programs use select() and break above
    /// 1024); below 0: leave the limit alone. Passed as `descriptorLimit` to `spawn`.
    public var nofileSoftLimit: Int64 = -1

    /// Where a bare program name is looked for when the environment has no PATH.
    public static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"

    public init(baseDirectory: String, inheritedEnvironment: [String: String]) {
        self.baseDirectory = baseDirectory
        self.inheritedEnvironment = inheritedEnvironment
        inherited = InheritedEnvironment(inheritedEnvironment)
    }

    /// The working directory an agent runs in.
    public func workingDirectory(for spec: AgentSpec) -> String {
        guard let cwd = spec.cwd, !cwd.isEmpty else { return baseDirectory }
        return cwd.hasPrefix("/") ? cwd : baseDirectory + "/" + cwd
    }

    /// The environment `spec`'s processes get, with the run marker.
    public func environment(for spec: AgentSpec) -> [String: String] {
        inheritedEnvironment.merging(ownVariables(for: spec)) { _, own in own }
    }

    /// What `spec` sets on top of the inherited environment: the legacy variables, the
    /// manifest's `env`, AGENT_NAME and the ports, and the run marker.
    func ownVariables(for spec: AgentSpec) -> [String: String] {
        var variables = AgentEnvironment.build(for: spec, inherited: [:], legacy: legacy)
        if let runMarker { variables[RunTag.variable] = runMarker }
        return variables
    }

    /// Starts `spec`'s command with stdout/stderr on fresh pipes. A failure carries a sentence
    /// with the errno (command not found, not executable, bad cwd, ...).
    public func launch(_ spec: AgentSpec, cgroupProcs: [String] = []) -> Result<LaunchedProcess, ExecutableResolver.Failure> {
        let own = ownVariables(for: spec)
        let searchPath = own["PATH"] ?? inheritedEnvironment["PATH"] ?? Self.defaultSearchPath
        let directory = workingDirectory(for: spec)
        let path: String
        switch ExecutableResolver.resolve(spec.command[0], directory: directory, searchPath: searchPath) {
        case .success(let resolved): path = resolved
        case .failure(let failure): return .failure(failure)
        }
        let output: (read: Int32, write: Int32)
        let errors: (read: Int32, write: Int32)
        do {
            output = try Descriptor.pipe()
        } catch {
            return .failure(ExecutableResolver.Failure(errno: (error as? SystemError)?.errno ?? EIO, message: "\(error)"))
        }
        do {
            errors = try Descriptor.pipe()
        } catch {
            close(output.read)
            close(output.write)
            return .failure(ExecutableResolver.Failure(errno: (error as? SystemError)?.errno ?? EIO, message: "\(error)"))
        }
        defer {
            close(output.write)
            close(errors.write)
        }
        // Lives until the end of this function, past every spawn that reads its pointers.
        let environment = inherited.with(own)
        defer { withExtendedLifetime(environment) {} }
        var result = Self.spawn(
            path: path, arguments: spec.command, envp: environment.pointer, directory: directory,
            stdout: output.write, stderr: errors.write, cgroupProcs: cgroupProcs,
            descriptorLimit: nofileSoftLimit)
        // ETXTBSY: a script written just now may still be open for writing in a child another
        // thread forked before that child's exec closed it. It clears in milliseconds.
        var attempts = 1
        while case .failure(let failure) = result, failure.errno == ETXTBSY, attempts < 20 {
            usleep(5_000)
            attempts += 1
            result = Self.spawn(
                path: path, arguments: spec.command, envp: environment.pointer, directory: directory,
                stdout: output.write, stderr: errors.write, cgroupProcs: cgroupProcs,
                descriptorLimit: nofileSoftLimit)
        }
        switch result {
        case .success(let (pid, pidfd)):
            return .success(LaunchedProcess(pid: pid, pidfd: pidfd, stdout: output.read, stderr: errors.read))
        case .failure(let failure):
            close(output.read)
            close(errors.read)
            return .failure(failure)
        }
    }

    /// clone/exec (see cspawn_spawn) with a parent-death signal (SIGKILL unless told otherwise; 0
    /// for none) and a process group of its own; `descriptorLimit` (when >= 0) lowers the child's
    /// soft RLIMIT_NOFILE back to the limit the supervisor started with.
    public static func spawn(
        path: String, arguments: [String], environment: [String: String], directory: String?,
        stdout: Int32, stderr: Int32, cgroupProcs: [String] = [], deathSignal: Int32 = SIGKILL,
        descriptorLimit: Int64 = -1
    ) -> Result<(pid: Int32, pidfd: Int32), ExecutableResolver.Failure> {
        let envp = CStringArray(environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        return withExtendedLifetime(envp) {
            spawn(
                path: path, arguments: arguments, envp: envp.pointer, directory: directory, stdout: stdout,
                stderr: stderr, cgroupProcs: cgroupProcs, deathSignal: deathSignal, descriptorLimit: descriptorLimit)
        }
    }

    /// `spawn` with the environment already as exec takes it (`ExecEnvironment`); the caller
    /// keeps `envp` alive for the call.
    static func spawn(
        path: String, arguments: [String], envp: UnsafePointer<UnsafeMutablePointer<CChar>?>, directory: String?,
        stdout: Int32, stderr: Int32, cgroupProcs: [String] = [], deathSignal: Int32 = SIGKILL,
        descriptorLimit: Int64 = -1
    ) -> Result<(pid: Int32, pidfd: Int32), ExecutableResolver.Failure> {
        let argv = CStringArray(arguments)
        let cgroups = CStringArray(cgroupProcs)
        var result = cspawn_result()
        // The arrays own the C strings: they must outlive the call, not just the reads of `.pointer`.
        let rc: Int32 = withExtendedLifetime((argv, cgroups)) {
            path.withCString { cPath in
                withOptionalCString(directory) { cDirectory in
                    var request = cspawn_request(
                        path: cPath, argv: argv.pointer, envp: envp, cwd: cDirectory,
                        stdin_fd: -1, stdout_fd: stdout, stderr_fd: stderr, death_signal: deathSignal,
                        cgroup_procs: cgroupProcs.isEmpty ? nil : cgroups.pointer, nofile_soft: descriptorLimit)
                    return cspawn_spawn(&request, &result)
                }
            }
        }
        guard rc == 0 else {
            let stage: String
            switch Int(result.stage) {
            case Int(CSPAWN_STAGE_CWD.rawValue): stage = "cannot enter working directory \(directory ?? "")"
            case Int(CSPAWN_STAGE_EXEC.rawValue): stage = "exec \(path) failed"
            case Int(CSPAWN_STAGE_CGROUP.rawValue): stage = "cannot join cgroup"
            case Int(CSPAWN_STAGE_FORK.rawValue): stage = "fork failed"
            default: stage = "process set-up failed"
            }
            let message = "\(stage): \(String(cString: strerror(result.error))) (errno \(result.error))"
            return .failure(ExecutableResolver.Failure(errno: result.error, message: message))
        }
        return .success((result.pid, result.pidfd))
    }
}

/// A NULL-terminated `char *[]` kept alive for the duration of a spawn.
final class CStringArray {
    private let storage: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count + 1
        storage = .allocate(capacity: count)
        for (index, string) in strings.enumerated() { storage[index] = strdup(string) }
        storage[strings.count] = nil
    }

    deinit {
        for index in 0..<count { free(storage[index]) }
        storage.deallocate()
    }

    var pointer: UnsafePointer<UnsafeMutablePointer<CChar>?> { UnsafePointer(storage) }
}

private func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}

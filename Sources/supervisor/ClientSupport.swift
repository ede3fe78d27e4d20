import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

/// The exit codes of every verb, in one table (README "Exit status", `supervisor --help`).
/// 3 is "not running" as with systemctl; ArgumentParser's own usage errors (64) become 2.
enum CLIExit {
    /// The operation failed: a command refused, a check found errors, a supervisor stopped.
    static let failure = ExitCode(1)
    /// Bad arguments or bad files (a manifest or hosts file with errors, a missing key).
    static let usage = ExitCode(2)
    /// No supervisor answers.
    static let notRunning = ExitCode(3)
    /// An unknown agent, group or host.
    static let notFound = ExitCode(4)

    /// The table as `--help` and README show it.
    static let table = """
        Exit status (every verb): 0 ok; 1 the operation failed; 2 usage: bad arguments or bad \
        files; 3 not running: no supervisor answers; 4 not found: unknown agent, group or host.
        """
}

/// The CurveZMQ key a client verb presents (docs/security.md).
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "CurveZMQ client key: keys/clients/NAME.key, or none. Default: $SUPERVISOR_KEY, else admin for hosts not on loopback when that key exists.",
        valueName: "name"))
    var key: String?

    @Option(name: .customLong("keys"), help: ArgumentHelp(
        "The key directory. Default: keys beside the manifest.", valueName: "dir"))
    var keysDirectory: String?
}

/// What the client verbs share: reading `hosts` (and the manifest, to find an agent's host),
/// and the CurveZMQ credentials for each host.
final class ClientContext {
    let hosts: HostTable
    private let manifestPath: String
    private let hostsPath: String
    /// The key asked for (`--key` or `$SUPERVISOR_KEY`); nil: choose per host.
    private let keyName: String?
    private let keyStore: KeyStore

    /// The manifest, read only when a verb needs it (to map agent names to hosts): `status`
    /// of a whole host never pays for parsing it.
    lazy var manifest: Manifest? = Configuration.load(manifestPath: manifestPath, hostsPath: hostsPath).manifest

    convenience init(files: FileOptions, keys: KeyOptions? = nil) throws {
        try self.init(manifestPath: files.manifest, hostsPath: files.hosts, key: keys?.key, keysDirectory: keys?.keysDirectory)
    }

    /// The same from plain values (`--manifest`, `--hosts`, `--key`, `--keys`); no key
    /// directory: `keys` beside the manifest.
    init(manifestPath: String, hostsPath: String, key: String?, keysDirectory: String?) throws {
        self.manifestPath = manifestPath
        self.hostsPath = hostsPath
        let fromEnvironment = ProcessInfo.processInfo.environment["SUPERVISOR_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        keyName = key ?? fromEnvironment
        keyStore = KeyStore(directory: keysDirectory ?? ManifestDiscovery.keysDirectory(besideManifest: manifestPath))
        unblockTerminationSignals()
        let (hosts, issues) = HostTable.load(path: hostsPath)
        guard issues.errors.isEmpty else {
            for issue in issues { printError(issue.description) }
            throw CLIExit.usage
        }
        self.hosts = hosts
    }

    /// The named host, or an error listing the known ones.
    func host(_ name: String) throws -> HostTable.Host {
        if let host = hosts[name] { return host }
        let names = hosts.hosts.map(\.name)
        let hint = Spelling.closest(to: name, among: names).map { " Did you mean '\($0)'?" } ?? ""
        printError("unknown host '\(name)': the hosts file lists \(names.joined(separator: ", ")).\(hint)")
        throw CLIExit.notFound
    }

    /// Splits a selection (names, `group:<g>`, `all`) by host, using the manifest for names.
    /// With `host` given, everything goes to that host.
    /// `directly` is the advice, in the verb's own words, for asking a host that the manifest
    /// does not name (`--host HOST` for start, stop, restart and logs).
    func selectionByHost(
        _ selection: [String], host: String?, directly: String = "use --host HOST to ask that host's supervisor directly"
    ) throws -> [(HostTable.Host, [String])] {
        if let host { return [(try self.host(host), selection)] }
        var result: [String: [String]] = [:]
        for item in selection {
            if item == "all" || item.hasPrefix("group:") {
                let group = item.hasPrefix("group:") ? String(item.dropFirst(6)) : nil
                let owners = manifest?.agents.filter { group == nil || $0.group == group }.map(\.host) ?? hosts.hosts.map(\.name)
                if let group, owners.isEmpty {
                    let groups = Set(manifest?.agents.compactMap(\.group) ?? []).sorted()
                    let close = Spelling.closeMatches(to: group, among: groups)
                    let hint = close.isEmpty ? "" : " Did you mean \(close.map { "group:\($0)" }.joined(separator: ", "))?"
                    printError("no agent in the manifest is in group '\(group)'.\(hint)")
                    throw CLIExit.notFound
                }
                for owner in Set(owners) { result[owner, default: []].append(item) }
            } else if let agent = manifest?[item] {
                result[agent.host, default: []].append(item)
            } else {
                let close = Spelling.closeMatches(to: item, among: manifest?.agents.map(\.name) ?? [])
                let hint = close.isEmpty ? "" : " Did you mean \(close.joined(separator: ", "))?"
                printError("no agent named '\(item)' in the manifest.\(hint) (An agent the manifest does not list: \(directly).)")
                throw CLIExit.notFound
            }
        }
        return try hosts.hosts.map(\.name).filter { result[$0] != nil }.map { (try self.host($0), result[$0]!) }
    }

    /// Hosts a host-wide verb applies to: the named one, or every host in the file.
    func targets(_ name: String?) throws -> [HostTable.Host] {
        try name.map { [try host($0)] } ?? hosts.hosts
    }

    /// A control client for `host`, with CurveZMQ when a key is asked for, or by default when
    /// the host is not on loopback and the `admin` key is there.
    func client(for host: HostTable.Host) throws -> ControlClient {
        ControlClient(host: host, credentials: try credentials(for: host))
    }

    /// The credentials for `host`; nil for plain ZeroMQ. A key asked for that cannot be loaded
    /// is an error naming the file.
    func credentials(for host: HostTable.Host) throws -> ClientCredentials? {
        if keyName == "none" { return nil }
        do {
            if let keyName { return try ClientCredentials.client(keyName, toReach: host.name, in: keyStore) }
            guard !host.isLoopback, FileManager.default.fileExists(atPath: keyStore.clientKeyPath("admin")) else { return nil }
            return try ClientCredentials.client("admin", toReach: host.name, in: keyStore)
        } catch {
            printError("\(host.name): \(error.description)")
            throw CLIExit.usage
        }
    }

    /// Sends `command` to each target and hands every answer to `handle`. A host that is not
    /// running is an error when it was named, and skipped (or printed, with
    /// `reportUnreachable`) otherwise. Exit 3 when no supervisor answered at all.
    func askEach<Reply: Decodable>(
        _ targets: [HostTable.Host], _ command: ControlCommand, as type: Reply.Type, named: Bool,
        reportUnreachable: Bool = false, handle: (HostTable.Host, Reply) throws -> Void
    ) throws {
        var reached = 0
        for target in targets {
            switch try client(for: target).request(command, as: type) {
            case .success(let data):
                reached += 1
                try handle(target, data)
            case .failure(let error) where error.code == .unreachable && !named:
                if reportUnreachable { print("\(target.name): \(error.message)") }
            case .failure(let error):
                throw fail(error, host: target)
            }
        }
        if reached == 0 {
            if !reportUnreachable { printError("no supervisor running for \(targets.map(\.name).joined(separator: ", "))") }
            throw CLIExit.notRunning
        }
    }

    /// The targets whose supervisor answers a `ping`, with the `instance` it named. Exit 3 with
    /// one line per host when none does (ZeroMQ connects never fail, so a subscriber would
    /// otherwise wait forever in silence); a refused key is an error.
    func requireRunning(_ targets: [HostTable.Host]) throws -> [(host: HostTable.Host, instance: String?)] {
        var running: [(host: HostTable.Host, instance: String?)] = []
        for target in targets {
            switch try client(for: target).request(.ping, as: PingReply.self, timeout: 5) {
            case .failure(let error) where error.code == .unreachable:
                continue
            case .failure(let error) where error.code == .unauthenticated:
                throw fail(error, host: target)
            case .failure:
                running.append((target, nil))
            case .success(let ping):
                running.append((target, ping.instance))
            }
        }
        guard running.isEmpty else { return running }
        for target in targets {
            printError("\(target.name): no supervisor running (nothing listens on \(ControlClient(host: target).endpoint))")
        }
        throw CLIExit.notRunning
    }
}

/// Prints a control error the way every verb does, and turns it into the exit code.
func fail(_ error: ControlError, host: HostTable.Host) -> ExitCode {
    printError("\(host.name): \(error.message)")
    if let details = error.details, error.code == .manifestInvalid {
        for line in details { printError("  \(line)") }
    }
    switch error.code {
    case .unreachable: return CLIExit.notRunning
    case .agentNotFound: return CLIExit.notFound
    default: return CLIExit.failure
    }
}

/// JSON text of a reply's data, for `--json`: indented, keys in order.
func jsonText(_ value: JSONValue) -> String {
    value.prettyText()
}

/// Flushes `print` output now (for streaming verbs and pipes).
func flushStandardOutput() {
    fflush(nil)
}

/// A parent (a test runner, a service manager) may start us with SIGINT/SIGTERM blocked; the
/// long-running verbs (`logs -f`, `events`, `status --watch`) must still stop on them.
func unblockTerminationSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

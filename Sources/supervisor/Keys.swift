import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor keys ...`: the CurveZMQ keys for authenticated remote control.
    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys",
            abstract: "Make and manage the CurveZMQ keys for authenticated remote control.",
            discussion: "Keys live in keys/ (git-ignored). See docs/security.md.",
            subcommands: [Init.self])
    }
}

extension SupervisorCommand.Keys {
    /// `supervisor keys init [--keys DIR] [--hosts FILE] [--client NAME:RIGHT ...] [--force]`
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the missing keys: one per host supervisor and per client, and keys/authorized.",
            discussion: """
                Makes keys/hosts/<host>.key and .pub for every host of the hosts file, \
                keys/clients/<name>.key and .pub for each client, and adds a line to \
                keys/authorized for each new key (clients with their right, hosts with read). \
                Existing keys and lines are kept; --force makes new keys (their authorized lines \
                get the new key). Directories are made 0700, files 0600.
                Exit status: 0 when every file is in place; 1 when a key could not be written; 2 when \
                the hosts file has errors.
                """)

        @Option(name: .long, help: "The key directory.")
        var keys = "keys"

        @Option(name: .long, help: "The hosts file (name address control-port per line).")
        var hosts = "hosts"

        @Option(name: .customLong("client"), help: ArgumentHelp(
            "A client key and its right, read or admin (repeatable; default: admin:admin and monitor:read).",
            valueName: "name:right"), transform: ClientKeySpec.parse)
        var clients: [ClientKeySpec] = []

        @Flag(help: "Replace existing keys with new ones (clients and hosts using the old keys are then refused).")
        var force = false

        func run() throws {
            let (table, hostIssues) = HostTable.load(path: hosts)
            for issue in hostIssues { printError(issue.description) }
            guard hostIssues.errors.isEmpty else {
                printError("no keys made: fix \(hosts) first (supervisor check)")
                throw CLIExit.usage
            }
            let wanted = clients.isEmpty ? [ClientKeySpec(name: "admin", right: .admin), ClientKeySpec(name: "monitor", right: .read)] : clients
            let store = KeyStore(directory: keys)
            let report: KeyStore.InitReport
            do {
                report = try store.initialize(hosts: table.hosts.map(\.name), clients: wanted.map { ($0.name, $0.right) }, force: force)
            } catch {
                printError(error.description)
                throw CLIExit.failure
            }
            for item in report.items {
                let action = item.action.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                print("\(action) \(item.path)\(item.note.map { " (\($0))" } ?? "")")
            }
            for issue in report.issues { printError("\(issue.description) (line left as it is; it grants nothing)") }
            print(Self.reminder(store: store, hosts: table.hosts.map(\.name), clients: wanted.map(\.name)))
        }

        /// What to copy where, and that the folder stays out of git.
        static func reminder(store: KeyStore, hosts: [String], clients: [String]) -> String {
            var lines = ["", "Each machine needs its own host key, every host's .pub and \(store.authorizedPath):"]
            for host in hosts {
                lines.append("  \(host): \(store.hostKeyPath(host)), \(store.hostsDirectory)/*.pub, \(store.authorizedPath)")
            }
            lines.append("A CLI on another machine needs its client key (e.g. \(store.clientKeyPath(clients.first ?? "admin"))) and \(store.hostsDirectory)/*.pub.")
            lines.append("Copy them to the same paths with their modes (scp -p; folders 0700, files 0600).")
            lines.append(store.directory == "keys"
                ? "keys/ is git-ignored: git does not carry these files, and secret keys must never be committed."
                : "Keep \(store.directory)/ out of version control: secret keys must never be committed.")
            return lines.joined(separator: "\n")
        }
    }
}

/// `--client NAME:RIGHT`, e.g. `ops:admin`.
struct ClientKeySpec: ExpressibleByArgument {
    var name: String
    var right: ControlCommand.Right

    init(name: String, right: ControlCommand.Right) {
        self.name = name
        self.right = right
    }

    init?(argument: String) {
        guard let spec = try? Self.parse(argument) else { return nil }
        self = spec
    }

    /// Parses `name:right`, explaining what is wrong (with a did-you-mean for the right).
    static func parse(_ argument: String) throws -> ClientKeySpec {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw ValidationError("expected name:right, e.g. ops:admin or dashboard:read")
        }
        if let reason = AuthorizedKeys.nameProblem(parts[0]) {
            throw ValidationError("the name '\(parts[0])' \(reason)")
        }
        guard let right = ControlCommand.Right(rawValue: parts[1]) else {
            let close = Spelling.closest(to: parts[1], among: AuthorizedKeys.rightNames).map { "; did you mean \"\($0)\"?" } ?? ""
            throw ValidationError("unknown right \"\(parts[1])\"; rights: read, admin\(close)")
        }
        return ClientKeySpec(name: parts[0], right: right)
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

import Foundation
import SupervisorModel

extension KeyStore {
    /// What `initialize` did, file by file, in the order it went.
    public struct InitReport: Equatable, Sendable {
        /// What happened to one file.
        public enum Action: String, Sendable {
            /// It did not exist and was written.
            case created
            /// It existed and was left as it was (its mode may have been tightened).
            case kept
            /// It existed and was written anew (`force`, or a `.pub` that no longer matched).
            case replaced
            /// `authorized`: lines were added or a regenerated key was updated in place.
            case updated
        }

        /// One file.
        public struct Item: Equatable, Sendable {
            public var path: String
            public var action: Action
            /// What changed or why it was kept, e.g. `added admin (admin), mainpc (read)`.
            public var note: String?
        }

        public var items: [Item] = []
        /// Problems found in an existing `authorized` file (its bad lines are left as they are).
        public var issues: [KeyIssue] = []

        /// Paths written (created, replaced or updated).
        public var written: [String] { items.filter { $0.action != .kept }.map(\.path) }
        /// Paths left untouched.
        public var kept: [String] { items.filter { $0.action == .kept }.map(\.path) }
    }

    /// Creates the key directory and every missing key: one pair per host supervisor and per
    /// client, their `.pub` files, and an `authorized` entry for each (clients with their right,
    /// hosts with `read` under the host's name, so supervisors can watch each other). Existing
    /// keys are kept unless `force`; existing `authorized` lines are never removed (a line whose
    /// key was regenerated gets the new key). Directories end up 0700, files 0600.
    public func initialize(
        hosts: [String], clients: [(name: String, right: ControlCommand.Right)], force: Bool
    ) throws(KeyIssue) -> InitReport {
        let wanted = hosts.map { (owner: KeyFileText.Owner.host($0), name: $0, right: ControlCommand.Right.read) }
            + clients.map { (owner: KeyFileText.Owner.client($0.name), name: $0.name, right: $0.right) }
        var seen: [String: KeyFileText.Owner] = [:]
        for item in wanted {
            try checkName(item.owner)
            if let first = seen[item.name] {
                throw KeyIssue(.duplicateName, message: "'\(item.name)' is both \(first) and \(item.owner); names in \(authorizedPath) must be unique")
            }
            seen[item.name] = item.owner
        }
        for folder in [directory, hostsDirectory, clientsDirectory] { try Self.makePrivateDirectory(folder) }

        var report = InitReport()
        var keys: [(name: String, right: ControlCommand.Right, publicKey: String, generated: Bool, pubPath: String)] = []
        for item in wanted {
            let (keyPath, pubPath) = switch item.owner {
            case .host(let name): (hostKeyPath(name), hostPublicKeyPath(name))
            case .client(let name): (clientKeyPath(name), clientPublicKeyPath(name))
            }
            let (pair, generated) = try ensurePair(item.owner, keyPath: keyPath, pubPath: pubPath, force: force, report: &report)
            keys.append((item.name, item.right, pair.publicKey, generated, pubPath))
        }
        try updateAuthorized(keys, report: &report)
        return report
    }

    /// The pair at `keyPath` (kept) or a new one (written), and a `.pub` that matches it.
    private func ensurePair(
        _ owner: KeyFileText.Owner, keyPath: String, pubPath: String, force: Bool, report: inout InitReport
    ) throws(KeyIssue) -> (CurveKeyPair, generated: Bool) {
        let keyExists = FileManager.default.fileExists(atPath: keyPath)
        var pair: CurveKeyPair
        var generated = false
        if keyExists && !force {
            do {
                pair = try loadPair(owner, path: keyPath)
            } catch {
                throw KeyIssue(error.code, file: error.file, line: error.line, message: error.message + "; fix or delete the file, or use --force to make a new key")
            }
            try Self.makePrivate(keyPath)
            report.items.append(.init(path: keyPath, action: .kept, note: "exists; --force makes a new key"))
        } else {
            pair = try CurveKeyPair.generate()
            generated = true
            try Self.writePrivate(keyPath, KeyFileText(publicKey: pair.publicKey, secretKey: pair.secretKey).formatted(owner: owner))
            report.items.append(.init(path: keyPath, action: keyExists ? .replaced : .created, note: nil))
        }
        let pubExists = FileManager.default.fileExists(atPath: pubPath)
        let current = Self.readText(pubPath).flatMap { try? KeyFileText.parse($0, file: pubPath, requireSecret: false) }
        if !generated, current?.publicKey == pair.publicKey {
            try Self.makePrivate(pubPath)
            report.items.append(.init(path: pubPath, action: .kept, note: nil))
        } else {
            try Self.writePrivate(pubPath, KeyFileText(publicKey: pair.publicKey).formatted(owner: owner))
            let note = pubExists && !generated ? "it did not match \(keyPath)" : nil
            report.items.append(.init(path: pubPath, action: pubExists ? .replaced : .created, note: note))
        }
        return (pair, generated)
    }

    /// Appends an entry per new name, puts regenerated keys into their existing lines, and
    /// leaves every other line (comments, hand-made entries, even bad lines) as it was.
    private func updateAuthorized(
        _ keys: [(name: String, right: ControlCommand.Right, publicKey: String, generated: Bool, pubPath: String)],
        report: inout InitReport
    ) throws(KeyIssue) {
        let existingText = Self.readText(authorizedPath)
        let exists = existingText != nil || FileManager.default.fileExists(atPath: authorizedPath)
        if exists && existingText == nil {
            throw KeyIssue(.fileUnreadable, file: authorizedPath, message: "\(authorizedPath) exists but cannot be read as text; fix or remove it")
        }
        let (current, issues) = AuthorizedKeys.parse(text: existingText ?? "", file: authorizedPath)
        report.issues = issues
        // Lines as the parser counts them (`\r\n` is one newline), so entry.line indexes them.
        var lines = (existingText ?? AuthorizedKeys.header)
            .split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var added: [String] = [], updated: [String] = [], notes: [String] = []
        for key in keys {
            if let entry = current.entry(named: key.name) {
                guard entry.publicKey != key.publicKey else { continue }
                if key.generated, lines.indices.contains(entry.line - 1) {
                    lines[entry.line - 1] = lines[entry.line - 1].replacingOccurrences(of: entry.publicKey, with: key.publicKey)
                    updated.append(key.name)
                } else {
                    notes.append("'\(key.name)' (line \(entry.line)) has another key than \(key.pubPath); left as it is")
                }
            } else if let holder = current.entry(forPublicKey: key.publicKey) {
                notes.append("the key of \(key.pubPath) is already listed as '\(holder.name)' (line \(holder.line)); not added again")
            } else {
                lines.append(AuthorizedKeys.line(for: .init(name: key.name, right: key.right, publicKey: key.publicKey)))
                added.append("\(key.name) (\(key.right.rawValue))")
            }
        }
        var summary: [String] = []
        if !added.isEmpty { summary.append("added " + added.joined(separator: ", ")) }
        if !updated.isEmpty { summary.append("new key for " + updated.joined(separator: ", ")) }
        summary += notes
        let note = summary.isEmpty ? nil : summary.joined(separator: "; ")
        if added.isEmpty && updated.isEmpty && exists {
            try Self.makePrivate(authorizedPath)
            report.items.append(.init(path: authorizedPath, action: .kept, note: note))
        } else {
            try Self.writePrivate(authorizedPath, lines.joined(separator: "\n") + "\n")
            report.items.append(.init(path: authorizedPath, action: exists ? .updated : .created, note: note))
        }
    }

    // MARK: Files with private modes

    /// Creates `path` as a 0700 directory, or sets an existing one to 0700.
    static func makePrivateDirectory(_ path: String) throws(KeyIssue) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw KeyIssue(.fileUnwritable, file: path, message: "\(path) exists and is not a directory")
            }
        } else if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw KeyIssue(.fileUnwritable, file: path, message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        try makePrivate(path, mode: 0o700)
    }

    /// Sets `path`'s mode (0600 unless told).
    static func makePrivate(_ path: String, mode: mode_t = 0o600) throws(KeyIssue) {
        guard chmod(path, mode) == 0 else {
            throw KeyIssue(.fileUnwritable, file: path, message: "cannot set the mode of \(path) to \(String(mode, radix: 8)): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `text` to `path` atomically (a 0600 temporary file in the same folder, renamed
    /// over it), so the file is never readable by others, not even for a moment.
    static func writePrivate(_ path: String, _ text: String) throws(KeyIssue) {
        let temporary = "\(path).tmp-\(getpid())"
        unlink(temporary)
        func failure(_ what: String) -> KeyIssue {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return KeyIssue(.fileUnwritable, file: path, message: "cannot write \(path) (\(what)): \(reason)")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("open") }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { close(fd); throw failure("write") }
            offset += written
        }
        // The umask may have removed bits, never added any; fchmod makes it exactly 0600.
        guard fchmod(fd, 0o600) == 0, fsync(fd) == 0 else { close(fd); throw failure("fchmod/fsync") }
        close(fd)
        guard rename(temporary, path) == 0 else { throw failure("rename") }
    }
}

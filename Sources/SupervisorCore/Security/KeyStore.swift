import Foundation
import SupervisorModel

/// The key directory (default `keys/`, git-ignored):
///
/// ```
/// keys/                    0700
///   hosts/<host>.key       0600  the supervisor of <host>: public + secret key
///   hosts/<host>.pub       0600  its public key only (what clients and other supervisors need)
///   clients/<name>.key     0600  a CLI/client key pair
///   clients/<name>.pub     0600
///   authorized             0600  the keys this supervisor accepts: name right public-key
/// ```
///
/// Not thread-safe: the daemon uses it from the reactor thread (its ZAP handler asks
/// `authorized()` at each new connection).
public final class KeyStore {
    /// The directory, as given (relative paths stay relative, so messages read `keys/...`).
    public let directory: String

    private var cachedAuthorized: Authorized?
    private var cachedSignature: FileSignature?

    public init(directory: String = "keys") {
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
    }

    // MARK: Paths

    /// `keys/hosts`.
    public var hostsDirectory: String { directory + "/hosts" }
    /// `keys/clients`.
    public var clientsDirectory: String { directory + "/clients" }
    /// `keys/authorized`.
    public var authorizedPath: String { directory + "/authorized" }
    /// `keys/hosts/<host>.key`.
    public func hostKeyPath(_ host: String) -> String { "\(hostsDirectory)/\(host).key" }
    /// `keys/hosts/<host>.pub`.
    public func hostPublicKeyPath(_ host: String) -> String { "\(hostsDirectory)/\(host).pub" }
    /// `keys/clients/<name>.key`.
    public func clientKeyPath(_ name: String) -> String { "\(clientsDirectory)/\(name).key" }
    /// `keys/clients/<name>.pub`.
    public func clientPublicKeyPath(_ name: String) -> String { "\(clientsDirectory)/\(name).pub" }

    // MARK: Loading

    /// The key pair of `host`'s supervisor, from `keys/hosts/<host>.key`.
    public func hostKey(_ host: String) throws(KeyIssue) -> CurveKeyPair {
        try loadPair(.host(host), path: hostKeyPath(host))
    }

    /// The public key of `host`'s supervisor, from `keys/hosts/<host>.pub` (or its `.key`).
    public func hostPublicKey(_ host: String) throws(KeyIssue) -> String {
        try loadPublic(.host(host), path: hostPublicKeyPath(host), pairPath: hostKeyPath(host))
    }

    /// The key pair of a client, from `keys/clients/<name>.key`.
    public func clientKey(_ name: String) throws(KeyIssue) -> CurveKeyPair {
        try loadPair(.client(name), path: clientKeyPath(name))
    }

    /// The public key of a client, from `keys/clients/<name>.pub` (or its `.key`).
    public func clientPublicKey(_ name: String) throws(KeyIssue) -> String {
        try loadPublic(.client(name), path: clientPublicKeyPath(name), pairPath: clientKeyPath(name))
    }

    /// `keys/authorized` as of now, read again only when the file changed (inode, size, mtime or
    /// ctime), so removing a line revokes a key at the next connection without a restart.
    public func authorized() -> Authorized {
        let signature = FileSignature(path: authorizedPath)
        if let cachedAuthorized, signature == cachedSignature {
            var unchanged = cachedAuthorized
            unchanged.reloaded = false
            return unchanged
        }
        var result: Authorized
        if signature != nil, let text = Self.readText(authorizedPath) {
            let (keys, issues) = AuthorizedKeys.parse(text: text, file: authorizedPath)
            result = Authorized(keys: keys, issues: issues, reloaded: true)
        } else {
            let issue = KeyIssue(.fileUnreadable, file: authorizedPath, message: "\(authorizedPath) does not exist or cannot be read, so every key is refused; run `supervisor keys init`")
            result = Authorized(keys: AuthorizedKeys(file: authorizedPath, entries: []), issues: [issue], reloaded: true)
        }
        cachedAuthorized = result
        cachedSignature = signature
        return result
    }

    /// What `authorized()` returns.
    public struct Authorized: Equatable, Sendable {
        /// The accepted keys (the good lines).
        public var keys: AuthorizedKeys
        /// Problems in the file (bad lines grant nothing), or its absence.
        public var issues: [KeyIssue]
        /// True when this call read the file (the first call, or the file changed): the moment
        /// to log `issues`.
        public var reloaded: Bool
    }

    // MARK: Helpers shared with KeyStore+Initialize

    func loadPair(_ owner: KeyFileText.Owner, path: String) throws(KeyIssue) -> CurveKeyPair {
        try checkName(owner)
        guard let text = Self.readText(path) else {
            throw KeyIssue(.fileUnreadable, file: path, message: "no key for \(owner): \(path) does not exist or cannot be read; run `supervisor keys init` (or copy the file from the machine where the keys were made)")
        }
        let parsed = try KeyFileText.parse(text, file: path, requireSecret: true)
        return try CurveKeyPair(publicKey: parsed.publicKey, secretKey: parsed.secretKey!, file: path)
    }

    func loadPublic(_ owner: KeyFileText.Owner, path: String, pairPath: String) throws(KeyIssue) -> String {
        try checkName(owner)
        guard let text = Self.readText(path) else {
            if FileManager.default.fileExists(atPath: pairPath) { return try loadPair(owner, path: pairPath).publicKey }
            throw KeyIssue(.fileUnreadable, file: path, message: "no public key for \(owner): \(path) does not exist or cannot be read; run `supervisor keys init` (or copy the .pub file from the machine where the keys were made)")
        }
        return try KeyFileText.parse(text, file: path, requireSecret: false).publicKey
    }

    func checkName(_ owner: KeyFileText.Owner) throws(KeyIssue) {
        if let reason = AuthorizedKeys.nameProblem(owner.name) {
            throw KeyIssue(.badName, message: "\(owner.role) name '\(owner.name)' \(reason)")
        }
    }

    static func readText(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
    }
}

/// What identifies one version of a file without reading it.
struct FileSignature: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim
        changed = info.st_ctim
    }

    static func == (a: FileSignature, b: FileSignature) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }
}

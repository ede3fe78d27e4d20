import Foundation

/// Where the manifest, the hosts file and the key directory are when the command line does not
/// say, found the way `docker compose` finds its file:
///
/// - the manifest: `--manifest PATH`, else `$SUPERVISOR_MANIFEST`, else `agents.yaml` in the
///   current folder, then in each parent folder up to `/`;
/// - the hosts file: `--hosts PATH`, else `$SUPERVISOR_HOSTS`, else `hosts` beside the manifest;
/// - the key directory: `--keys DIR`, else `keys` beside the manifest.
///
/// A manifest found in the current folder keeps the short name `agents.yaml` (messages read as
/// they always did); one found in a parent folder is an absolute path.
struct ManifestDiscovery: Equatable {
    static let manifestName = "agents.yaml"
    static let hostsName = "hosts"
    static let keysName = "keys"
    static let manifestVariable = "SUPERVISOR_MANIFEST"
    static let hostsVariable = "SUPERVISOR_HOSTS"

    /// The manifest's path as the verbs use it.
    let manifest: String
    /// The hosts file's path as the verbs use it.
    let hosts: String

    /// The folders searched, nearest first, when no manifest was found.
    struct NotFound: Error, Equatable {
        let searched: [String]

        /// One message: where it looked, and how to name a manifest.
        var message: String {
            let start = searched.first ?? "."
            let range = searched.count > 1 ? "\(start) or any parent folder up to /" : start
            return """
                no \(ManifestDiscovery.manifestName) found in \(range). Run the command in the folder \
                of your manifest (or below it), or name it: --manifest PATH or \
                \(ManifestDiscovery.manifestVariable)=PATH (the hosts file is then the `hosts` beside \
                it, unless --hosts PATH or \(ManifestDiscovery.hostsVariable)=PATH).
                """
        }
    }

    /// The paths for the given `--manifest` and `--hosts` values (nil: not given).
    /// Not found: no manifest named or found, and no hosts file named either. With a hosts file
    /// named but no manifest, the manifest is `agents.yaml` in the current folder as before:
    /// the host-wide verbs need only the hosts file, and the others report the missing manifest.
    static func locate(
        manifest givenManifest: String?, hosts givenHosts: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> Result<ManifestDiscovery, NotFound> {
        let namedHosts = givenHosts ?? nonEmpty(environment[hostsVariable])
        if let named = givenManifest ?? nonEmpty(environment[manifestVariable]) {
            return .success(ManifestDiscovery(manifest: named, hosts: namedHosts ?? beside(named, hostsName)))
        }
        let folders = searchedFolders(from: currentDirectory)
        for (index, folder) in folders.enumerated() {
            let candidate = folder == "/" ? "/" + manifestName : folder + "/" + manifestName
            guard isFile(candidate) else { continue }
            let path = index == 0 ? manifestName : candidate
            return .success(ManifestDiscovery(manifest: path, hosts: namedHosts ?? beside(path, hostsName)))
        }
        if let namedHosts { return .success(ManifestDiscovery(manifest: manifestName, hosts: namedHosts)) }
        return .failure(NotFound(searched: folders))
    }

    /// `locate`, or the not-found message on stderr and exit 2.
    static func locateOrExit(manifest: String?, hosts: String?) throws -> ManifestDiscovery {
        switch locate(manifest: manifest, hosts: hosts) {
        case .success(let found): return found
        case .failure(let notFound):
            printError(notFound.message)
            throw CLIExit.usage
        }
    }

    /// The key directory when `--keys` is not given: `keys` beside the manifest.
    static func keysDirectory(besideManifest manifest: String) -> String {
        beside(manifest, keysName)
    }

    /// `name` in the folder of `path`: plain `name` for a path without a folder, so that the
    /// defaults stay the relative names they always were.
    static func beside(_ path: String, _ name: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return name }
        let folder = path[..<slash]
        return folder.isEmpty ? "/" + name : folder + "/" + name
    }

    /// The current folder and each parent up to `/`, nearest first.
    static func searchedFolders(from directory: String) -> [String] {
        var folder = URL(fileURLWithPath: directory).standardizedFileURL.path
        var folders = [folder]
        while folder != "/", let slash = folder.lastIndex(of: "/") {
            folder = slash == folder.startIndex ? "/" : String(folder[..<slash])
            folders.append(folder)
        }
        return folders
    }

    private static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    private static func nonEmpty(_ value: String?) -> String? {
        value.flatMap { $0.isEmpty ? nil : $0 }
    }
}

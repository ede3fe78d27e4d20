/// The image the Compose, Swarm and Kubernetes exports run every agent in, and where the
/// supervisor's own programs (agent-sim) are inside it.
///
/// The manifest's `${SUPERVISOR_BIN_DIR}` expands to a folder on this machine (the one that
/// holds `supervisor`). That path means nothing in a container, so a command whose program lies
/// in that folder is written with the program in `imageBinaryDirectory` instead, where the
/// image `make image` builds (deploy/image) holds agent-sim. Every other command is kept as
/// written: the user's code and paths are the user's image's business.
public struct ContainerImage: Equatable, Sendable {
    /// The image `make image` builds from a local Debian root file system.
    public static let defaultName = "supervisor-agents:latest"
    /// Where that image holds agent-sim.
    public static let defaultBinaryDirectory = "/usr/local/bin"

    /// The image reference written into the files.
    public let name: String
    /// The folder `${SUPERVISOR_BIN_DIR}` expanded to on this machine, if known.
    public let hostBinaryDirectory: String?
    /// The folder that holds the same programs in the image.
    public let imageBinaryDirectory: String

    /// - Throws: `ExportError.badImage` when `name` is not an image reference (`[registry/]path[:tag][@digest]`).
    public init(
        name: String = ContainerImage.defaultName, hostBinaryDirectory: String? = nil,
        imageBinaryDirectory: String = ContainerImage.defaultBinaryDirectory
    ) throws(ExportError) {
        guard Self.isReference(name) else {
            throw ExportError(.badImage, "--image '\(name)' is not an image reference: use letters, digits and . _ - / : @ (for example myorg/agents:1)")
        }
        self.name = name
        let trimmed = hostBinaryDirectory.map { $0.hasSuffix("/") && $0.count > 1 ? String($0.dropLast()) : $0 }
        self.hostBinaryDirectory = trimmed.flatMap { $0.isEmpty ? nil : $0 }
        self.imageBinaryDirectory = imageBinaryDirectory
    }

    /// `command` as it runs in the image: a program in the supervisor's folder moves to the
    /// image's folder; anything else is unchanged.
    public func command(_ command: [String]) -> [String] {
        guard let program = command.first, let moved = imagePath(of: program) else { return command }
        return [moved] + command.dropFirst()
    }

    /// The image path of `program` when it lies directly in the supervisor's folder.
    public func imagePath(of program: String) -> String? {
        guard let folder = hostBinaryDirectory, program.hasPrefix(folder + "/") else { return nil }
        let file = program.dropFirst(folder.count + 1)
        guard !file.isEmpty, !file.contains("/") else { return nil }
        return imageBinaryDirectory + "/" + file
    }

    /// Letters, digits and `._-/:@`, starting with a letter or digit: what Docker accepts, loosely.
    static func isReference(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 255 else { return false }
        let allowed = { (scalar: Unicode.Scalar) in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-/:@".unicodeScalars.contains(scalar))
        }
        return first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first))
            && name.unicodeScalars.allSatisfy(allowed)
    }
}

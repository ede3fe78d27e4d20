/// The deployment formats `supervisor export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// One Docker Compose file (`compose.yaml`).
    case compose
    /// One stack file for `docker stack deploy` (`stack.yaml`): Compose without `depends_on`,
    /// with Swarm's restart policy.
    case swarm
    /// One file per agent with a Deployment and, when the agent has ports, a Service.
    case kubernetes
    /// One systemd service unit per agent and one target per host.
    case systemd
}

/// Why an export could not be produced.
public struct ExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The host filter names a host no agent runs on.
        case unknownHost = "export.unknown_host"
        /// Two agents map to the same service name.
        case nameClash = "export.name_clash"
        /// `--image` is not an image reference.
        case badImage = "export.bad_image"
    }

    public var code: Code
    /// A sentence for the user.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// What an export produced: files by relative path, plus notes for the user about what could
/// not be carried over.
public struct ExportResult: Equatable, Sendable {
    /// Relative path -> file text.
    public var files: [String: String]
    /// Things the target format cannot express (also written as comments in the files).
    public var notes: [String]

    public init(files: [String: String], notes: [String]) {
        self.files = files
        self.notes = notes
    }
}

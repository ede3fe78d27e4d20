/// One of the supervisor's own log files (supervisor.log, errors.log) in `status`, when it has
/// lost lines or cannot be written now.
public struct LogFileStatus: Equatable, Sendable, Codable {
    /// The file's path on the supervisor's machine.
    public var file: String
    /// Lines lost since the supervisor started.
    public var linesLost: Int
    /// Why writing fails, while it does.
    public var error: LogWriteError?

    enum CodingKeys: String, CodingKey {
        case file, error
        case linesLost = "lines_lost"
    }

    public init(file: String, linesLost: Int, error: LogWriteError?) {
        self.file = file
        self.linesLost = linesLost
        self.error = error
    }
}

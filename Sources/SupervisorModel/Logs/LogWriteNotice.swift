/// A log file began or stopped losing lines: the body of a `system.logs` event.
public struct LogWriteNotice: Equatable, Sendable, Codable {
    /// Whether writing now fails or works again.
    public enum State: String, Sendable, Codable {
        case failing, resumed
    }

    /// The file's path on the supervisor's machine.
    public var file: String
    /// The agent whose log it is; nil for supervisor.log and errors.log.
    public var agent: String?
    public var state: State
    /// Why writing fails (`failing` only).
    public var error: LogWriteError?
    /// Lines this file has lost since the supervisor started.
    public var linesLost: Int
    /// Lines lost from the start of the failure to now (`resumed` only).
    public var outageLinesLost: Int?
    /// The warning as written on stderr and in supervisor.log.
    public var message: String

    enum CodingKeys: String, CodingKey {
        case file, agent, state, error, message
        case linesLost = "lines_lost"
        case outageLinesLost = "outage_lines_lost"
    }

    /// The notice for `change`; `shownAs` names the file in the message (a shorter path).
    public init(file: String, agent: String?, change: LogLoss.Change, shownAs: String? = nil) {
        self.file = file
        self.agent = agent
        message = change.message(file: shownAs ?? file)
        switch change {
        case .began(let error, let lost):
            state = .failing
            self.error = error
            linesLost = lost
        case .resumed(let outage, let lost):
            state = .resumed
            linesLost = lost
            outageLinesLost = outage
        }
    }
}

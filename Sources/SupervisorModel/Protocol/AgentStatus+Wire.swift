extension AgentStatus: JSONObjectWritable {
    /// The fields, in key order: three runs of fields that change only with the agent's state
    /// (`AgentStatusFragments` keeps them encoded between requests), between the clock fields
    /// that change at every request (`last_exit` with its `ago`, `restart_in`, `uptime`).
    public func writeFields(to writer: inout JSONWriter) {
        writeHead(to: &writer)
        writeClock(of: .lastExit, to: &writer)
        writeMiddle(to: &writer)
        writeClock(of: .restartIn, to: &writer)
        writeTail(to: &writer)
        writeClock(of: .uptime, to: &writer)
    }

    /// The fields whose values change with time alone.
    enum ClockField {
        case lastExit, restartIn, uptime
    }

    func writeClock(of field: ClockField, to writer: inout JSONWriter) {
        switch field {
        case .lastExit: writer.field("last_exit", lastExit)
        case .restartIn: writer.field("restart_in", restartIn)
        case .uptime: writer.field("uptime", uptime)
        }
    }

    /// `blocked_by` to `host` (`blocked_by` is always there).
    func writeHead(to writer: inout JSONWriter) {
        writer.field("blocked_by", blockedBy)
        writer.field("cause", cause)
        writer.field("errors_per_minute", errorsPerMinute)
        writer.field("failure_reason", failureReason)
        writer.field("group", group)
        writer.field("health", health)
        writer.field("health_port", healthPort)
        writer.field("health_port_discovered", healthPortDiscovered)
        writer.field("host", host)
    }

    /// `log_error` to `resources` (`name` is always there).
    func writeMiddle(to writer: inout JSONWriter) {
        writer.field("log_error", logError)
        writer.field("log_lines_lost", logLinesLost)
        writer.field("name", name)
        writer.field("pid", pid)
        writer.field("port", port)
        writer.field("ready_after", readyAfter)
        if let remoteDependencies {
            writer.key("remote_dependencies")
            writer.array(remoteDependencies)
        }
        writer.field("required", required)
        writer.field("resources", resources)
    }

    /// `restarts` to `state_reason` (`restarts` is always there).
    func writeTail(to writer: inout JSONWriter) {
        writer.field("restarts", restarts)
        writer.field("start_queue", startQueue)
        writer.field("started_without", startedWithout)
        writer.field("started_without_detail", startedWithoutDetail)
        writer.field("state", state.rawValue)
        writer.field("state_reason", stateReason)
    }

    /// Whether every field but the clock fields is equal: what `AgentStatusFragments` keeps
    /// encoded. Compared in place (a copy with the clocks cleared cost a retain and a release
    /// per field, as much as the comparison); `AgentStatusStoredFields` in the tests fails when
    /// a field is added to `AgentStatus` and not here.
    func equalsAsideFromClocks(_ other: AgentStatus) -> Bool {
        guard name == other.name, host == other.host, group == other.group, state == other.state,
              pid == other.pid, restarts == other.restarts, health == other.health else { return false }
        guard readyAfter == other.readyAfter, blockedBy == other.blockedBy, startQueue == other.startQueue,
              cause == other.cause, failureReason == other.failureReason, stateReason == other.stateReason else { return false }
        guard startedWithout == other.startedWithout, startedWithoutDetail == other.startedWithoutDetail,
              required == other.required, port == other.port, healthPort == other.healthPort,
              healthPortDiscovered == other.healthPortDiscovered else { return false }
        guard resources == other.resources, errorsPerMinute == other.errorsPerMinute,
              remoteDependencies == other.remoteDependencies else { return false }
        return logLinesLost == other.logLinesLost && logError == other.logError
    }

    /// The stored fields `equalsAsideFromClocks` compares, and the clock fields it leaves out.
    static let comparedFields = [
        "name", "host", "group", "state", "pid", "restarts", "health", "readyAfter", "blockedBy", "startQueue",
        "cause", "failureReason", "stateReason", "startedWithout", "startedWithoutDetail", "required", "port",
        "healthPort", "healthPortDiscovered", "resources", "errorsPerMinute", "remoteDependencies",
        "logLinesLost", "logError",
    ]
    static let clockFields = ["uptime", "lastExit", "restartIn"]
}

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

    /// The status without its clock fields: what `AgentStatusFragments` encodes.
    var withoutClocks: AgentStatus {
        var copy = self
        copy.lastExit = nil
        copy.restartIn = nil
        copy.uptime = nil
        return copy
    }
}

extension AgentStatus: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writeFields(to: &writer, statics: nil)
    }

    /// The fields, in key order; `statics` holds the spec's fields encoded once (see
    /// `AgentStatusStatics`), so a status reply writes only what changes.
    public func writeFields(to writer: inout JSONWriter, statics: AgentStatusStatics?) {
        writer.field("blocked_by", blockedBy)
        writer.field("cause", cause)
        writer.field("errors_per_minute", errorsPerMinute)
        writer.field("failure_reason", failureReason)
        if let statics { statics.writeGroup(to: &writer) } else { writer.field("group", group) }
        writer.field("health", health)
        if let statics { statics.writeHealthPort(to: &writer) } else { writer.field("health_port", healthPort) }
        writer.field("health_port_discovered", healthPortDiscovered)
        if let statics { statics.writeHost(to: &writer) } else { writer.field("host", host) }
        writer.field("last_exit", lastExit)
        writer.field("log_error", logError)
        writer.field("log_lines_lost", logLinesLost)
        if let statics { statics.writeName(to: &writer) } else { writer.field("name", name) }
        writer.field("pid", pid)
        if let statics { statics.writePort(to: &writer) } else { writer.field("port", port) }
        writer.field("ready_after", readyAfter)
        if let remoteDependencies {
            writer.key("remote_dependencies")
            writer.array(remoteDependencies)
        }
        if let statics { statics.writeRequired(to: &writer) } else { writer.field("required", required) }
        writer.field("resources", resources)
        writer.field("restart_in", restartIn)
        writer.field("restarts", restarts)
        writer.field("start_queue", startQueue)
        writer.field("started_without", startedWithout)
        writer.field("started_without_detail", startedWithoutDetail)
        writer.field("state", state.rawValue)
        writer.field("state_reason", stateReason)
        writer.field("uptime", uptime)
    }
}

extension HostStatus: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writeFields(to: &writer, fragments: { _ in nil })
    }

    /// The fields, each agent from the `fragments` kept for it where there are some that match
    /// it (see `AgentStatusFragments`).
    public func writeFields(to writer: inout JSONWriter, fragments: (AgentStatus) -> AgentStatusFragments?) {
        writer.key("agents")
        writer.beginArray()
        for agent in agents {
            if let kept = fragments(agent) {
                kept.write(agent, to: &writer)
            } else {
                agent.write(to: &writer)
            }
        }
        writer.endArray()
        writer.field("awaiting_remote", awaitingRemote)
        writer.field("event_seq", eventSeq)
        writer.field("host", host)
        writer.field("instance", instance)
        writer.field("phase", phase)
        if let remoteHosts {
            writer.key("remote_hosts")
            writer.beginObject()
            for (name, state) in remoteHosts { writer.dynamicKey(name); writer.string(state.rawValue) }
            writer.endObject()
        }
        writer.field("starts", starts)
        if let supervisorLogs {
            writer.key("supervisor_logs")
            writer.array(supervisorLogs)
        }
        writer.field("supervisor_pid", supervisorPid)
        writer.key("totals")
        writer.beginObject()
        for (state, count) in totals { writer.dynamicKey(state); writer.number(count) }
        writer.endObject()
        writer.field("uptime", uptime)
    }
}

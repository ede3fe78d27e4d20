extension HostStatus: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writeFields(to: &writer, statics: { _ in nil })
    }

    /// The fields, each agent's static ones from `statics` where it has them.
    public func writeFields(to writer: inout JSONWriter, statics: (AgentStatus) -> AgentStatusStatics?) {
        writer.key("agents")
        writer.beginArray()
        for agent in agents {
            writer.beginObject()
            agent.writeFields(to: &writer, statics: statics(agent))
            writer.endObject()
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

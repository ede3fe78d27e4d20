extension RemoteDependencyStatus: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("detail", detail)
        writer.field("ready", ready)
    }
}

extension ExitSummary: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("ago", ago)
        writer.field("code", code)
        writer.field("detail", detail)
        writer.field("reason", reason)
        writer.field("signal", signal)
        writer.field("text", text)
    }
}

extension StartQueueStatus: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("position", position)
        writer.field("reason", reason)
    }
}

extension StartSlotsStatus: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("limit", limit)
        writer.field("queued", queued)
        writer.field("settle", settle)
        writer.field("starting", starting)
    }
}

extension ResourceFigures: JSONObjectWritable {
    /// As in `status`: `unenforced` always, even when empty.
    public func writeFields(to writer: inout JSONWriter) {
        writeFields(to: &writer, emptyUnenforced: true)
    }

    /// The figures; `agent.metrics` leaves out an empty `unenforced`.
    public func writeFields(to writer: inout JSONWriter, emptyUnenforced: Bool) {
        writer.field("cpu", cpu)
        writer.field("enforcement", enforcement.rawValue)
        writer.field("fds", fds)
        writer.field("processes", processes)
        writer.field("rss", rss)
        writer.field("threads", threads)
        writer.field("throttled", throttled)
        if emptyUnenforced || !unenforced.isEmpty { writer.field("unenforced", unenforced) }
    }
}

extension FailureCause: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("exception", exception)
        writer.field("kind", kind.rawValue)
        writer.field("location", location)
        writer.field("message", message)
        writer.field("stream", stream?.rawValue)
        // The human form too, so a client need not assemble it.
        writer.field("text", text)
    }
}

extension LogWriteError: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("code", code.rawValue)
        writer.field("errno", errno)
        writer.field("message", message)
    }
}

extension LogFileStatus: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("error", error)
        writer.field("file", file)
        writer.field("lines_lost", linesLost)
    }
}

// The `status` reply as a client reads it from a parsed frame: the same fields, kinds and
// optionality as the types' `Decodable` conformances (which stay, for other readers), without
// `JSONDecoder`'s generic machinery, most of what `supervisor status` spent reading a reply.

extension HostStatus: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(
            host: try object.string("host"),
            phase: try object.string("phase"),
            supervisorPid: try object.integer("supervisor_pid", as: Int32.self),
            uptime: try object.double("uptime"),
            agents: try object.objects("agents", as: AgentStatus.self),
            totals: try object.dictionary("totals") { value -> Int? in value.integer },
            remoteHosts: try object.dictionary(ifPresent: "remote_hosts") { value in value.string.flatMap(RemoteHostState.init(rawValue:)) },
            instance: try object.string(ifPresent: "instance"),
            eventSeq: try object.integer(ifPresent: "event_seq", as: UInt64.self),
            awaitingRemote: try object.strings(ifPresent: "awaiting_remote"),
            supervisorLogs: try object.objects(ifPresent: "supervisor_logs", as: LogFileStatus.self),
            starts: try object.object(ifPresent: "starts", as: StartSlotsStatus.self))
    }
}

extension AgentStatus: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(
            name: try object.string("name"),
            host: try object.string("host"),
            group: try object.string(ifPresent: "group"),
            state: try object.enumCase("state", as: AgentState.self),
            pid: try object.integer(ifPresent: "pid", as: Int32.self),
            uptime: try object.double(ifPresent: "uptime"),
            restarts: try object.integer("restarts"),
            health: try object.string("health"),
            readyAfter: try object.double(ifPresent: "ready_after"),
            blockedBy: try object.strings("blocked_by"),
            startQueue: try object.object(ifPresent: "start_queue", as: StartQueueStatus.self),
            lastExit: try object.object(ifPresent: "last_exit", as: ExitSummary.self),
            cause: try object.object(ifPresent: "cause", as: FailureCause.self),
            failureReason: try object.string(ifPresent: "failure_reason"),
            stateReason: try object.string(ifPresent: "state_reason"),
            startedWithout: try object.strings(ifPresent: "started_without"),
            startedWithoutDetail: try object.string(ifPresent: "started_without_detail"),
            required: try object.bool("required"),
            port: try object.integer(ifPresent: "port"),
            healthPort: try object.integer(ifPresent: "health_port"),
            healthPortDiscovered: try object.integer(ifPresent: "health_port_discovered"),
            restartIn: try object.double(ifPresent: "restart_in"),
            resources: try object.object(ifPresent: "resources", as: ResourceFigures.self),
            errorsPerMinute: try object.integer(ifPresent: "errors_per_minute"),
            remoteDependencies: try object.objects(ifPresent: "remote_dependencies", as: RemoteDependencyStatus.self),
            logLinesLost: try object.integer(ifPresent: "log_lines_lost"),
            logError: try object.object(ifPresent: "log_error", as: LogWriteError.self))
    }
}

extension RemoteDependencyStatus: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(agent: try object.string("agent"), ready: try object.bool("ready"), detail: try object.string("detail"))
    }
}

extension ExitSummary: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(
            code: try object.integer(ifPresent: "code", as: Int32.self),
            signal: try object.integer(ifPresent: "signal", as: Int32.self),
            reason: try object.string("reason"),
            detail: try object.string(ifPresent: "detail"),
            text: try object.string("text"),
            ago: try object.double("ago"))
    }
}

extension StartQueueStatus: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(position: try object.integer("position"), reason: try object.string("reason"))
    }
}

extension StartSlotsStatus: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(
            starting: try object.integer("starting"), limit: try object.integer("limit"),
            queued: try object.integer("queued"), settle: try object.double("settle"))
    }
}

extension ResourceFigures: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(
            enforcement: try object.enumCase("enforcement", as: LimitEnforcement.self),
            rss: try object.integer("rss", as: UInt64.self),
            cpu: try object.double(ifPresent: "cpu"),
            threads: try object.integer("threads"),
            fds: try object.integer("fds"),
            processes: try object.integer("processes"),
            throttled: try object.double(ifPresent: "throttled"),
            unenforced: try object.strings("unenforced"))
    }
}

extension FailureCause: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(
            kind: try object.enumCase("kind", as: Kind.self),
            message: try object.string("message"),
            location: try object.string(ifPresent: "location"),
            exception: try object.string(ifPresent: "exception"),
            stream: try object.enumCase(ifPresent: "stream", as: Stream.self))
    }
}

extension LogWriteError: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(
            code: try object.enumCase("code", as: Code.self),
            errno: try object.integer("errno", as: Int32.self),
            message: try object.string("message"))
    }
}

extension LogFileStatus: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(
            file: try object.string("file"), linesLost: try object.integer("lines_lost"),
            error: try object.object(ifPresent: "error", as: LogWriteError.self))
    }
}

extension ControlError: JSONReadable {
    public init(reading object: JSONObjectReader) throws(JSONReadError) {
        self.init(
            try object.enumCase("code", as: Code.self), try object.string("message"),
            details: try object.strings(ifPresent: "details"))
    }
}

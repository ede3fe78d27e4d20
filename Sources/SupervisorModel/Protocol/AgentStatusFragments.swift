/// An agent's `status` object with everything but its clock fields encoded once and kept
/// between requests: `ControlServer` keeps one per agent, and a request that finds the agent as
/// it was (clocks aside) copies the three runs of fields in and writes only `last_exit`,
/// `restart_in` and `uptime`, which change with time alone.
///
/// Whether the agent is as it was is every field but the clocks compared with the status the
/// fragments were made from (`AgentStatus.equalsAsideFromClocks`; a test fails when a field is
/// added to `AgentStatus` and not compared there). The bytes are the ones `AgentStatus.write` writes (the `ProtocolEncoding` tests check).
public final class AgentStatusFragments: Sendable {
    /// The status the fragments were encoded from (its clock fields are not looked at).
    private let basis: AgentStatus
    /// `"blocked_by":[...],...,"host":"..."`, `"log_error":...,...,"resources":{...}` and
    /// `"restarts":0,...,"state_reason":"..."`: the runs between the clock fields.
    private let head: [UInt8]
    private let middle: [UInt8]
    private let tail: [UInt8]

    public init(_ status: AgentStatus) {
        basis = status
        func encoded(_ write: (inout JSONWriter) -> Void) -> [UInt8] {
            var writer = JSONWriter(capacity: 256)
            write(&writer)
            return writer.bytes
        }
        head = encoded { status.writeHead(to: &$0) }
        middle = encoded { status.writeMiddle(to: &$0) }
        tail = encoded { status.writeTail(to: &$0) }
    }

    /// Whether `status` has the fragments' values in every field but the clock fields.
    public func matches(_ status: AgentStatus) -> Bool {
        status.equalsAsideFromClocks(basis)
    }

    /// `status` as a JSON object: the kept runs of fields and its clock fields (it must match).
    public func write(_ status: AgentStatus, to writer: inout JSONWriter) {
        writer.beginOrderedObject()
        writer.rawFields(head)
        status.writeClock(of: .lastExit, to: &writer)
        writer.rawFields(middle)
        status.writeClock(of: .restartIn, to: &writer)
        writer.rawFields(tail)
        status.writeClock(of: .uptime, to: &writer)
        writer.endObject()
    }
}

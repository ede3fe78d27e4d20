import Foundation
import Testing
@testable import SupervisorCore
@testable import SupervisorModel

/// A reply frame is parsed once: its id, its refusal and its data read as before.
@Suite("ControlReplyData")
struct ControlReplyDataTests {
    static func reply(_ text: String) -> ControlReplyData {
        ControlReplyData(bytes: Array(text.utf8))
    }

    @Test("id: a string, none, or not a reply at all")
    func identity() {
        #expect(Self.reply(#"{"id":"7","ok":true}"#).identity?.id == "7")
        #expect(Self.reply(#"{"ok":true}"#).identity?.id == nil)
        #expect(Self.reply(#"{"ok":true}"#).identity != nil)
        #expect(Self.reply(#"{"id":7,"ok":true}"#).identity == nil)
        #expect(Self.reply("[1]").identity == nil)
        #expect(Self.reply("not json").identity == nil)
    }

    @Test("refusal: nil when ok, the error when not, malformed when neither reads")
    func refusal() {
        #expect(Self.reply(#"{"data":{},"ok":true}"#).refusal == nil)
        let error = ControlError(.agentNotFound, "no agent named \"X\"", details: ["Xa"])
        #expect(Self.reply(#"{"error":\#(String(decoding: error.jsonBytes, as: UTF8.self)),"ok":false}"#).refusal == error)
        #expect(Self.reply(#"{"ok":false}"#).refusal?.message == "the supervisor's reply has neither data nor a known error")
        #expect(Self.reply(#"{"ok":"yes"}"#).refusal?.message == "the supervisor's reply is not a control reply")
        #expect(Self.reply(#"{"ok":false,"error":{"code":"no.such","message":"?"}}"#).refusal?.message
            == "the supervisor's reply is not a control reply")
    }

    @Test("data: a status reads as JSONDecoder decodes it; a ping still decodes")
    func data() throws {
        let agent = AgentStatus(name: "A", host: "h", state: .ready, pid: 12, uptime: 1.5, restarts: 0, health: "ok",
                                blockedBy: [], required: true, port: 7000,
                                resources: ResourceFigures(enforcement: .watchdog, rss: 1 << 20, cpu: 0.25, unenforced: ["cpu"]))
        let status = HostStatus(host: "h", phase: "running", supervisorPid: 1, uptime: 2, agents: [agent],
                                totals: ["total": 1, "ready": 1], instance: "1-a", eventSeq: 3)
        let reply = ControlReplyData(bytes: ControlReplyFrame.success(status, id: "1"))
        #expect(try reply.decode(HostStatus.self).get() == status)
        let ping = PingReply(host: "h", instance: "i", pid: 3)
        #expect(try ControlReplyData(bytes: ControlReplyFrame.success(ping, id: nil)).decode(PingReply.self).get() == ping)
        #expect(reply.value.object?["host"] == .string(status.host))
        let noData = Self.reply(#"{"ok":true}"#).decode(HostStatus.self)
        #expect(throws: ControlError(.malformed, "the supervisor's reply has no data")) { try noData.get() }
        let wrong = Self.reply(#"{"data":{"host":1},"ok":true}"#).decode(HostStatus.self)
        #expect(throws: ControlError.self) { try wrong.get() }
    }
}

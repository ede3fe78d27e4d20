import Foundation
import Testing
@testable import SupervisorModel

/// The reply types that read themselves (`JSONReadable`, what the CLI uses) read what
/// `JSONDecoder` reads from the same bytes, and refuse what it refuses.
@Suite("ProtocolReading")
struct ProtocolReadingTests {
    static func read<T: JSONReadable>(_ type: T.Type, _ text: String) throws -> T {
        let value = try JSONParser.parse(Array(text.utf8)).get()
        return try T(reading: JSONObjectReader(value))
    }

    @Test("status: every field of the host and its agents reads back as written, as JSONDecoder reads it")
    func status() throws {
        let status = try ProtocolEncodingTests.fullStatus()
        let bytes = status.jsonBytes
        let read = try HostStatus(reading: JSONObjectReader(try JSONParser.parse(bytes).get()))
        #expect(read == status)
        #expect(read == (try JSONDecoder().decode(HostStatus.self, from: Data(bytes))))
    }

    @Test("a missing or null optional is nil; keys it does not know are ignored")
    func optionals() throws {
        let text = #"{"name":"A","host":"h","state":"ready","restarts":0,"health":"ok","blocked_by":[],"required":true,"pid":null,"new_key":{"x":1}}"#
        let read = try Self.read(AgentStatus.self, text)
        #expect(read == (try JSONDecoder().decode(AgentStatus.self, from: Data(text.utf8))))
        #expect(read.pid == nil && read.group == nil && read.resources == nil)
    }

    @Test("a missing required field, a wrong kind, an unknown state or a fraction for an integer is refused, with its path")
    func refusals() throws {
        let valid = #"{"name":"A","host":"h","state":"ready","restarts":0,"health":"ok","blocked_by":[],"required":true}"#
        let broken = [
            valid.replacingOccurrences(of: #""host":"h","#, with: ""),
            valid.replacingOccurrences(of: #""restarts":0"#, with: #""restarts":"0""#),
            valid.replacingOccurrences(of: #""state":"ready""#, with: #""state":"sleepy""#),
            valid.replacingOccurrences(of: #""restarts":0"#, with: #""restarts":0.5"#),
            valid.replacingOccurrences(of: #""required":true"#, with: #""required":null"#),
        ]
        for text in broken {
            #expect(throws: JSONReadError.self, "\(text)") { try Self.read(AgentStatus.self, text) }
            #expect(throws: (any Error).self, "\(text)") { try JSONDecoder().decode(AgentStatus.self, from: Data(text.utf8)) }
        }
        let host = #"{"host":"h","phase":"running","supervisor_pid":1,"uptime":1,"totals":{},"agents":[\#(valid),{"name":"B"}]}"#
        #expect(throws: JSONReadError(path: "agents[1].host", "missing")) { try Self.read(HostStatus.self, host) }
    }

    @Test("a refusal's error reads as the ControlError it was written from")
    func controlError() throws {
        let error = ControlError(.agentNotFound, "no agent named \"X\"", details: ["Xa", "Xb"])
        #expect(try ControlError(reading: JSONObjectReader(try JSONParser.parse(error.jsonBytes).get())) == error)
    }
}

import Foundation
import Testing

/// The control endpoint under hostile input and heavy load: it answers or drops, never stalls,
/// never crashes, and the agents it supervises never notice.
@Suite("control protocol robustness", .serialized)
struct ProtocolRobustnessTests {
    @Test("malformed, oversized and vanishing clients: each gets an error or is dropped; the daemon keeps serving")
    func malformedInput() throws {
        let fixture = try ProtocolFixture(ports: 2) { ports in
            """
            defaults:
              host: mainpc
              command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
              health: {kind: zmq}
            agents:
              alpha:
                health: {port: \(ports[0])}
              beta:
                health: {port: \(ports[1])}
                depends_on: [alpha]
            """
        }
        defer { fixture.cleanUp() }
        try fixture.start(readyLine: "ready: 2/2")
        let before = try fixture.pids()

        let result = try fixture.python("malformed.py", [fixture.endpoint], timeout: 240).json
        let cases = result["cases"]

        let expected: [String: String] = [
            "not_json": "request.malformed",
            "json_array": "request.malformed",
            "json_string": "request.malformed",
            "json_null": "request.malformed",
            "missing_v": "request.malformed",
            "string_v": "request.malformed",
            "boolean_v": "request.malformed",
            "missing_cmd": "request.malformed",
            "cmd_not_string": "request.malformed",
            "args_not_object": "request.malformed",
            "deeply_nested": "request.malformed",
            "trailing_request": "request.malformed",
            "duplicate_cmd": "request.duplicate_key",
            "duplicate_nested": "request.duplicate_key",
            "utf16_bom": "request.not_utf8",
            "utf16le": "request.not_utf8",
            "latin1": "request.not_utf8",
            "encoded_surrogate": "request.not_utf8",
            "random_bytes": "request.not_utf8",
            "random_frames": "request.malformed",
            "empty_frame_only": "request.malformed",
            "empty_body_after_delimiter": "request.malformed",
            "three_frames": "request.malformed",
            "two_frames_after_delimiter": "request.malformed",
            "req_empty_request": "request.malformed",
            "wrong_v": "request.unsupported_version",
            "unknown_cmd": "request.unknown_command",
            "unknown_cmd_with_id": "request.unknown_command",
            "agents_not_list": "request.bad_argument",
            "agents_not_strings": "request.bad_argument",
            "lines_string": "request.bad_argument",
            "lines_zero": "request.bad_argument",
            "lines_boolean": "request.bad_argument",
            "lines_fraction": "request.bad_argument",
            "with_deps_number": "request.bad_argument",
            "lines_too_many": "request.bad_argument",
            "logs_without_agent": "request.bad_argument",
            "with_deps_string": "request.bad_argument",
            "start_without_agents": "request.bad_argument",
            "extra_arg_ping": "request.bad_argument",
            "extra_arg_status": "request.bad_argument",
            "bad_argument_with_id": "request.bad_argument",
            "unicode_agent": "agent.not_found",
        ]
        for (name, code) in expected.sorted(by: { $0.key < $1.key }) {
            let reply = cases[name]["reply"]
            #expect(reply["ok"].bool == false, "\(name): \(cases[name])")
            #expect(reply["error"]["code"].string == code, "\(name): \(cases[name])")
            #expect(reply["error"]["message"].string?.isEmpty == false, "\(name) explains itself")
        }
        #expect(cases["unknown_cmd"]["reply"]["error"]["message"].string?.contains("did you mean \"status\"?") == true)
        #expect(cases["wrong_v"]["reply"]["error"]["message"].string?.contains("speaks v 1") == true)
        #expect(cases["three_frames"]["reply"]["error"]["message"].string?.contains("got 3") == true)
        #expect(cases["duplicate_cmd"]["reply"]["error"]["message"].string?.contains(#"the key "cmd" more than once"#) == true)
        #expect(cases["duplicate_nested"]["reply"]["error"]["message"].string?.contains(#""args.agents""#) == true)
        #expect(cases["utf16_bom"]["reply"]["error"]["message"].string?.contains("UTF-16") == true)
        // A refused request still gets its id back, so a DEALER client can match the error.
        #expect(cases["unknown_cmd_with_id"]["reply"]["id"].string == "m-1")
        #expect(cases["bad_argument_with_id"]["reply"]["id"].string == "m-2")

        // A REQ-style envelope keeps its empty delimiter frame in the reply.
        #expect(cases["empty_frame_only"]["frames"].array.first?.string == "")
        #expect(cases["req_envelope_from_dealer"]["frames"].array.map(\.string) == ["", cases["req_envelope_from_dealer"]["frames"][1].string])
        #expect(cases["req_envelope_from_dealer"]["reply"]["id"].string == "enveloped")
        #expect(cases["req_envelope_from_dealer"]["reply"]["ok"].bool == true)
        #expect(cases["req_ping"]["reply"]["ok"].bool == true)
        #expect(cases["large_valid"]["reply"]["ok"].bool == true, "900 KB is under the 1 MiB limit")

        // Over 1 MiB: no reply, that connection is dropped; others are served meanwhile, and the
        // same socket is served again after it reconnects.
        #expect(cases["oversize_2mib"]["frames"].isNull)
        #expect(result["bystander"].array.count == 3)
        #expect(result["bystander"].array.allSatisfy { $0["ok"].bool == true })
        #expect(result["same_socket_after_oversize"]["ok"].bool == true)

        // Afterwards: a fresh client's status works, and nothing happened to the agents.
        let final = result["final_status"]
        #expect(final["ok"].bool == true)
        let agents = fixture.agents(final)
        #expect(agents.mapValues { $0["state"].string ?? "?" } == ["alpha": "ready", "beta": "ready"])
        #expect(agents.compactMapValues { $0["pid"].int.map(Int32.init) } == before)
        #expect(agents.values.allSatisfy { $0["restarts"].int == 0 })
        #expect(fixture.harness.process?.isRunning == true)
        #expect(try fixture.harness.stop() == 0)
    }

    @Test("50 clients x 200 requests while two agents crash and restart: every request answered",
          .timeLimit(.minutes(5)))
    func loadWhileAgentsCrash() throws {
        let fixture = try ProtocolFixture(ports: 4) { ports in
            """
            defaults:
              host: mainpc
              health: {kind: zmq}
              restart: {backoff: {initial: 50ms, max: 200ms}, max_restarts: 100000, window: 1m}
            agents:
              steady1:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--spam-lines", "40"]
                health: {port: \(ports[0])}
              steady2:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
                health: {port: \(ports[1])}
                depends_on: [steady1]
              crasher:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "100ms", "--crash-after", "500ms"]
                health: {port: \(ports[2])}
                restart: {policy: on-failure}
              quitter:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "100ms", "--crash-after", "500ms", "--exit-code", "0"]
                health: {port: \(ports[3])}
                restart: {policy: always}
            """
        }
        defer { fixture.cleanUp() }
        try fixture.start(readyLine: "steady2: starting -> ready")
        let before = try fixture.pids()
        let crashesBefore = fixture.harness.pids(of: "crasher").count + fixture.harness.pids(of: "quitter").count

        let run = try fixture.python("load.py", [
            fixture.endpoint, "--agents", "steady1,steady2,crasher,quitter",
            "--clients", "50", "--requests", "200", "--timeout", "240",
        ], timeout: 290)
        let load = run.json
        #expect(load["sent"].int == 10_000)
        #expect(load["replies"].int == 10_000, "\(load)")
        #expect(load["ok"].int == 10_000, "\(load)")
        #expect(load["missing"].int == 0)
        #expect(load["duplicates"].int == 0)
        #expect(load["unknown_ids"].int == 0)
        #expect(load["mismatched"].int == 0)
        #expect(load["error_count"].int == 0, "\(load["errors"])")
        print("load: \(load["elapsed"]) s, latency \(load["latency_ms"])")

        // The agents kept crashing and restarting throughout.
        let crashesAfter = fixture.harness.pids(of: "crasher").count + fixture.harness.pids(of: "quitter").count
        #expect(crashesAfter > crashesBefore, "the crashing agents restarted during the load")

        // The daemon is alive and correct.
        #expect(fixture.harness.process?.isRunning == true)
        let status = fixture.agents(try fixture.waitFor("steady1=ready", "steady2=ready"))
        #expect(status["steady1"]?["pid"].int.map(Int32.init) == before["steady1"])
        #expect(status["steady2"]?["pid"].int.map(Int32.init) == before["steady2"])
        #expect((status["crasher"]?["restarts"].int ?? 0) > 0)
        #expect((status["quitter"]?["restarts"].int ?? 0) > 0)
        #expect(status["crasher"]?["last_exit"]["code"].int == 1)
        #expect(status["quitter"]?["last_exit"]["code"].int == 0)
        for name in ["crasher", "quitter"] {
            #expect(["starting", "ready", "backoff"].contains(status[name]?["state"].string ?? "?"), "\(name) keeps restarting")
        }
        let ping = try fixture.call("ping")
        #expect(ping["data"]["pong"].bool == true)
        #expect(try fixture.harness.stop() == 0)
    }
}

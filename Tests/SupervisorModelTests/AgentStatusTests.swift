import Foundation
import Testing
@testable import SupervisorModel

/// The `status` snapshot: each agent's fields from the fake clock, totals, phase, wire keys.
@Suite("AgentStatus")
struct AgentStatusTests {
    static let yaml = """
        defaults:
          host: h
          command: [/bin/a]
          health: {kind: none, start_period: 2s}
        agents:
          Service: {group: core, port: 7100, required: true, health: {kind: zmq, port: 7101, start_period: 30s, interval: 5s, retries: 3}}
          Client: {depends_on: [Service]}
          Plain: {restart: {max_restarts: 5, window: 60s, backoff: {initial: 4s, factor: 2, max: 8s}}}
          Broken: {restart: {policy: never}}
        """

    static func status(_ driver: SupervisorDriver, _ names: [String] = [], at now: TimeInterval? = nil) -> HostStatus {
        driver.supervisor.status(of: names, now: now ?? driver.now, supervisorPid: 4242)
    }

    static func agent(_ name: String, in status: HostStatus) throws -> AgentStatus {
        try #require(status.agents.first { $0.name == name }, "\(name) is not in the status")
    }

    /// Service ready at 1.25 s (after one not-ready answer), Client ready at 3.25 s.
    static func allReady() throws -> SupervisorDriver {
        var driver = try SupervisorDriver(yaml: yaml)
        driver.send(.startAll)
        try driver.answerProbe("Service", .notReady("initializing"))
        driver.advance(to: 1.25)
        try driver.answerProbe("Service", .healthy)
        driver.advance(to: 4)
        return driver
    }

    /// At 0.5 s Broken exits 3 (failed) and Plain is killed twice (backoff until 4.5 s).
    static func withExits() throws -> SupervisorDriver {
        var driver = try SupervisorDriver(yaml: yaml)
        driver.send(.startAll)
        try driver.answerProbe("Service", .notReady("initializing"))
        driver.advance(to: 0.5)
        driver.exit("Broken", code: 3)
        driver.kill("Plain", signal: 9)
        driver.kill("Plain", signal: 9)
        return driver
    }

    @Test("before start-up: phase idle, everything waiting, no uptime")
    func idle() throws {
        let driver = try SupervisorDriver(yaml: Self.yaml)
        let status = Self.status(driver, at: 3)
        #expect(status.host == "h" && status.phase == "idle" && status.supervisorPid == 4242)
        #expect(status.uptime == 0)
        #expect(status.agents.map(\.name) == ["Service", "Client", "Plain", "Broken"])
        #expect(status.totals == ["waiting": 4, "total": 4])
    }

    @Test("starting, waiting and unchecked agents: pid, uptime, health text, blocked_by")
    func startingAndWaiting() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        try driver.answerProbe("Service", .notReady("status initializing"))
        let status = Self.status(driver, at: 1.5)
        #expect(status.phase == "starting")
        #expect(status.uptime == 1.5)

        let service = try Self.agent("Service", in: status)
        #expect(service.state == .starting)
        #expect(service.pid != nil && service.pid == driver.runtime("Service")?.pid)
        #expect(service.uptime == 1.5)
        #expect(service.restarts == 0)
        #expect(service.health == "starting: status initializing")
        #expect(service.readyAfter == nil && service.lastExit == nil && service.failureReason == nil)
        #expect(service.group == "core" && service.required && service.port == 7100 && service.healthPort == 7101)
        #expect(service.blockedBy.isEmpty && service.restartIn == nil)

        let client = try Self.agent("Client", in: status)
        #expect(client.state == .waiting)
        #expect(client.blockedBy == ["Service"])
        #expect(client.pid == nil && client.uptime == nil)
        #expect(client.health == "-")
        #expect(!client.required && client.group == nil && client.healthPort == nil)

        let plain = try Self.agent("Plain", in: status)
        #expect(plain.health == "none")
        #expect(plain.uptime == 1.5)
        #expect(status.totals == ["starting": 3, "waiting": 1, "total": 4])
    }

    @Test("a starting probed agent with no answer yet shows plain starting")
    func startingWithoutAnswer() throws {
        var driver = try SupervisorDriver(yaml: Self.yaml)
        driver.send(.startAll)
        #expect(try Self.agent("Service", in: Self.status(driver)).health == "starting")
    }

    @Test("ready agents: ok, ready_after, then failing n/m with the probe's message")
    func readyAndFailing() throws {
        var driver = try Self.allReady()
        var status = Self.status(driver)
        #expect(status.phase == "running")
        #expect(status.totals == ["ready": 4, "total": 4])
        var service = try Self.agent("Service", in: status)
        #expect(service.health == "ok")
        #expect(service.readyAfter == 1.25)
        #expect(service.uptime == 4)
        #expect(try Self.agent("Client", in: status).readyAfter == 2)
        #expect(try Self.agent("Client", in: status).blockedBy.isEmpty)
        #expect(try Self.agent("Plain", in: status).health == "none")

        driver.advance(to: 6.25)
        try driver.answerProbe("Service", .unhealthy("connection refused"))
        driver.advance(to: 11.25)
        try driver.answerProbe("Service", .unhealthy("timed out after 2s"))
        status = Self.status(driver)
        service = try Self.agent("Service", in: status)
        #expect(service.state == .ready)
        #expect(service.health == "failing 2/3: timed out after 2s")
        #expect(service.uptime == 11.25)
    }

    @Test("exits: code or signal, reason, text and age; failure reason; backoff restart_in")
    func exits() throws {
        let driver = try Self.withExits()
        let status = Self.status(driver, at: 1.5)
        #expect(status.totals == ["starting": 1, "waiting": 1, "backoff": 1, "failed": 1, "total": 4])

        let broken = try Self.agent("Broken", in: status)
        #expect(broken.state == .failed)
        #expect(broken.failureReason == "exit code 3")
        #expect(broken.health == "-" && broken.pid == nil && broken.uptime == nil)
        let brokenExit = try #require(broken.lastExit)
        #expect(brokenExit == ExitSummary(code: 3, signal: nil, reason: "crashed", detail: nil,
                                          text: "exit code 3 (crashed)", ago: 1))

        let plain = try Self.agent("Plain", in: status)
        #expect(plain.state == .backoff)
        #expect(plain.restarts == 2)
        #expect(plain.restartIn == 3)
        #expect(plain.pid == nil && plain.uptime == nil && plain.health == "-")
        let plainExit = try #require(plain.lastExit)
        #expect(plainExit.code == nil && plainExit.signal == 9)
        #expect(plainExit.reason == "crashed")
        #expect(plainExit.text == "signal 9 (SIGKILL) (crashed)")
        #expect(plainExit.ago == 1)
        #expect(try Self.agent("Plain", in: Self.status(driver, at: 9)).restartIn == 0, "never negative")
    }

    @Test("named agents only, in manifest order; totals still count every agent")
    func namedAgents() throws {
        let driver = try Self.allReady()
        let status = Self.status(driver, ["Plain", "Service"])
        #expect(status.agents.map(\.name) == ["Service", "Plain"])
        #expect(status.totals["total"] == 4)
    }

    @Test("shutting down is reported as shutting_down")
    func shuttingDown() throws {
        var driver = try Self.allReady()
        driver.send(.shutdown)
        #expect(Self.status(driver).phase == "shutting_down")
    }

    @Test("the JSON form uses snake_case keys and round-trips")
    func jsonKeys() throws {
        var driver = try Self.withExits()
        driver.advance(to: 1.25)
        try driver.answerProbe("Service", .healthy)
        let status = Self.status(driver, at: 1.5)
        let data = try JSONEncoder().encode(status)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["host", "phase", "supervisor_pid", "uptime", "agents", "totals", "starts"])
        #expect(object["supervisor_pid"] as? Int == 4242)
        let starts = try #require(object["starts"] as? [String: Any])
        #expect(starts["limit"] as? Int == StartGate.defaultWithoutCores)
        #expect(starts["queued"] as? Int == 0)

        let agents = try #require(object["agents"] as? [[String: Any]])
        let keys = agents.reduce(into: Set<String>()) { $0.formUnion($1.keys) }
        for key in ["ready_after", "blocked_by", "last_exit", "failure_reason", "health_port", "restart_in"] {
            #expect(keys.contains(key), "missing \(key)")
        }
        for camel in ["readyAfter", "blockedBy", "lastExit", "failureReason", "healthPort", "restartIn", "supervisorPid"] {
            #expect(!keys.contains(camel) && object[camel] == nil, "\(camel) should be snake_case")
        }
        let broken = try #require(agents.first { $0["name"] as? String == "Broken" })
        let lastExit = try #require(broken["last_exit"] as? [String: Any])
        #expect(lastExit["code"] as? Int == 3)
        #expect(lastExit["reason"] as? String == "crashed")
        #expect(lastExit["text"] as? String == "exit code 3 (crashed)")
        #expect(broken["failure_reason"] as? String == "exit code 3")
        #expect(broken["state"] as? String == "failed")

        #expect(try JSONDecoder().decode(HostStatus.self, from: data) == status)
    }
}

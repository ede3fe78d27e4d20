#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SupervisorModel

/// `model-bench --agents N --shape flat|chain|levels [--json]`: drives the pure model alone
/// through a whole start-up and shutdown of N agents and reports the CPU time of each.

func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
    var text = "model-bench: \(message)\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(1)
}

var agents = 1000
var shape = BenchShape.levels
var json = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--agents":
        guard let value = arguments.popFirst().flatMap(Int.init), value > 0 else { fail("--agents takes a positive number") }
        agents = value
    case "--shape":
        guard let value = arguments.popFirst().flatMap(BenchShape.init(rawValue:)) else {
            fail("--shape takes one of \(BenchShape.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        shape = value
    case "--json":
        json = true
    case "-h", "--help":
        print("usage: model-bench --agents N --shape flat|chain|levels [--json]")
        exit(0)
    default:
        fail("unknown argument \(argument)")
    }
}

let manifest = BenchManifest.make(agents: agents, shape: shape)
let names = manifest.agents.map(\.name)
let setupBegan = processCPUSeconds()
var reactor = FakeReactor(model: HostSupervisor(manifest: manifest, host: BenchManifest.host))
let setupCPU = processCPUSeconds() - setupBegan

// Start-up, with one status of every agent half-way (not counted in the start-up's CPU).
let startBegan = processCPUSeconds()
reactor.run(.startAll) { $0.summary != nil || $0.model.runtimes[names[agents / 2]]?.state == .ready }
var startupCPU = processCPUSeconds() - startBegan
let statusBegan = processCPUSeconds()
let midStatus = reactor.model.status(of: [], now: reactor.now, supervisorPid: 1)
let statusCPU = processCPUSeconds() - statusBegan
let resumed = processCPUSeconds()
reactor.resume { $0.summary != nil }
startupCPU += processCPUSeconds() - resumed
guard midStatus.agents.count == agents else { fail("status listed \(midStatus.agents.count) agents of \(agents)") }
guard let summary = reactor.summary else { fail("start-up never finished") }
guard summary.ready == agents, summary.total == agents else {
    fail("start-up ended with \(summary.ready)/\(summary.total) agents ready, expected \(agents)")
}
if let notReady = names.first(where: { reactor.model.runtimes[$0]?.state != .ready }) {
    fail("\(notReady) is \(reactor.model.runtimes[notReady]?.state.rawValue ?? "missing") after start-up")
}
let startupEvents = reactor.events

let stopBegan = processCPUSeconds()
reactor.run(.shutdown) { $0.exited }
let shutdownCPU = processCPUSeconds() - stopBegan
guard reactor.exited else { fail("shutdown never announced .exit") }
if let running = names.first(where: { reactor.model.runtimes[$0]?.state != .stopped }) {
    fail("\(running) is \(reactor.model.runtimes[running]?.state.rawValue ?? "missing") after shutdown")
}

if json {
    print("{\"agents\":\(agents),\"shape\":\"\(shape.rawValue)\",\"startup_cpu_s\":\(startupCPU),"
          + "\"shutdown_cpu_s\":\(shutdownCPU),\"events\":\(reactor.events),\"actions\":\(reactor.actions)}")
} else {
    print("\(agents) agents, \(shape.rawValue): start-up \(startupCPU) s CPU (\(startupEvents) events), "
          + "shutdown \(shutdownCPU) s CPU (\(reactor.events - startupEvents) events), \(reactor.actions) actions; "
          + "model built in \(setupCPU) s; status of every agent half-way through start-up \(statusCPU) s")
}

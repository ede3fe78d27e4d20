import CZeroMQ
import Foundation
import SupervisorCore

// Start-up and shutdown of the simulated agent: signals, sockets, load, and the output lines
// that tests read.
extension SimulatedAgent {
    /// Routes SIGTERM and SIGINT to the reactor through `SignalPipe`.
    func installSignalHandlers() {
        // Children are only `sleep` processes nobody waits for; let the kernel reap them.
        signal(SIGCHLD, SIG_IGN)
        do {
            signalPipe = try SignalPipe.install([SIGTERM, SIGINT])
        } catch {
            Console.error("agent-sim \(options.name): cannot install signal handlers: \(error)")
            exit(1)
        }
    }

    /// Acts on the signals that arrived: SIGTERM (unless ignored) and SIGINT end the process
    /// with code 0, as a clean stop.
    func handleSignals() {
        for number in SignalPipe.drain() {
            if number == SIGTERM && options.ignoreSigterm {
                Console.line("\(options.name) ignoring SIGTERM")
                continue
            }
            Console.line("\(options.name) stopping on \(CrashSignal.describe(number))")
            exit(0)
        }
    }

    /// A REP socket bound to `endpoint`, or exit 3 with one line naming agent, endpoint and error.
    func bind(_ endpoint: String, role: String) -> ZMQSocket {
        do {
            let socket = try ZMQSocket(.rep)
            if options.bindAddress.contains(":") { try socket.setOption(ZMQ_IPV6, Int32(1)) }
            try socket.bind(endpoint)
            return socket
        } catch {
            let reason = (error as? SystemError)?.message ?? "\(error)"
            Console.error("agent-sim \(options.name): cannot bind \(role) socket to \(endpoint): \(reason)")
            exit(3)
        }
    }

    /// Memory, CPU and children, in that order: memory first so that an agent over its memory
    /// limit dies before it starts anything else.
    func startLoad() {
        if options.memoryBytes > 0 { hold(options.memoryBytes) }
        if options.cpuShare > 0 {
            let threads = CPUBurner.start(share: options.cpuShare)
            Console.line("\(options.name) burning \(options.cpuShare) core(s) on \(threads) thread(s)")
        }
        if options.children > 0 {
            do {
                let pids = try ChildSleepers.start(count: options.children)
                Console.line("\(options.name) started \(pids.count) children: \(pids.map(String.init).joined(separator: " "))")
            } catch {
                Console.error("agent-sim \(options.name): cannot start children: \(error)")
                exit(4)
            }
        }
    }

    /// Allocates and touches `bytes` more memory, or exits 4 if the kernel refuses.
    func hold(_ bytes: Int) {
        guard ballast.add(bytes) else {
            Console.error("agent-sim \(options.name): cannot allocate \(MemoryBallast.describe(bytes))")
            exit(4)
        }
        Console.line("\(options.name) holding \(MemoryBallast.describe(ballast.bytes))")
    }

    /// `--spam-lines`: numbered lines, stdout and stderr in turn, with nothing in between, so a
    /// log collector that drops or reorders lines under pressure shows it.
    func spam() {
        guard options.spamLines > 0 else { return }
        let count = options.spamLines
        for number in 1...count {
            Console.line("\(options.name) spam stdout \(number)/\(count)")
            Console.line("\(options.name) spam stderr \(number)/\(count)", to: .standardError)
        }
    }

    /// `--line-text` with `{n}` replaced by the tick number and `{name}` by the agent name.
    func expand(_ text: String) -> String {
        text.replacingOccurrences(of: "{n}", with: String(ticks))
            .replacingOccurrences(of: "{name}", with: options.name)
    }
}

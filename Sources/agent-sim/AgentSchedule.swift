import Foundation

/// The timed events of one simulated agent, decided from its options alone: the reactor asks
/// when the next one is due, sleeps in zmq_poll until then, and performs what fell due.
/// Keeping the timetable pure means its order and cadence need no process or clock to check.
struct AgentSchedule {
    /// Something that happens at a given uptime. The order of the cases is the order of
    /// events due at the same moment: an agent told to crash at its ready time first says
    /// it is ready.
    enum Event: Int, Comparable {
        case ready, unhealthy, hang, tick, growMemory, crash

        static func < (lhs: Event, rhs: Event) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A scheduled event; `period` makes it come back.
    private struct Entry {
        var at: Double
        var event: Event
        var period: Double?
    }

    private var entries: [Entry] = []

    /// How often `--grow-memory` adds its amount.
    static let growPeriod = 1.0

    init(options: AgentSimOptions) {
        entries.append(Entry(at: options.readyAfter, event: .ready))
        if let at = options.unhealthyAfter { entries.append(Entry(at: at, event: .unhealthy)) }
        if let at = options.hangAfter { entries.append(Entry(at: at, event: .hang)) }
        if let at = options.crashAfter { entries.append(Entry(at: at, event: .crash)) }
        if let period = options.printEvery {
            entries.append(Entry(at: period, event: .tick, period: period))
        }
        if options.growMemoryBytes > 0 {
            entries.append(Entry(at: Self.growPeriod, event: .growMemory, period: Self.growPeriod))
        }
    }

    /// The uptime of the next event, or nil when nothing is left to happen.
    var nextDeadline: Double? {
        entries.map(\.at).min()
    }

    /// Removes and returns the events due at `uptime`, earliest first. A periodic event is put
    /// back one period later; periods missed while the process was stopped or busy are skipped
    /// rather than replayed in a burst.
    mutating func takeDue(at uptime: Double) -> [Event] {
        let due = entries.filter { $0.at <= uptime }
        guard !due.isEmpty else { return [] }
        entries.removeAll { $0.at <= uptime }
        for var entry in due {
            guard let period = entry.period else { continue }
            entry.at += period
            if entry.at <= uptime {
                entry.at += ((uptime - entry.at) / period).rounded(.down) * period + period
            }
            entries.append(entry)
        }
        return due.sorted { ($0.at, $0.event) < ($1.at, $1.event) }.map(\.event)
    }
}

import SupervisorModel

/// The model's timers, by `TimerKey`.
typealias TimerQueue = DeadlineQueue<TimerKey>

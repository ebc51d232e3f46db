import NIOCore
import Synchronization

/// How long a connection's caller waiting alone for its reply polls before
/// it sleeps (``BusyPoll``), from what the connection has seen of its
/// round trips.
struct BusyPollPolicy {
    let mode: BusyPoll
    /// A moving average of the round trips, in nanoseconds; nil before the first.
    private(set) var typicalRoundTrip: Int64?
    /// ``BusyPoll/adaptiveCeiling`` converted once, not on every call.
    private static let ceilingNanoseconds = BusyPoll.adaptiveCeiling.inNanoseconds

    init(_ mode: BusyPoll) {
        self.mode = mode
    }

    /// Takes in the round trip of a request just answered: send to reply.
    mutating func record(roundTripNanoseconds: Int64) {
        guard case .adaptive = mode else { return }
        // One slow reply (a long query, a pause of the server) counts as at
        // most twice the ceiling, so that it stops polling for a few calls at most.
        let sample = min(max(roundTripNanoseconds, 0), 2 * Self.ceilingNanoseconds)
        typicalRoundTrip = typicalRoundTrip.map { $0 + (sample - $0) / 4 } ?? sample
    }

    /// How long a caller alone may poll, in nanoseconds; nil to sleep at once.
    var budgetNanoseconds: Int64? {
        switch mode {
        case .off:
            return nil
        case let .fixed(poll):
            return poll.inNanoseconds
        case .adaptive:
            guard let typical = typicalRoundTrip, typical <= Self.ceilingNanoseconds else { return nil }
            return 2 * typical
        }
    }

    /// Starts a caller's poll: how long it is (nil to sleep at once). An
    /// adaptive poll takes one of the process's poller places, given back
    /// with ``pollEnded()``; with none free, the caller sleeps.
    func startPoll() -> Int64? {
        guard let budget = budgetNanoseconds else { return nil }
        if case .adaptive = mode, !AdaptivePollers.enter() { return nil }
        return budget
    }

    /// Ends a poll that ``startPoll()`` started.
    func pollEnded() {
        if case .adaptive = mode { AdaptivePollers.leave() }
    }
}

/// The callers of this process polling adaptively now, at most one fewer
/// than its cores (at least one): more would take the CPU from each other
/// and from the server they wait for. A fixed poll, which the user chose
/// knowing the program, takes no place.
private enum AdaptivePollers {
    private static let polling = Atomic<Int>(0)
    private static let limit = max(1, System.coreCount - 1)

    /// Takes a poller's place if one is free.
    static func enter() -> Bool {
        var current = polling.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = polling.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives back a place `enter` gave.
    static func leave() {
        polling.subtract(1, ordering: .relaxed)
    }
}

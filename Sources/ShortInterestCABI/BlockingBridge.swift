import Dispatch
import NIOCore
import NIOPosix
import ShortInterest
import Synchronization

private let bridgeExecutors = MultiThreadedEventLoopGroup.singleton.makeIterator().map(EventLoopTaskExecutor.init)
private let nextBridgeExecutor = Atomic<Int>(0)

/// An event loop's executor, in turn.
///
/// A blocked C caller waits for a task that must not need Swift's
/// cooperative pool (which the caller may be starving); an event loop
/// never does.
private func nextExecutor() -> any TaskExecutor {
    bridgeExecutors[nextBridgeExecutor.wrappingAdd(1, ordering: .relaxed).oldValue % bridgeExecutors.count]
}

/// Blocks the calling (C) thread until `body` has run to its end on an
/// event loop.
///
/// `body`, and what it captures, is released before the caller wakes: the
/// caller then holds the last reference to a source it is closing, so the
/// source is gone when `si_client_close` returns, not a moment later on an
/// event-loop thread, racing the host's exit.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws(ShortInterestError) -> T) -> Result<T, ShortInterestError> {
    let done = DispatchSemaphore(value: 0)
    let outcome = ResultSlot<T>()
    let work = WorkSlot(body)
    Task(executorPreference: nextExecutor()) {
        do throws(ShortInterestError) {
            outcome.value = .success(try await work.take()())
        } catch {
            outcome.value = .failure(error)
        }
        done.signal()
    }
    done.wait()
    return outcome.value!
}

/// Hands a body to its task once, so that the task's closure does not keep it.
private final class WorkSlot<T: Sendable>: @unchecked Sendable {
    private var body: (@Sendable () async throws(ShortInterestError) -> T)?

    init(_ body: @escaping @Sendable () async throws(ShortInterestError) -> T) { self.body = body }

    /// Called once, by the one task that runs the body.
    func take() -> @Sendable () async throws(ShortInterestError) -> T {
        defer { body = nil }
        return body!
    }
}

/// Like ``blocking(_:)``, but `body` may post events, which `handle` receives
/// on the calling thread while it waits: C callbacks then run on the
/// caller's thread, never on an event loop, so a callback may call back
/// into the library.
func blocking<T: Sendable, Event: Sendable>(posting body: @escaping @Sendable (_ post: @escaping @Sendable (Event) -> Void) async -> T,
                                           handle: (Event) -> Void) -> T {
    let mailbox = Mailbox<Event, T>()
    Task(executorPreference: nextExecutor()) {
        let result = await body { mailbox.post(.event($0)) }
        mailbox.post(.done(result))
    }
    while true {
        for delivery in mailbox.take() {
            switch delivery {
            case let .event(event): handle(event)
            case let .done(result): return result
            }
        }
    }
}

/// Deliveries from a task to a waiting thread, in order.
private final class Mailbox<Event: Sendable, T: Sendable>: Sendable {
    enum Delivery: Sendable {
        case event(Event)
        case done(T)
    }

    private let deliveries = Locked<[Delivery]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func post(_ delivery: Delivery) {
        deliveries.withLock { $0.append(delivery) }
        arrived.signal()
    }

    /// Waits for at least one delivery and takes all that are there.
    func take() -> [Delivery] {
        arrived.wait()
        let taken = deliveries.withLock { deliveries in
            defer { deliveries.removeAll() }
            return deliveries
        }
        // Each delivery signalled once; consume the signals of those taken beyond the first.
        for _ in 1..<max(taken.count, 1) { arrived.wait() }
        return taken
    }
}

/// Written by the task before the semaphore is signalled, read after the
/// wait returns: the semaphore orders the two accesses.
private final class ResultSlot<T: Sendable>: @unchecked Sendable {
    var value: Result<T, ShortInterestError>?
}

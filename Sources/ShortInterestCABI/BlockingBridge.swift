import Dispatch
import NIOCore
import NIOPosix
import ShortInterest
import Synchronization

/// Runs jobs of Swift tasks on a NIO event loop.
///
/// A C call blocks its thread until the async core answers. If the task ran
/// on Swift's cooperative pool (two threads on a two-core machine), blocked
/// callers that are themselves pool threads would starve it and deadlock;
/// on an event loop the task never waits for a pool thread.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

private let bridgeExecutors = MultiThreadedEventLoopGroup.singleton.makeIterator().map(EventLoopTaskExecutor.init)
private let nextBridgeExecutor = Atomic<Int>(0)

/// Blocks the calling (C) thread until `body` has run to its end.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws(ShortInterestError) -> T) -> Result<T, ShortInterestError> {
    let done = DispatchSemaphore(value: 0)
    let outcome = ResultSlot<T>()
    let executor = bridgeExecutors[nextBridgeExecutor.wrappingAdd(1, ordering: .relaxed).oldValue % bridgeExecutors.count]
    Task(executorPreference: executor) {
        do throws(ShortInterestError) {
            outcome.value = .success(try await body())
        } catch {
            outcome.value = .failure(error)
        }
        done.signal()
    }
    done.wait()
    return outcome.value!
}

/// Written by the task before the semaphore is signalled, read after the
/// wait returns: the semaphore orders the two accesses.
private final class ResultSlot<T: Sendable>: @unchecked Sendable {
    var value: Result<T, ShortInterestError>?
}

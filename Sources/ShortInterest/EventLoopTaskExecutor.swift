import NIOCore

/// Runs the jobs of Swift tasks on a NIO event loop.
///
/// A task that waits on NIO futures of a connection is cheapest on that
/// connection's own event loop: its request, the reply and its resumption
/// stay on one thread instead of hopping between it and Swift's cooperative
/// pool. The C bridge also needs it to stay off that pool (see
/// shared/guides/swift-c-abi.md).
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

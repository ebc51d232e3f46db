import NIOCore

/// Runs the jobs of Swift tasks on a NIO event loop.
///
/// The gateway answers each request on its channel's own event loop, so the
/// request, the answer and the task's resumption stay on one thread instead
/// of hopping between it and Swift's cooperative pool. The C bridge needs
/// its tasks off that pool too (see shared/guides/swift-c-abi.md).
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

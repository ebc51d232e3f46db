/// A value that threads share, changed only while its lock is held.
///
///     let clients = Locked<[UInt: Client]>([:])
///     clients.withLock { $0[handle] = client }
///
/// The library's shared state is held in this rather than in Swift's
/// `Mutex`, because the library runs inside other programs that check
/// themselves with ThreadSanitizer. `Mutex` takes a contended lock with a
/// futex inside the Swift runtime, where ThreadSanitizer cannot see it, and
/// then reports the lock's users as racing (the instrumented stress run
/// did, on the client table); a pthread mutex it intercepts.
package final class Locked<Value: ~Copyable>: @unchecked Sendable {
    // Sendable by discipline: `value` is touched only inside `withLock`,
    // and what goes in or comes out is `sending`, as with `Mutex`.
    private let monitor = Monitor()
    private var value: Value

    package init(_ initialValue: consuming sending Value) {
        value = initialValue
    }

    /// Runs `body` on the value while no other thread can touch it.
    package func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        monitor.lock()
        defer { monitor.unlock() }
        return try body(&value)
    }
}

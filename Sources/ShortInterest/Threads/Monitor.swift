#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A point on the monotonic clock by which something must have happened.
///
/// It is the clock `poll` and condition waits use here (`CLOCK_MONOTONIC`),
/// so a wait never outlives the deadline it was given.
struct Deadline: Sendable, Comparable {
    let nanoseconds: Int64

    static var now: Deadline {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Deadline(nanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    static func after(_ duration: Duration) -> Deadline {
        after(nanoseconds: duration.inNanoseconds)
    }

    static func after(nanoseconds: Int64) -> Deadline {
        Deadline(nanoseconds: now.nanoseconds &+ nanoseconds)
    }

    var hasPassed: Bool { Deadline.now >= self }

    /// What is left, in nanoseconds (0 or less once it has passed).
    var nanosecondsLeft: Int64 { nanoseconds - Deadline.now.nanoseconds }

    /// What is left, in whole milliseconds rounded up (for `poll`), at most a day.
    var pollMilliseconds: Int32 {
        let left = nanosecondsLeft
        guard left > 0 else { return 0 }
        return Int32(min((left + 999_999) / 1_000_000, 86_400_000))
    }

    /// The deadline as `pthread_cond_timedwait` takes it.
    var absoluteTime: timespec {
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }

    static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

/// A mutex whose holder can sleep on a ``Condition`` until another thread
/// signals it or a deadline passes: how a blocked thread waits for something
/// another thread hands it. (Swift's `Mutex` has no conditions.)
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }

    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// One thing a thread holding the monitor can wait for.
    final class Condition: @unchecked Sendable {
        private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

        init() {
            var attributes = pthread_condattr_t()
            pthread_condattr_init(&attributes)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
            pthread_cond_init(condition, &attributes)
            pthread_condattr_destroy(&attributes)
        }

        deinit {
            pthread_cond_destroy(condition)
            condition.deallocate()
        }

        /// Releases `monitor` (which the caller holds), sleeps until signalled
        /// or until `deadline`, and takes `monitor` again. Wakes may be
        /// spurious: the caller checks what it waits for in a loop.
        func wait(in monitor: Monitor, until deadline: Deadline) {
            var time = deadline.absoluteTime
            _ = pthread_cond_timedwait(condition, monitor.mutex, &time)
        }

        func signal() { pthread_cond_signal(condition) }
    }
}

extension Duration {
    /// In whole nanoseconds (wrapping past Int64's 292 years).
    var inNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}

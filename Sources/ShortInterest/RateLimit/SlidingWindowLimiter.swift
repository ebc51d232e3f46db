/// A sliding-window rate limiter: no `limit.window` ever holds more than
/// `limit.requests` grants.
///
/// Each caller reserves the earliest slot that keeps the window within the
/// limit, possibly in the future, and waits until then. Reservations are
/// handed out in call order, so waiting callers are served first come, first
/// served and never race each other for a freed slot.
///
/// Time is passed in (a `Duration` since any fixed origin), so the logic is
/// tested without sleeping; ``reserveSlot(mode:maxWait:)`` runs it on the
/// continuous clock.
public final class SlidingWindowLimiter: Sendable {
    public enum Reservation: Sendable, Equatable {
        /// A slot is reserved: send after waiting this long (zero: now).
        case granted(wait: Duration)
        /// Nothing reserved: the next slot frees after this long.
        case refused(retryAfter: Duration)
    }

    public let limit: RateLimit
    /// Grant times, oldest first; at most `limit.requests` of them.
    private let grants: Locked<[Duration]>

    public init(limit: RateLimit) {
        self.limit = limit
        self.grants = Locked([])
    }

    /// Reserves the earliest slot at or after `now`, if it is at most
    /// `maxWait` away.
    public func reserve(at now: Duration, maxWait: Duration) -> Reservation {
        grants.withLock { grants in
            // The slot after the oldest of the last `requests` grants leaves the window.
            var slot = now
            if grants.count >= limit.requests {
                slot = max(now, grants[grants.count - limit.requests] + limit.window)
            }
            let wait = slot - now
            guard wait <= maxWait else { return .refused(retryAfter: wait) }
            grants.append(slot)
            if grants.count > limit.requests {
                grants.removeFirst(grants.count - limit.requests)
            }
            return .granted(wait: wait)
        }
    }

    /// Reserves a slot on the continuous clock and says how long to wait
    /// for it: at most `maxWait`, or, in fail-fast mode, only a slot free now.
    /// The caller waits as it can (a task sleeps, a thread blocks) and then
    /// sends; a reserved slot counts whether or not it is used.
    ///
    /// - Throws: ``ShortInterestError/rateLimited(retryAfter:)`` when no slot
    ///   frees in time.
    public func reserveSlot(mode: RateLimitMode, maxWait: Duration) throws(ShortInterestError) -> Duration {
        let now = ContinuousClock.now - Self.origin
        switch reserve(at: now, maxWait: mode == .wait ? maxWait : .zero) {
        case let .granted(wait):
            return wait
        case let .refused(retryAfter):
            throw .rateLimited(retryAfter: retryAfter)
        }
    }

    private static let origin = ContinuousClock.now

    /// One limiter per OpenD endpoint and limit, shared by every client in the
    /// process: OpenD counts requests per account, not per connection.
    public static func shared(for endpoint: String, limit: RateLimit) -> SlidingWindowLimiter {
        sharedLimiters.withLock { limiters in
            let key = SharedKey(endpoint: endpoint, limit: limit)
            if let limiter = limiters[key] { return limiter }
            let limiter = SlidingWindowLimiter(limit: limit)
            limiters[key] = limiter
            return limiter
        }
    }

    private struct SharedKey: Hashable {
        let endpoint: String
        let limit: RateLimit
    }

    private static let sharedLimiters = Locked<[SharedKey: SlidingWindowLimiter]>([:])
}

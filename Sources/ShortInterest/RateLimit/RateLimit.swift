/// At most `requests` requests in any `window`: OpenD allows 30 short-interest
/// requests per 30 seconds.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    public var requests: Int
    public var window: Duration

    /// OpenD's own limit for Qot_GetShortInterest.
    public static let openD = RateLimit(requests: 30, window: .seconds(30))

    public init(requests: Int, window: Duration) {
        self.requests = requests
        self.window = window
    }

    /// Parses `30/30s`, `30/3s` or `100/500ms`.
    public init(parsing text: String) throws(ShortInterestError) {
        let parts = text.split(separator: "/", maxSplits: 1)
        let unitless = parts.count == 2 ? parts[1].drop(while: { $0.isNumber }) : ""
        guard parts.count == 2, let requests = Int(parts[0]), requests > 0,
              let amount = Int(parts[1].prefix(parts[1].count - unitless.count)), amount > 0,
              ["s", "ms"].contains(unitless)
        else {
            throw .invalidArgument("rate limit \"\(text)\" is not of the form REQUESTS/WINDOW, e.g. 30/30s or 10/500ms")
        }
        self.init(requests: requests, window: unitless == "s" ? .seconds(amount) : .milliseconds(amount))
    }

    public var description: String {
        let (seconds, attoseconds) = window.components
        return attoseconds == 0 ? "\(requests)/\(seconds)s" : "\(requests)/\(window / .milliseconds(1))ms"
    }
}

/// What to do when the limit is reached.
public enum RateLimitMode: Sendable, Hashable {
    /// Wait for a free slot, up to a bound.
    case wait
    /// Fail at once with ``ShortInterestError/rateLimited(retryAfter:)``.
    case failFast
}

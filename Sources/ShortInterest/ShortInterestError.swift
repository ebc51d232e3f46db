/// Every way a short-interest request can fail. Each case maps to one status
/// code of the C API.
public enum ShortInterestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The caller's input was refused before anything was sent.
    case invalidArgument(String)
    /// No connection to OpenD could be made (refused, unreachable, bad address).
    case connectFailed(String)
    /// Connecting, or waiting for a reply, took longer than configured.
    case timeout(String)
    /// The connection closed (or the client was closed) while a request was
    /// pending. The next request connects afresh.
    case disconnected(String)
    /// The peer broke the protocol: bad header, bad SHA-1, oversized or
    /// undecodable body.
    case protocolError(String)
    /// OpenD answered with a failure; its fields are passed through unchanged.
    case rejected(retType: Int32, errCode: Int32?, message: String)
    /// The local store could not be opened, read or written.
    case store(String)
    /// The rate limit allows no request now, nor within the allowed wait;
    /// the next slot frees after `retryAfter`.
    case rateLimited(retryAfter: Duration)

    public var description: String {
        switch self {
        case let .invalidArgument(message): return "invalid argument: \(message)"
        case let .connectFailed(message): return "connect failed: \(message)"
        case let .timeout(message): return "timeout: \(message)"
        case let .disconnected(message): return "disconnected: \(message)"
        case let .protocolError(message): return "protocol error: \(message)"
        case let .store(message): return "store error: \(message)"
        case let .rateLimited(retryAfter):
            return "rate limited: the next request slot frees in \(retryAfter.wholeMilliseconds) ms"
        case let .rejected(retType, errCode, message):
            let code = errCode.map { ", errCode \($0)" } ?? ""
            return "rejected by OpenD (retType \(retType)\(code)): \(message)"
        }
    }
}

extension Duration {
    /// Milliseconds, rounded up: a wait reported as 0 ms must really be over.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }
}

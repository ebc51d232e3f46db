import NIOCore
import NIOPosix
import OpenDProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A client of a Futu OpenD gateway, answering short-interest requests over
/// OpenD's TCP protocol.
///
///     let client = try OpenDClient(configuration: OpenDConfiguration(port: 11111))
///     let page = try await client.page(code: "HK.00700")
///     print(page.hkRows.first?.aggregatedShort as Any, page.nextKey)
///     await client.close()
///
/// One client holds at most one connection, opened on first use and shared by
/// every caller: requests from many tasks or threads are in flight on it at
/// once, told apart by serial number. When the connection drops, pending
/// requests fail with ``ShortInterestError/disconnected(_:)`` and the next
/// request connects afresh.
///
/// The client does its I/O on the thread that asks: ``pageSynchronously(_:)``
/// blocks its caller for the round trip and nothing else (the C API and the
/// Python binding call it), and ``page(_:)`` makes the round trip on a
/// thread kept for such calls, so that no task's thread is blocked.
public final class OpenDClient: SynchronousShortInterestSource {
    public let configuration: OpenDConfiguration
    private let limiter: SlidingWindowLimiter?
    private let state = Locked(State.idle)
    /// Held while a connection opens, so that callers arriving meanwhile wait
    /// for it instead of opening their own.
    private let opening = Monitor()

    private enum State {
        case idle
        case connected(OpenDConnection)
        case closed
    }

    /// Where ``page(_:)``'s round trips wait for OpenD, 8 at a time in the
    /// process (OpenD allows 30 requests in 30 s, so more would only queue at
    /// its rate limit); rate-limit waits happen before, in the task. Started
    /// on first use.
    private static let blockingCalls: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 8)
        pool.start()
        return pool
    }()

    public init(configuration: OpenDConfiguration = OpenDConfiguration()) throws(ShortInterestError) {
        try configuration.validate()
        self.configuration = configuration
        // OpenD counts requests as they arrive, and arrivals jitter: keep 1 % in hand.
        self.limiter = configuration.rateLimit.map { limit in
            SlidingWindowLimiter.shared(for: configuration.endpoint,
                                        limit: RateLimit(requests: limit.requests, window: limit.window * 1.01))
        }
    }

    /// Sends the request within the rate limit, blocking the calling thread
    /// for the rate limit's wait and the round trip; when OpenD still answers
    /// that requests are too frequent (another program may share the
    /// account), pauses and sends it again, at most `frequencyRetries` times.
    public func fetchPageSynchronously(_ request: PageRequest) throws(ShortInterestError) -> ShortInterestPage {
        var retries = 0
        while true {
            pauseThread(for: try waitForSlot())
            do {
                return try send(request)
            } catch {
                pauseThread(for: try pauseBeforeRetrying(after: error, retries: &retries))
            }
        }
    }

    /// ``fetchPageSynchronously(_:)`` for a task: it sleeps through the waits,
    /// and the round trip runs on one of the client's blocking threads.
    public func fetchPage(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage {
        var retries = 0
        while true {
            let wait = try waitForSlot()
            if wait > .zero {
                // A cancelled sleep still holds its slot; sending early would break the limit.
                try? await Task.sleep(for: wait)
            }
            do {
                return try await Self.blockingCalls.runIfActive { try self.send(request) }
            } catch let error as ShortInterestError {
                let pause = try pauseBeforeRetrying(after: error, retries: &retries)
                try? await Task.sleep(for: pause)
            } catch {
                throw .disconnected("request to OpenD failed: \(error)")
            }
        }
    }

    /// Reserves the next request slot and says how long until it.
    private func waitForSlot() throws(ShortInterestError) -> Duration {
        try limiter?.reserveSlot(mode: configuration.rateLimitMode, maxWait: configuration.rateLimitMaxWait) ?? .zero
    }

    /// The pause before sending again a request OpenD refused as too
    /// frequent, or `error` itself when it is another error or retries are
    /// used up.
    private func pauseBeforeRetrying(after error: ShortInterestError, retries: inout Int) throws(ShortInterestError) -> Duration {
        guard case let .rejected(retType, _, message) = error, retries < configuration.frequencyRetries,
              Self.isFrequencyLimit(retType: retType, message: message) else {
            throw error
        }
        retries += 1
        return (configuration.rateLimit ?? .openD).window / 4
    }

    private func send(_ request: PageRequest) throws(ShortInterestError) -> ShortInterestPage {
        let reply = try connection().request(protoID: ProtoID.getShortInterest, body: ByteBuffer(bytes: request.openDRequestBody))
        return try ShortInterestPage(openDReply: reply, for: request)
    }

    /// OpenD's answer past its limit: retType -1 and a message about frequency.
    static func isFrequencyLimit(retType: Int32, message: String) -> Bool {
        let text = message.lowercased()
        return retType == -1 && (text.contains("frequen") || text.contains("too many") || message.contains("频率") || message.contains("频繁"))
    }

    /// Ends the connection: requests in flight fail with "client closed", and
    /// so does every later one. Returns at once.
    public func close() async {
        let previous = state.withLock { state in
            defer { state = .closed }
            return state
        }
        if case let .connected(connection) = previous {
            connection.close(because: .disconnected("client closed"))
        }
    }

    /// The live connection, or a new one.
    private func connection() throws(ShortInterestError) -> OpenDConnection {
        if let live = try liveConnection() {
            return live
        }
        return try opening.withLock { () throws(ShortInterestError) in
            if let live = try liveConnection() {
                return live
            }
            let connection = try OpenDConnection.open(configuration)
            let kept = state.withLock { state in
                guard case .closed = state else {
                    state = .connected(connection)
                    return true
                }
                return false
            }
            guard kept else {
                connection.close(because: .disconnected("client closed"))
                throw .disconnected("client closed")
            }
            return connection
        }
    }

    private func liveConnection() throws(ShortInterestError) -> OpenDConnection? {
        try state.withLock { state throws(ShortInterestError) in
            switch state {
            case let .connected(connection) where connection.isUsable:
                return connection
            case .closed:
                throw .disconnected("client closed")
            case .idle, .connected:
                return nil
            }
        }
    }
}

/// Blocks the calling thread for `duration` (nothing for zero).
private func pauseThread(for duration: Duration) {
    guard duration > .zero else { return }
    let (seconds, attoseconds) = duration.components
    var left = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var asked = left
    while nanosleep(&asked, &left) != 0 && errno == EINTR {
        asked = left
    }
}

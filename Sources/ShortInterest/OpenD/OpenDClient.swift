import NIOCore
import NIOPosix
import OpenDProtocol
import Synchronization

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
public final class OpenDClient: ShortInterestSource {
    public let configuration: OpenDConfiguration
    /// The loop every connection of this client lives on, and its executor.
    private let eventLoop: any EventLoop
    public let preferredExecutor: (any TaskExecutor)?
    private let state = Mutex(State.idle)
    private let limiter: SlidingWindowLimiter?

    private enum State {
        case idle
        case connecting(EventLoopFuture<OpenDConnection>)
        case connected(OpenDConnection)
        case closed
    }

    /// - Parameter eventLoopGroup: where the connection's I/O runs; by default
    ///   NIO's process-wide group, so that clients cost no threads of their own.
    public init(configuration: OpenDConfiguration = OpenDConfiguration(),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws(ShortInterestError) {
        try configuration.validate()
        self.configuration = configuration
        self.eventLoop = eventLoopGroup.next()
        self.preferredExecutor = EventLoopTaskExecutor(eventLoop)
        // OpenD counts requests as they arrive, and arrivals jitter: keep 1 % in hand.
        self.limiter = configuration.rateLimit.map { limit in
            SlidingWindowLimiter.shared(for: configuration.endpoint,
                                        limit: RateLimit(requests: limit.requests, window: limit.window * 1.01))
        }
    }

    /// Sends the request within the rate limit; when OpenD still answers that
    /// requests are too frequent (another program may share the account),
    /// pauses and sends it again, at most `frequencyRetries` times.
    public func fetchPage(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage {
        var retries = 0
        while true {
            if let limiter {
                try await limiter.acquire(mode: configuration.rateLimitMode, maxWait: configuration.rateLimitMaxWait)
            }
            do {
                return try await send(request)
            } catch let .rejected(retType, _, message) where retries < configuration.frequencyRetries
                        && Self.isFrequencyLimit(retType: retType, message: message) {
                retries += 1
                try? await Task.sleep(for: (configuration.rateLimit ?? .openD).window / 4)
            }
        }
    }

    /// OpenD's answer past its limit: retType -1 and a message about frequency.
    static func isFrequencyLimit(retType: Int32, message: String) -> Bool {
        let text = message.lowercased()
        return retType == -1 && (text.contains("frequen") || text.contains("too many") || message.contains("频率") || message.contains("频繁"))
    }

    private func send(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage {
        let reply: OpenDFrame
        do {
            let connection = try await connection().get()
            reply = try await connection.request(protoID: ProtoID.getShortInterest, message: request.openDRequest).get()
        } catch let error as ShortInterestError {
            throw error
        } catch {
            throw .disconnected("request to OpenD failed: \(error)")
        }
        return try ShortInterestPage(openDReply: reply, for: request)
    }

    public func close() async {
        let previous = state.withLock { state in
            defer { state = .closed }
            return state
        }
        let reason = ShortInterestError.disconnected("client closed")
        switch previous {
        case let .connected(connection):
            connection.close(because: reason)
            try? await connection.channel.closeFuture.get()
        case let .connecting(future):
            if let connection = try? await future.get() {
                connection.close(because: reason)
                try? await connection.channel.closeFuture.get()
            }
        case .idle, .closed:
            break
        }
    }

    /// The live connection, or the one being opened, or a new one.
    private func connection() -> EventLoopFuture<OpenDConnection> {
        enum Next {
            case use(EventLoopFuture<OpenDConnection>)
            case open(EventLoopPromise<OpenDConnection>)
            case refuse
        }
        let next = state.withLock { state -> Next in
            switch state {
            case let .connected(connection) where connection.isUsable:
                return .use(connection.channel.eventLoop.makeSucceededFuture(connection))
            case let .connecting(future):
                return .use(future)
            case .closed:
                return .refuse
            case .idle, .connected:
                let promise = eventLoop.makePromise(of: OpenDConnection.self)
                state = .connecting(promise.futureResult)
                return .open(promise)
            }
        }
        switch next {
        case let .use(future):
            return future
        case .refuse:
            return eventLoop.makeFailedFuture(ShortInterestError.disconnected("client closed"))
        case let .open(promise):
            let attempt = promise.futureResult
            OpenDConnection.connect(configuration, on: attempt.eventLoop).cascade(to: promise)
            attempt.whenComplete { [weak self] result in
                self?.connectFinished(attempt, with: result)
            }
            return attempt
        }
    }

    private func connectFinished(_ attempt: EventLoopFuture<OpenDConnection>, with result: Result<OpenDConnection, any Error>) {
        let orphan: OpenDConnection? = state.withLock { state in
            guard case let .connecting(current) = state, current === attempt else {
                // close() ran while connecting: nobody owns this connection.
                return try? result.get()
            }
            switch result {
            case let .success(connection):
                state = .connected(connection)
            case .failure:
                state = .idle
            }
            return nil
        }
        if let orphan {
            orphan.close(because: .disconnected("client closed"))
            return
        }
        if case let .success(connection) = result {
            connection.channel.closeFuture.whenComplete { [weak self] _ in
                self?.connectionClosed(connection)
            }
        }
    }

    private func connectionClosed(_ connection: OpenDConnection) {
        state.withLock { state in
            if case let .connected(current) = state, current === connection {
                state = .idle
            }
        }
    }
}

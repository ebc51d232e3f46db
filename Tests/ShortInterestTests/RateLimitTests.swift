import OpenDProtocol
import ShortInterest
import Synchronization
import Testing

@Suite struct SlidingWindowLimiterTests {
    private let minute = Duration.seconds(60)

    @Test func theFirstRequestsPassThenOneWaitsForTheOldestToLeaveTheWindow() {
        let limiter = SlidingWindowLimiter(limit: .openD)
        for _ in 0..<30 {
            #expect(limiter.reserve(at: .seconds(100), maxWait: minute) == .granted(wait: .zero))
        }
        #expect(limiter.reserve(at: .seconds(100), maxWait: .zero) == .refused(retryAfter: .seconds(30)))
        #expect(limiter.reserve(at: .seconds(110), maxWait: .zero) == .refused(retryAfter: .seconds(20)))
        #expect(limiter.reserve(at: .seconds(110), maxWait: minute) == .granted(wait: .seconds(20)))
        // A refused request reserved nothing: the next one queues right behind the granted one.
        #expect(limiter.reserve(at: .seconds(110), maxWait: minute) == .granted(wait: .seconds(20)))
    }

    @Test func requestsAcrossWindowEdges() {
        let limiter = SlidingWindowLimiter(limit: RateLimit(requests: 3, window: .seconds(10)))
        for second in [0, 1, 2] {
            #expect(limiter.reserve(at: .seconds(second), maxWait: .zero) == .granted(wait: .zero))
        }
        // Just before the first grant leaves the window, and just after.
        #expect(limiter.reserve(at: .milliseconds(9_999), maxWait: .zero) == .refused(retryAfter: .milliseconds(1)))
        #expect(limiter.reserve(at: .seconds(10), maxWait: .zero) == .granted(wait: .zero))
        #expect(limiter.reserve(at: .seconds(10), maxWait: .zero) == .refused(retryAfter: .seconds(1)))
        // Waiting callers line up one per freed slot, first come first served.
        #expect(limiter.reserve(at: .seconds(10), maxWait: minute) == .granted(wait: .seconds(1)))
        #expect(limiter.reserve(at: .seconds(10), maxWait: minute) == .granted(wait: .seconds(2)))
        #expect(limiter.reserve(at: .seconds(10), maxWait: minute) == .granted(wait: .seconds(10)))
    }

    /// No window of the limit's length ever holds more than its requests, whatever the arrivals.
    @Test(arguments: [(30, 30), (5, 2), (1, 1)])
    func noWindowEverHoldsMoreThanTheLimit(requests: Int, seconds: Int) {
        let limit = RateLimit(requests: requests, window: .seconds(seconds))
        let limiter = SlidingWindowLimiter(limit: limit)
        var generator = SystemRandomNumberGenerator()
        var now = Duration.zero
        var grants: [Duration] = []
        for _ in 0..<2_000 {
            now += .milliseconds(Int.random(in: 0...400, using: &generator))
            if case let .granted(wait) = limiter.reserve(at: now, maxWait: .seconds(seconds * 3)) {
                grants.append(now + wait)
            }
        }
        grants.sort()
        #expect(grants.count > 100)
        for index in grants.indices.dropLast(requests) {
            #expect(grants[index + requests] - grants[index] >= limit.window)
        }
    }

    @Test func concurrentCallersNeverShareASlot() async {
        let limit = RateLimit(requests: 10, window: .seconds(1))
        let limiter = SlidingWindowLimiter(limit: limit)
        let grants = await withTaskGroup(of: [Duration].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<50).compactMap { _ in
                        if case let .granted(wait) = limiter.reserve(at: .seconds(5), maxWait: .seconds(1_000)) { return .seconds(5) + wait }
                        return nil
                    }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }.sorted()
        }
        #expect(grants.count == 400)
        for index in grants.indices.dropLast(limit.requests) {
            #expect(grants[index + limit.requests] - grants[index] >= limit.window)
        }
    }

    @Test func limitsParseAndPrint() throws {
        #expect(try RateLimit(parsing: "30/30s") == .openD)
        #expect(try RateLimit(parsing: "10/500ms") == RateLimit(requests: 10, window: .milliseconds(500)))
        #expect(RateLimit.openD.description == "30/30s")
        for bad in ["", "30", "30/", "/30s", "0/30s", "30/0s", "30/30", "30/30m", "-1/30s", "x/30s"] {
            #expect(throws: ShortInterestError.self) { try RateLimit(parsing: bad) }
        }
    }
}

/// The OpenD client against a test server that enforces a scaled limit
/// (30 per 3 s) strictly, by its own bookkeeping, and answers past it as
/// OpenD does.
@Suite struct RateLimitedClientTests {
    private static let limit = RateLimit(requests: 30, window: .seconds(3))

    /// A behavior that refuses requests past `limit` in any window, counting rejections.
    private static func strictServer(rejections: Tally, limit: RateLimit = limit) -> TestOpenDServer.Behavior {
        let arrivals = Arrivals()
        return { request, frame in
            let now = ContinuousClock.now
            let admitted = arrivals.instants.withLock { arrivals in
                arrivals.removeAll { now - $0 >= limit.window }
                guard arrivals.count < limit.requests else { return false }
                arrivals.append(now)
                return true
            }
            guard admitted else {
                rejections.count.withLock { $0 += 1 }
                var reply = QotGetShortInterest_Response()
                reply.retType = -1
                reply.retMsg = "Request frequency exceeds the limit: at most 30 per 3 seconds"
                return [.send(try! OpenDFrame(protoID: frame.protoID, serial: frame.serial, message: reply))]
            }
            return TestHistories.standard.answer(request, frame)
        }
    }

    @Test func fortyRequestsInWaitModeEndWithoutErrors() async throws {
        let rejections = Tally()
        let server = try await TestOpenDServer.start(behavior: Self.strictServer(rejections: rejections))
        let client = try OpenDClient(configuration: OpenDConfiguration(port: server.port, rateLimit: Self.limit))
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<8 {
                group.addTask {
                    for _ in 0..<5 {
                        let page = try await client.page(code: caller % 2 == 0 ? "HK.00700" : "US.AAPL")
                        #expect(page.hkRows.count + page.usRows.count == 10)
                    }
                }
            }
            try await group.waitForAll()
        }
        // The last ten had to wait for the first ones to leave the window.
        #expect(clock.now - started >= Self.limit.window)
        #expect(server.counts.shortInterestRequests - rejections.count.withLock { $0 } == 40)
        await client.close()
        await server.stop()
    }

    @Test func theServerReallyEnforcesItsLimit() async throws {
        let rejections = Tally()
        // 30 per minute: the 40 requests must all fall in one window, however slow the machine.
        let server = try await TestOpenDServer.start(behavior: Self.strictServer(rejections: rejections,
                                                                                 limit: RateLimit(requests: 30, window: .seconds(60))))
        let client = try OpenDClient(configuration: OpenDConfiguration(port: server.port, rateLimit: nil, frequencyRetries: 0))
        var failures = 0
        for _ in 0..<40 {
            do { _ = try await client.page(code: "HK.00700") } catch { failures += 1 }
        }
        #expect(failures == 10)
        #expect(rejections.count.withLock { $0 } == 10)
        await client.close()
        await server.stop()
    }

    @Test func failFastModeSaysWhenTheNextSlotFreesAndSendsNothing() async throws {
        let server = try await TestOpenDServer.start()
        let client = try OpenDClient(configuration: OpenDConfiguration(
            port: server.port, rateLimit: RateLimit(requests: 5, window: .seconds(10)), rateLimitMode: .failFast))
        let clock = ContinuousClock()
        let first = clock.now
        for _ in 0..<5 { _ = try await client.page(code: "HK.00700") }
        await #expect {
            try await client.page(code: "HK.00700")
        } throws: { error in
            // The first slot frees 10.1 s (the limit and the client's 1 %) after it was taken.
            guard case let .rateLimited(retryAfter) = error as? ShortInterestError else { return false }
            return retryAfter >= .milliseconds(10_100) - (clock.now - first) && retryAfter <= .milliseconds(10_100)
        }
        #expect(server.counts.shortInterestRequests == 5)
        await client.close()
        await server.stop()
    }

    @Test func waitModeGivesUpPastTheLongestWait() async throws {
        let server = try await TestOpenDServer.start()
        let client = try OpenDClient(configuration: OpenDConfiguration(
            port: server.port, rateLimit: RateLimit(requests: 2, window: .seconds(30)), rateLimitMaxWait: .seconds(1)))
        for _ in 0..<2 { _ = try await client.page(code: "HK.00700") }
        await #expect(throws: ShortInterestError.self) { try await client.page(code: "HK.00700") }
        #expect(server.counts.shortInterestRequests == 2)
        await client.close()
        await server.stop()
    }
}

final class Tally: Sendable {
    let count = Mutex(0)
}

final class Arrivals: Sendable {
    let instants = Mutex<[ContinuousClock.Instant]>([])
}

import NIOCore
import OpenDProtocol
import ShortInterest
import Synchronization
import Testing

/// The client against a real OpenD-protocol server on loopback.
@Suite struct OpenDClientTests {
    private func client(_ server: TestOpenDServer, replyTimeout: Duration = .seconds(10)) throws -> OpenDClient {
        // No rate limit: these tests are about the protocol (RateLimitTests are about the limit).
        try OpenDClient(configuration: OpenDConfiguration(port: server.port, connectTimeout: .seconds(5), replyTimeout: replyTimeout, rateLimit: nil))
    }

    /// A behavior that answers the first request with `first` and later ones normally.
    private static func firstThen(_ first: @escaping @Sendable (OpenDFrame) -> [TestOpenDServer.Action]) -> TestOpenDServer.Behavior {
        let calls = Mutex(0)
        return { request, frame in
            let call = calls.withLock { calls in
                defer { calls += 1 }
                return calls
            }
            return call == 0 ? first(frame) : TestHistories.standard.answer(request, frame)
        }
    }

    private static func reply(to frame: OpenDFrame) -> OpenDFrame {
        var reply = QotGetShortInterest_Response()
        reply.retType = 0
        reply.s2C.hkItemList = Array(TestHistories.tencent.prefix(3))
        reply.s2C.nextKey = "3"
        return try! OpenDFrame(protoID: frame.protoID, serial: frame.serial, message: reply)
    }

    @Test func pagesThroughAWholeHistory() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        var keys: [String] = []
        var rows: [HKShortInterestRow] = []
        var nextKey: String? = nil
        repeat {
            let page = try await client.page(code: "HK.00700", nextKey: nextKey, num: 4)
            #expect(page.usRows.isEmpty)
            #expect(page.code.description == "HK.00700")
            rows += page.hkRows
            keys.append(page.nextKey)
            nextKey = page.nextKey
        } while nextKey != PageRequest.endKey
        #expect(keys == ["4", "8", "-1"])
        #expect(rows.count == 10)
        #expect(rows.first == HKShortInterestRow(timestamp: 1777478400, timestampString: "2026-04-30", closePrice: 467.8,
                                                 lastClosePrice: 479.2, aggregatedShort: 51480638, aggregatedShortRatio: 0.56))
        #expect(rows.last?.timestampString == "2026-02-27")
        #expect(rows.map(\.timestamp) == rows.map(\.timestamp).sorted(by: { $0! > $1! }))
        // One connection, one InitConnect, for every page.
        #expect(server.counts.connections == 1)
        #expect(server.counts.initConnects == 1)
        await client.close()
        await server.stop()
    }

    @Test func theDefaultPageHoldsTenRows() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        let page = try await client.page(code: "US.AAPL")
        #expect(page.usRows.count == 10)
        #expect(page.hkRows.isEmpty)
        #expect(page.nextKey == "10")
        #expect(page.usRows[0] == USShortInterestRow(timestamp: 1777521600, timestampString: "2026-04-30", sharesShort: 134_675_274,
                                                     averageDailyShareVolume: 45_944_025, daysToCover: 2.93))
        await client.close()
        await server.stop()
    }

    @Test func aCodeWithADotReachesOpenDWhole() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        let page = try await client.page(code: "US.BRK.B")
        #expect(page.usRows.map(\.sharesShort) == [7_123_456])
        #expect(page.isLast)
        await client.close()
        await server.stop()
    }

    @Test func absentFieldsStayAbsentAndBigIntegersStayExact() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        let page = try await client.page(code: "US.SPARSE")
        #expect(page.usRows.count == 2)
        #expect(page.usRows[0].sharesShort == 9_007_199_254_740_993)
        #expect(page.usRows[0].shortPercent == nil)
        #expect(page.usRows[0].closePrice == nil)
        #expect(page.usRows[1] == USShortInterestRow(timestampString: "2026-04-15"))
        await client.close()
        await server.stop()
    }

    @Test func anEmptyHistoryIsAnEmptyLastPage() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        let page = try await client.page(code: "HK.09999")
        #expect(page.hkRows.isEmpty && page.usRows.isEmpty)
        #expect(page.isLast)
        await client.close()
        await server.stop()
    }

    @Test func openDsRejectionPassesThroughUnchanged() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        await #expect(throws: ShortInterestError.rejected(retType: -1, errCode: 1001, message: "Unknown stock NOPE")) {
            try await client.page(code: "US.NOPE")
        }
        // The connection survives a rejection.
        #expect(try await client.page(code: "HK.00700").hkRows.count == 10)
        #expect(server.counts.connections == 1)
        await client.close()
        await server.stop()
    }

    @Test func invalidRequestsAndThePageAfterTheEndSendNothing() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        let past = try await client.page(code: "HK.00700", nextKey: "-1")
        #expect(past == ShortInterestPage(code: try SecurityCode("HK.00700"), nextKey: "-1"))
        await #expect(throws: ShortInterestError.self) { try await client.page(code: "XX.123") }
        await #expect(throws: ShortInterestError.self) { try await client.page(code: "HK.00700", num: 51) }
        #expect(server.counts.connections == 0)
        #expect(server.counts.shortInterestRequests == 0)
        await client.close()
        await server.stop()
    }

    @Test func pushesAndStrayRepliesAreSkipped() async throws {
        let server = try await TestOpenDServer.start(behavior: Self.firstThen { frame in
            var push = QotGetShortInterest_Response()
            push.retType = 0
            return [
                .send(try! OpenDFrame(protoID: ProtoID.notify, serial: frame.serial, message: push)),
                .send(try! OpenDFrame(protoID: ProtoID.getShortInterest, serial: frame.serial &+ 1000, message: push)),
                .send(Self.reply(to: frame)),
            ]
        })
        let client = try client(server)
        let page = try await client.page(code: "HK.00700")
        #expect(page.hkRows.count == 3)
        #expect(page.nextKey == "3")
        await client.close()
        await server.stop()
    }

    @Test func aReplyDeliveredOneByteAtATime() async throws {
        let server = try await TestOpenDServer.start(behavior: Self.firstThen { frame in
            [.sendOneByteAtATime(Self.reply(to: frame))]
        })
        let client = try client(server)
        let page = try await client.page(code: "HK.00700")
        #expect(page.hkRows == TestHistories.tencent.prefix(3).map(HKShortInterestRow.init(expected:)))
        await client.close()
        await server.stop()
    }

    @Test func aServerThatNeverAnswersTimesOutWithinTheBound() async throws {
        let server = try await TestOpenDServer.start(behavior: { _, _ in [] })
        let client = try client(server, replyTimeout: .milliseconds(300))
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: ShortInterestError.timeout("no reply to proto 3249 within 0.3 seconds")) {
            try await client.page(code: "HK.00700")
        }
        // Not before the bound (the waits in recv run out every 100 ms, and
        // must not be taken for the deadline); generous after it: the point
        // is that it ends near the bound, not at some other timeout.
        #expect(clock.now - started >= .milliseconds(300))
        #expect(clock.now - started < .seconds(5))
        await client.close()
        await server.stop()
    }

    @Test func garbageIsAProtocolErrorAndTheNextCallReconnects() async throws {
        let server = try await TestOpenDServer.start(behavior: Self.firstThen { _ in
            [.sendBytes(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))]
        })
        let client = try client(server)
        await #expect(throws: ShortInterestError.protocolError("bad frame header (no \"FT\" flag)")) {
            try await client.page(code: "HK.00700")
        }
        #expect(try await client.page(code: "HK.00700").hkRows.count == 10)
        #expect(server.counts.connections == 2)
        await client.close()
        await server.stop()
    }

    @Test func aRequestLeftUnansweredTimesOutAndTheNextCallWorks() async throws {
        let server = try await TestOpenDServer.start(behavior: Self.firstThen { _ in [] })
        let client = try client(server, replyTimeout: .milliseconds(300))
        await #expect(throws: ShortInterestError.timeout("no reply to proto 3249 within 0.3 seconds")) {
            try await client.page(code: "HK.00700")
        }
        #expect(try await client.page(code: "HK.00700").hkRows.count == 10)
        await client.close()
        await server.stop()
    }

    @Test func aCloseMidFrameDisconnectsAndTheNextCallReconnects() async throws {
        let server = try await TestOpenDServer.start(behavior: Self.firstThen { frame in
            var bytes = ByteBuffer()
            Self.reply(to: frame).write(to: &bytes)
            return [.sendBytes(Array(bytes.readableBytesView.prefix(60))), .close]
        })
        let client = try client(server)
        await #expect {
            try await client.page(code: "HK.00700")
        } throws: { error in
            guard case .disconnected = error as? ShortInterestError else { return false }
            return true
        }
        #expect(try await client.page(code: "HK.00700").hkRows.count == 10)
        #expect(server.counts.connections == 2)
        #expect(server.counts.initConnects == 2)
        await client.close()
        await server.stop()
    }

    @Test func aBadChecksumIsAProtocolErrorAndTheNextCallReconnects() async throws {
        let server = try await TestOpenDServer.start(behavior: Self.firstThen { frame in
            var bytes = ByteBuffer()
            Self.reply(to: frame).write(to: &bytes)
            var raw = Array(bytes.readableBytesView)
            raw[16] ^= 0xFF
            return [.sendBytes(raw)]
        })
        let client = try client(server)
        await #expect(throws: ShortInterestError.protocolError("SHA-1 mismatch in the body of proto 3249, serial 2")) {
            try await client.page(code: "HK.00700")
        }
        #expect(try await client.page(code: "HK.00700").hkRows.count == 10)
        await client.close()
        await server.stop()
    }

    @Test func aFourGiBLengthFieldIsAProtocolErrorAtOnce() async throws {
        let server = try await TestOpenDServer.start(behavior: Self.firstThen { frame in
            var bytes = ByteBuffer()
            OpenDFrame(protoID: frame.protoID, serial: frame.serial, body: ByteBuffer()).write(to: &bytes)
            var header = Array(bytes.readableBytesView)
            header.replaceSubrange(12..<16, with: [0xFF, 0xFF, 0xFF, 0xFF])
            return [.sendBytes(header)]
        })
        // A long reply timeout: the error must come from the header, not from waiting.
        let client = try client(server, replyTimeout: .seconds(60))
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: ShortInterestError.protocolError("frame body of 4294967295 bytes exceeds the limit of 1048576 bytes")) {
            try await client.page(code: "HK.00700")
        }
        #expect(clock.now - started < .seconds(30))
        #expect(try await client.page(code: "HK.00700").hkRows.count == 10)
        await client.close()
        await server.stop()
    }

    @Test func eightConcurrentCallersEachGetTheirOwnAnswers() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<8 {
                group.addTask {
                    for round in 0..<25 {
                        let num = 1 + (caller + round) % 10
                        let start = (caller * 3 + round) % 20
                        if caller % 2 == 0 {
                            let page = try await client.page(code: "US.AAPL", nextKey: String(start), num: num)
                            let expected = TestHistories.apple[start..<min(start + num, 25)].map(\.sharesShort)
                            #expect(page.usRows.map(\.sharesShort) == expected)
                        } else {
                            let page = try await client.page(code: "HK.00700", nextKey: String(start % 10), num: num)
                            let expected = TestHistories.tencent[(start % 10)..<min(start % 10 + num, 10)].map(\.aggregatedShort)
                            #expect(page.hkRows.map(\.aggregatedShort) == expected)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(server.counts.connections == 1)
        #expect(server.counts.shortInterestRequests == 200)
        await client.close()
        await server.stop()
    }

    @Test func keepAliveRunsAtFourFifthsOfTheInterval() async throws {
        let server = try await TestOpenDServer.start(keepAliveInterval: 1)
        let client = try client(server)
        _ = try await client.page(code: "HK.00700")
        // The first keep-alive is due 0.8 s after InitConnect; allow a slow machine ample time.
        for _ in 0..<100 where server.counts.keepAlives < 2 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(server.counts.keepAlives >= 2)
        #expect(server.counts.connections == 1)
        await client.close()
        await server.stop()
    }

    @Test func connectingToANonListeningPortFails() async throws {
        let server = try await TestOpenDServer.start()
        let port = server.port
        await server.stop()
        let client = try OpenDClient(configuration: OpenDConfiguration(port: port))
        await #expect {
            try await client.page(code: "HK.00700")
        } throws: { error in
            guard case .connectFailed = error as? ShortInterestError else { return false }
            return true
        }
        await client.close()
    }

    @Test func aClosedClientRefusesFurtherRequests() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        _ = try await client.page(code: "HK.00700")
        await client.close()
        await client.close()
        await #expect(throws: ShortInterestError.disconnected("client closed")) {
            try await client.page(code: "HK.00700")
        }
        await server.stop()
    }

    @Test func closingFailsRequestsInFlight() async throws {
        let server = try await TestOpenDServer.start(behavior: { _, _ in [] })
        let client = try client(server, replyTimeout: .seconds(60))
        let pending = Task { try await client.page(code: "HK.00700") }
        while server.counts.shortInterestRequests == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        await client.close()
        await #expect(throws: ShortInterestError.disconnected("client closed")) {
            try await pending.value
        }
        await server.stop()
    }

    @Test func badConfigurationIsRefused() {
        #expect(throws: ShortInterestError.self) { try OpenDClient(configuration: OpenDConfiguration(port: 0)) }
        #expect(throws: ShortInterestError.self) { try OpenDClient(configuration: OpenDConfiguration(host: "")) }
        #expect(throws: ShortInterestError.self) { try OpenDClient(configuration: OpenDConfiguration(replyTimeout: .zero)) }
        #expect(throws: ShortInterestError.invalidArgument(
            "a fixed busy poll must be longer than 0 and at most 0.01 seconds, not -1e-06 seconds")) {
            try OpenDClient(configuration: OpenDConfiguration(busyPoll: .fixed(.microseconds(-1))))
        }
        for refused in [Duration.zero, BusyPoll.maxFixed + .microseconds(1)] {
            #expect(throws: ShortInterestError.self) { try OpenDClient(configuration: OpenDConfiguration(busyPoll: .fixed(refused))) }
        }
        for accepted in [BusyPoll.fixed(BusyPoll.maxFixed), .off, .adaptive] {
            #expect(throws: Never.self) { try OpenDClient(configuration: OpenDConfiguration(busyPoll: accepted)) }
        }
    }
}

extension HKShortInterestRow {
    init(expected item: QotGetShortInterest_HkShortInterestItem) {
        self.init(timestamp: item.timestamp, timestampString: item.timestampStr, closePrice: item.closePrice,
                  lastClosePrice: item.lastClosePrice, aggregatedShort: item.aggregatedShort, aggregatedShortRatio: item.aggregatedShortRatio)
    }
}

import NIOCore
import NIOPosix
import OpenDProtocol
import ShortInterest
import ShortInterestGateway
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let histories: [SecurityCode: InMemorySource.History] = {
    var rows: [HKShortInterestRow] = []
    for index in 0..<23 {
        rows.append(HKShortInterestRow(timestamp: 1_777_478_400 - Int64(index) * 604_800, timestampString: "day-\(index)",
                                       closePrice: 400 + Double(index), aggregatedShort: 50_000_000 + UInt64(index)))
    }
    return [
        try! SecurityCode("HK.00700"): InMemorySource.History(hkRows: rows),
        try! SecurityCode("US.SPARSE"): InMemorySource.History(usRows: [
            USShortInterestRow(timestampString: "2026-04-30", sharesShort: 9_007_199_254_740_993),
            USShortInterestRow(),
        ]),
        try! SecurityCode("US.EDGES"): InMemorySource.History(usRows: edgeRows),
    ]
}()

/// What the wire format makes hard: a negative int64 (a 10-byte varint), the
/// largest uint64, NaN, -0.0 and infinity, non-ASCII text, a row of 128 bytes
/// or more (a two-byte length), a row with no field at all.
private let edgeRows = [
    USShortInterestRow(timestamp: -86_400, timestampString: String(repeating: "日", count: 40), sharesShort: .max,
                       shortPercent: .nan, averageDailyShareVolume: 0, daysToCover: -0.0, closePrice: .infinity,
                       lastClosePrice: 1.5),
    USShortInterestRow(),
    USShortInterestRow(lastClosePrice: 271.35),
]

private func startGateway(_ configuration: GatewayServer.Configuration = .init(port: 0)) async throws -> GatewayServer {
    var configuration = configuration
    configuration.port = 0
    return try await GatewayServer.start(source: InMemorySource(histories: histories), configuration: configuration)
}

/// A bare protocol connection, for what a well-behaved client never does.
private func rawConnection(to port: Int) async throws -> NIOAsyncChannel<OpenDFrame, OpenDFrame> {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers(ByteToMessageHandler(OpenDFrameDecoder()), MessageToByteHandler(OpenDFrameEncoder()))
            return try NIOAsyncChannel<OpenDFrame, OpenDFrame>(wrappingChannelSynchronously: channel)
        }
    }
}

private func initConnect(serial: UInt32 = 1) throws -> OpenDFrame {
    var hello = InitConnect_Request()
    hello.c2S.clientVer = 300
    hello.c2S.clientID = "raw"
    return try OpenDFrame(protoID: ProtoID.initConnect, serial: serial, message: hello)
}

/// Sends `frames` and collects what comes back until the server closes, or `count` frames arrived.
private func exchange(_ port: Int, _ frames: [OpenDFrame], expecting count: Int = .max) async throws -> (replies: [OpenDFrame], closed: Bool) {
    let connection = try await rawConnection(to: port)
    return try await connection.executeThenClose { inbound, outbound in
        var replies: [OpenDFrame] = []
        do {
            for frame in frames { try await outbound.write(frame) }
            var iterator = inbound.makeAsyncIterator()
            while replies.count < count {
                guard let reply = try await iterator.next() else { return (replies, true) }
                replies.append(reply)
            }
            return (replies, false)
        } catch let error as IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
            // The server closed with data unread: a reset is a close too.
            return (replies, true)
        } catch ChannelError.ioOnClosedChannel {
            // Closed before we had written everything.
            return (replies, true)
        }
    }
}

@Suite struct GatewayTests {
    @Test func ourClientPagesThroughTheGateway() async throws {
        let gateway = try await startGateway()
        let client = try OpenDClient(configuration: OpenDConfiguration(port: gateway.port))
        var rows: [HKShortInterestRow] = []
        var nextKey: String? = nil
        repeat {
            let page = try await client.page(code: "HK.00700", nextKey: nextKey, num: 10)
            rows += page.hkRows
            nextKey = page.nextKey
        } while nextKey != "-1"
        #expect(rows == histories[try SecurityCode("HK.00700")]!.hkRows)
        let sparse = try await client.page(code: "US.SPARSE")
        #expect(sparse.usRows == histories[try SecurityCode("US.SPARSE")]!.usRows)
        await #expect(throws: ShortInterestError.rejected(retType: -1, errCode: nil, message: "unknown stock US.NOPE")) {
            try await client.page(code: "US.NOPE")
        }
        await client.close()
        await gateway.close()
    }

    @Test func aPageIsAnsweredWithSwiftProtobufsEncodingToTheByte() async throws {
        let gateway = try await startGateway()
        var request = QotGetShortInterest_Request()
        request.c2S.security.market = 11
        request.c2S.security.code = "EDGES"
        let (replies, _) = try await exchange(gateway.port, [
            try initConnect(), try OpenDFrame(protoID: ProtoID.getShortInterest, serial: 2, message: request),
        ], expecting: 2)
        var expected = QotGetShortInterest_Response()
        expected.retType = 0
        var full = QotGetShortInterest_UsShortInterestItem()
        full.timestamp = -86_400
        full.timestampStr = String(repeating: "日", count: 40)
        full.sharesShort = .max
        full.shortPercent = .nan
        full.avgDailyShareVolume = 0
        full.daysToCover = -0.0
        full.closePrice = .infinity
        full.lastClosePrice = 1.5
        var closeOnly = QotGetShortInterest_UsShortInterestItem()
        closeOnly.lastClosePrice = 271.35
        expected.s2C.usItemList = [full, QotGetShortInterest_UsShortInterestItem(), closeOnly]
        expected.s2C.nextKey = "-1"
        let expectedBody: [UInt8] = try expected.serializedBytes()
        #expect(replies.count == 2)
        #expect(replies.last?.body == ByteBuffer(bytes: expectedBody))
        await gateway.close()
    }

    @Test func aConnectionWhoseFirstFrameIsNotInitConnectIsRefused() async throws {
        let gateway = try await startGateway()
        var ping = KeepAlive_Request()
        ping.c2S.time = 1
        let (replies, closed) = try await exchange(gateway.port, [try OpenDFrame(protoID: ProtoID.keepAlive, serial: 1, message: ping)])
        #expect(replies.isEmpty && closed)
        await gateway.close()
    }

    @Test func otherProtosGetRetTypeMinusOneWithAMessage() async throws {
        let gateway = try await startGateway()
        let other = OpenDFrame(protoID: 3004, serial: 2, body: ByteBuffer())
        let (replies, _) = try await exchange(gateway.port, [try initConnect(), other], expecting: 2)
        #expect(replies.map(\.serial) == [1, 2])
        let answer: QotGetShortInterest_Response = try replies[1].decode()
        #expect(replies[1].protoID == 3004)
        #expect(answer.retType == -1 && answer.retMsg.contains("3004"))
        await gateway.close()
    }

    @Test func invalidRequestsAreAnsweredNotDropped() async throws {
        let gateway = try await startGateway()
        var request = QotGetShortInterest_Request()
        request.c2S.security.market = 21  // SH: not served
        request.c2S.security.code = "600000"
        var tooMany = QotGetShortInterest_Request()
        tooMany.c2S.security.market = 1
        tooMany.c2S.security.code = "00700"
        tooMany.c2S.num = 51
        let (replies, _) = try await exchange(gateway.port, [
            try initConnect(),
            try OpenDFrame(protoID: ProtoID.getShortInterest, serial: 2, message: request),
            try OpenDFrame(protoID: ProtoID.getShortInterest, serial: 3, message: tooMany),
        ], expecting: 3)
        for reply in replies.dropFirst() {
            let answer: QotGetShortInterest_Response = try reply.decode()
            #expect(answer.retType == -1 && !answer.retMsg.isEmpty)
        }
        await gateway.close()
    }

    @Test func connectionsBeyondTheLimitAreClosedAndTheOthersStillServed() async throws {
        let gateway = try await startGateway(.init(maxConnections: 2))
        let first = try OpenDClient(configuration: OpenDConfiguration(port: gateway.port))
        let second = try OpenDClient(configuration: OpenDConfiguration(port: gateway.port))
        _ = try await first.page(code: "HK.00700")
        _ = try await second.page(code: "HK.00700")
        let (replies, closed) = try await exchange(gateway.port, [try initConnect()])
        #expect(replies.isEmpty && closed)
        #expect(try await first.page(code: "HK.00700", num: 3).hkRows.count == 3)
        await first.close()
        await second.close()
        await gateway.close()
    }

    @Test func aSilentConnectionIsClosedAfterTheHandshakeTimeout() async throws {
        let gateway = try await startGateway(.init(handshakeTimeout: .milliseconds(200)))
        let (replies, closed) = try await exchange(gateway.port, [])
        #expect(replies.isEmpty && closed)
        await gateway.close()
    }

    @Test func pastItsRateLimitTheGatewayAnswersAsOpenDDoesAndOurClientWaits() async throws {
        // 5 per minute: the 7 requests must all fall in one window, however slow the machine.
        let strict = try await startGateway(.init(rateLimit: RateLimit(requests: 5, window: .seconds(60))))
        let eager = try OpenDClient(configuration: OpenDConfiguration(port: strict.port, rateLimit: nil, frequencyRetries: 0))
        var refusals: [String] = []
        for _ in 0..<7 {
            do {
                _ = try await eager.page(code: "HK.00700")
            } catch {
                if case let .rejected(retType, _, message) = error {
                    #expect(retType == -1)
                    refusals.append(message)
                }
            }
        }
        #expect(refusals.count == 2)
        #expect(refusals.allSatisfy { $0.hasPrefix("Request frequency exceeds the limit of 5/60s") })
        await eager.close()
        await strict.close()
        // A client that knows the limit gets through without an error.
        let gateway = try await startGateway(.init(rateLimit: RateLimit(requests: 5, window: .seconds(1))))
        let patient = try OpenDClient(configuration: OpenDConfiguration(port: gateway.port, rateLimit: RateLimit(requests: 5, window: .seconds(1))))
        for _ in 0..<12 { _ = try await patient.page(code: "HK.00700", num: 1) }
        await patient.close()
        await gateway.close()
    }

    @Test func anOversizedFrameClosesOnlyItsConnection() async throws {
        let gateway = try await startGateway(.init(maxBodyLength: 1024))
        let client = try OpenDClient(configuration: OpenDConfiguration(port: gateway.port))
        _ = try await client.page(code: "HK.00700")
        let huge = OpenDFrame(protoID: ProtoID.getShortInterest, serial: 2, body: ByteBuffer(repeating: 0x41, count: 4096))
        let (replies, closed) = try await exchange(gateway.port, [try initConnect(), huge], expecting: 2)
        #expect(replies.count == 1 && closed)
        #expect(try await client.page(code: "HK.00700", num: 5).hkRows.count == 5)
        await client.close()
        await gateway.close()
    }
}

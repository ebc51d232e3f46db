import ShortInterest
import Synchronization
import Testing

@Suite struct WholeHistoryTests {
    private func client(_ server: TestOpenDServer) throws -> OpenDClient {
        try OpenDClient(configuration: OpenDConfiguration(port: server.port, rateLimit: nil))
    }

    @Test func followsNextKeysToTheEnd() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        let whole = try await client.wholeHistory(code: SecurityCode("US.AAPL"), pageSize: 10)
        #expect(whole.usRows.map(\.sharesShort) == TestHistories.apple.map(\.sharesShort))
        #expect(whole.isLast)
        #expect(server.counts.shortInterestRequests == 3)
        await client.close()
        await server.stop()
    }

    @Test func stoppingAtMaxPagesIsVisibleNotSilent() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        let partial = try await client.wholeHistory(code: SecurityCode("US.AAPL"), pageSize: 10, maxPages: 2)
        #expect(partial.usRows.count == 20)
        #expect(!partial.isLast && partial.nextKey == "20")
        await #expect(throws: ShortInterestError.self) { try await client.wholeHistory(code: SecurityCode("US.AAPL"), maxPages: 0) }
        await client.close()
        await server.stop()
    }

    @Test func manyCodesWithABadOneAmongGoodOnes() async throws {
        let server = try await TestOpenDServer.start()
        let client = try client(server)
        let seen = Seen()
        let codes = ["HK.00700", "XX.123", "US.AAPL", "US.NOPE", "US.BRK.B"]
        let results = await client.wholeHistories(codes: codes, pageSize: 7, concurrency: 2) { progress in
            seen.log.withLock { $0.append((progress.code, progress.codesDone, progress.codeCount)) }
        }
        #expect(try results[0].get().hkRows.count == 10)
        #expect(throws: ShortInterestError.self) { try results[1].get() }
        #expect(try results[2].get().usRows.count == 25)
        #expect(throws: ShortInterestError.rejected(retType: -1, errCode: 1001, message: "Unknown stock NOPE")) { try results[3].get() }
        #expect(try results[4].get().usRows.count == 1)
        let log = seen.log.withLock { $0 }
        #expect(log.map(\.1) == [1, 2, 3, 4, 5])
        #expect(Set(log.map(\.0)) == Set(codes) && log.allSatisfy { $0.2 == 5 })
        await client.close()
        await server.stop()
    }
}

private final class Seen: Sendable {
    let log = Mutex<[(String, Int, Int)]>([])
}

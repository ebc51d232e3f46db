import FoundationEssentials
import ShortInterest
import ShortInterestStore
import Synchronization
import Testing

/// An in-memory source that counts the requests reaching it.
private final class CountingSource: ShortInterestSource {
    let inner: InMemorySource
    let requests = Mutex(0)

    init(_ inner: InMemorySource) { self.inner = inner }

    func fetchPage(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage {
        requests.withLock { $0 += 1 }
        return try await inner.fetchPage(request)
    }

    func close() async {}
}

@Suite struct CachedSourceTests {
    /// 120 rows with fields left out here and there, and share counts above 2^53.
    private static func row(_ index: Int) -> USShortInterestRow {
        let timestamp: Int64 = 1_777_521_600 - Int64(index) * 1_296_000
        let shares: UInt64 = 9_007_199_254_740_993 + UInt64(index)
        let percent: Double? = index % 3 == 0 ? nil : 1.25
        let cover: Double? = index % 2 == 0 ? 2.93 : nil
        return USShortInterestRow(timestamp: timestamp, timestampString: "d\(index)", sharesShort: shares,
                                  shortPercent: percent, daysToCover: cover)
    }

    private let upstream: CountingSource = {
        var rows = (0..<120).map(CachedSourceTests.row)
        rows[5] = USShortInterestRow()
        return CountingSource(InMemorySource(histories: [try! SecurityCode("US.LONG"): .init(usRows: rows)]))
    }()

    private func cachePath() -> String {
        FileManager.default.temporaryDirectory.appending(path: "si-cache-\(UInt64.random(in: 0...UInt64.max)).sqlite").path
    }

    @Test func aRepeatedWholeHistoryCostsNoUpstreamRequestAndLooksTheSame() async throws {
        let path = cachePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let cached = CachedSource(upstream: upstream, cache: try await ShortInterestStore.open(path: path, create: true),
                                  timeToLive: .seconds(600))
        let first = try await cached.wholeHistory(code: SecurityCode("US.LONG"))
        #expect(upstream.requests.withLock { $0 } == 3)
        let second = try await cached.wholeHistory(code: SecurityCode("US.LONG"))
        #expect(upstream.requests.withLock { $0 } == 3)
        #expect(second == first)
        #expect(first == (try await upstream.inner.wholeHistory(code: SecurityCode("US.LONG"))))
        // Another page size is another request.
        _ = try await cached.page(code: "US.LONG", num: 7)
        #expect(upstream.requests.withLock { $0 } == 4)
        await cached.close()
    }

    @Test func anExpiredAnswerIsFetchedAgain() async throws {
        let path = cachePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let cached = CachedSource(upstream: upstream, cache: try await ShortInterestStore.open(path: path, create: true),
                                  timeToLive: .seconds(1))
        _ = try await cached.page(code: "US.LONG")
        _ = try await cached.page(code: "US.LONG")
        #expect(upstream.requests.withLock { $0 } == 1)
        try await Task.sleep(for: .milliseconds(2_100))
        _ = try await cached.page(code: "US.LONG")
        #expect(upstream.requests.withLock { $0 } == 2)
        await cached.close()
    }
}

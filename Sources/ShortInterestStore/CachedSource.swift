import FoundationEssentials
import ShortInterest
import SQLiteNIO

/// Another source's answers (OpenD's) kept in a store for a while: a request
/// repeated while its answer is fresh, such as a whole history read again,
/// costs no request upstream, and so none of OpenD's 30 per 30 seconds.
///
///     let cached = CachedSource(upstream: openD, cache: try await ShortInterestStore.open(path: "cache.sqlite", create: true),
///                               timeToLive: .seconds(6 * 3600))
///
/// A cached page is the upstream page exactly (same rows, same absent
/// fields, same next key). A cache that cannot be read or written is
/// bypassed, never an error.
public final class CachedSource: ShortInterestSource {
    public let upstream: any ShortInterestSource
    public let cache: ShortInterestStore
    public let timeToLive: Duration

    public init(upstream: any ShortInterestSource, cache: ShortInterestStore, timeToLive: Duration) {
        self.upstream = upstream
        self.cache = cache
        self.timeToLive = timeToLive
    }

    public func fetchPage(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage {
        let key: [SQLiteData] = [.text(request.code.market.rawValue), .text(request.code.symbol),
                                 .text(request.nextKey ?? ""), .integer(request.pageSize)]
        let now = Int(Date().timeIntervalSince1970)
        let oldest = now - Int(timeToLive.components.seconds)
        if let row = try? await cache.query(
               "SELECT page FROM page_cache WHERE market = ?1 AND symbol = ?2 AND next_key = ?3 AND num = ?4 AND fetched_at >= ?5",
               key + [.integer(oldest)]).first,
           case let .text(json)? = row.column("page"),
           let page = try? ShortInterestPage(json: json) {
            return page
        }
        let page = try await upstream.page(request)
        _ = try? await cache.query("INSERT OR REPLACE INTO page_cache (market, symbol, next_key, num, fetched_at, page) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                   key + [.integer(now), .text(page.json)])
        return page
    }

    public func close() async {
        await upstream.close()
        await cache.close()
    }
}

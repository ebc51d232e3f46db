import FoundationEssentials
import NIOCore
import NIOPosix
import ShortInterest
import SQLiteNIO

/// A local SQLite store of short-interest history, filled from the free
/// public files (``ingestFINRA(files:progress:)``, ``ingestSFC(files:progress:)``,
/// ``ingestReference(files:progress:)``) and answering pages with OpenD's
/// semantics: newest first, 1...50 rows, an opaque next key, `"-1"` at the end.
///
///     let store = try await ShortInterestStore.open(path: "short-interest.sqlite")
///     let page = try await store.page(code: "HK.00700", num: 20)
///
/// SQLite comes through vapor/sqlite-nio rather than GRDB.swift: sqlite-nio
/// bundles its own SQLite, so `libshortinterest.so` needs no system
/// libsqlite3 and every user gets the same SQLite; it imports only
/// FoundationEssentials, where GRDB imports Foundation and uses
/// DateFormatter, which would link ICU into the static library (about
/// 58 MB instead of 21 MB, see shared/guides/swift-c-abi.md); and it runs
/// on SwiftNIO like the OpenD client. The price is a hop to NIO's thread
/// pool per statement, measured in bench/.
public final class ShortInterestStore: ShortInterestSource {
    let connection: SQLiteConnection
    public let path: String

    private init(connection: SQLiteConnection, path: String) {
        self.connection = connection
        self.path = path
    }

    /// Opens the store at `path`.
    ///
    /// - Parameter create: make an empty store if there is none (ingest
    ///   does); otherwise a missing file is an error, so that a mistyped path
    ///   fails loudly instead of answering every request with nothing.
    public static func open(path: String, create: Bool = false) async throws(ShortInterestError) -> ShortInterestStore {
        guard !path.isEmpty else { throw .invalidArgument("store path is empty") }
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw .store("no store at \(path) (create one with `shortinterest ingest`)")
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path))
        } catch {
            throw .store("cannot open store \(path): \(error)")
        }
        let store = ShortInterestStore(connection: connection, path: path)
        do {
            try await store.prepareSchema()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    public func fetchPage(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage {
        let upTo: String
        if let key = request.nextKey {
            guard let day = StorePageKey(key) else {
                throw .invalidArgument("next_key \"\(key)\" was not issued by this store")
            }
            upTo = day.text
        } else {
            upTo = StorePageKey.newest.text
        }
        let symbol = SQLiteData.text(request.code.symbol)
        // One row more than asked tells whether a next page exists, and where it starts.
        let limit = SQLiteData.integer(request.pageSize + 1)
        var page = ShortInterestPage(code: request.code)
        let rows: [SQLiteRow]
        switch request.code.market {
        case .us:
            rows = try await query(StoreSchema.usPage, [symbol, .text(upTo), limit])
            page.usRows = rows.prefix(request.pageSize).map(USShortInterestRow.init(stored:))
        case .hk:
            rows = try await query(StoreSchema.hkPage, [symbol, .text(upTo), limit])
            page.hkRows = rows.prefix(request.pageSize).map(HKShortInterestRow.init(stored:))
        }
        if rows.count > request.pageSize, case let .text(day)? = rows[request.pageSize].column("day") {
            page.nextKey = StorePageKey(day: day).text
        }
        return page
    }

    public func close() async {
        try? await connection.close()
    }

    func query(_ sql: String, _ binds: [SQLiteData] = []) async throws(ShortInterestError) -> [SQLiteRow] {
        do {
            return try await connection.query(sql, binds)
        } catch {
            throw .store("\(error) (in store \(path))")
        }
    }

    private func prepareSchema() async throws(ShortInterestError) {
        // WAL lets a gateway keep reading while `shortinterest ingest` writes.
        _ = try await query("PRAGMA journal_mode = WAL")
        _ = try await query("PRAGMA busy_timeout = 5000")
        let version = try await query("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
        switch version {
        case 0:
            for statement in StoreSchema.create {
                _ = try await query(statement)
            }
            _ = try await query("PRAGMA user_version = \(StoreSchema.version)")
        case StoreSchema.version:
            break
        default:
            throw .store("store \(path) has schema version \(version); this library reads version \(StoreSchema.version)")
        }
    }
}

/// The next key of a store page: the trading day of the first row of the
/// next page. Callers treat it as opaque.
struct StorePageKey {
    let text: String

    static let newest = StorePageKey(day: "9999-12-31")

    init(day: String) { text = day }

    /// Accepts only keys this store issues (`YYYY-MM-DD`).
    init?(_ key: String) {
        let bytes = Array(key.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (0x30...0x39).contains($0.element) })
        else { return nil }
        text = key
    }
}

extension USShortInterestRow {
    init(stored row: SQLiteRow) {
        self.init(
            timestamp: row.column("timestamp")?.int64Value,
            timestampString: row.column("day")?.string,
            sharesShort: row.column("shares_short")?.uint64Value,
            shortPercent: row.column("short_percent")?.doubleValue,
            averageDailyShareVolume: row.column("avg_daily_share_volume")?.uint64Value,
            daysToCover: row.column("days_to_cover")?.doubleValue,
            closePrice: row.column("close_price")?.doubleValue,
            lastClosePrice: row.column("last_close_price")?.doubleValue
        )
    }
}

extension HKShortInterestRow {
    init(stored row: SQLiteRow) {
        self.init(
            timestamp: row.column("timestamp")?.int64Value,
            timestampString: row.column("day")?.string,
            closePrice: row.column("close_price")?.doubleValue,
            lastClosePrice: row.column("last_close_price")?.doubleValue,
            aggregatedShort: row.column("aggregated_short")?.uint64Value,
            aggregatedShortRatio: row.column("aggregated_short_ratio")?.doubleValue
        )
    }
}

/// Absent (NULL) stays nil; no conversion between kinds, so a NULL never becomes 0.
extension SQLiteData {
    var int64Value: Int64? {
        if case let .integer(value) = self { return Int64(value) }
        return nil
    }

    /// Share counts are stored as the bit pattern of a UInt64, so every value round-trips.
    var uint64Value: UInt64? { int64Value.map { UInt64(bitPattern: $0) } }

    var doubleValue: Double? {
        switch self {
        case let .float(value): return value
        case let .integer(value): return Double(value)
        default: return nil
        }
    }

    init(_ value: UInt64?) {
        self = value.map { .integer(Int(Int64(bitPattern: $0))) } ?? .null
    }

    init(_ value: Int64?) {
        self = value.map { .integer(Int($0)) } ?? .null
    }

    init(_ value: Double?) {
        self = value.map { .float($0) } ?? .null
    }

    init(_ value: String?) {
        self = value.map { .text($0) } ?? .null
    }
}

import ShortInterest
// sqlite-nio's own SQLite (the same copy its connections use), for the
// synchronous calls its public API does not offer.
import VaporCSQLite

/// The store's page reads, on the calling thread.
///
/// sqlite-nio runs every statement on NIO's thread pool: a page then costs
/// two thread hops, about 100 µs, around a query of a few. A page read is
/// short and bounded (at most 51 rows, found through the primary key), so
/// it runs where it is asked, on a read-only connection of its own with its
/// statements prepared once. Connections are pooled: a thread takes one,
/// reads, gives it back, so concurrent callers never share one and never
/// wait for each other. Writes (ingest, the cache) stay with sqlite-nio;
/// WAL lets these readers go on while they write.
final class StorePageReaders: Sendable {
    private struct Pool: ~Copyable {
        var idle: [StorePageReader] = []
        var isClosed = false
    }

    private let pool = Locked(Pool())
    private let path: String

    /// Opens one reader now, so that a store that cannot be read fails at open.
    init(path: String) throws(ShortInterestError) {
        self.path = path
        let first = try StorePageReader(path: path)
        pool.withLock { $0.idle.append(first) }
    }

    func page(_ request: PageRequest) throws(ShortInterestError) -> ShortInterestPage {
        let reader = try checkOut()
        defer { checkIn(reader) }
        return try reader.page(request)
    }

    /// Later reads fail with ``ShortInterestError/disconnected(_:)``; reads
    /// in progress finish, and their connections close when they end.
    func close() {
        let idle = pool.withLock { pool in
            pool.isClosed = true
            defer { pool.idle = [] }
            return pool.idle
        }
        _ = consume idle
    }

    private func checkOut() throws(ShortInterestError) -> StorePageReader {
        let (isClosed, idle) = pool.withLock { pool in (pool.isClosed, pool.idle.popLast()) }
        guard !isClosed else { throw .disconnected("the store \(path) is closed") }
        if let idle { return idle }
        return try StorePageReader(path: path)
    }

    private func checkIn(_ reader: StorePageReader) {
        pool.withLock { pool in
            if !pool.isClosed { pool.idle.append(reader) }
        }
    }
}

/// One read-only connection and its two prepared page statements.
///
/// `@unchecked Sendable`: a reader moves between threads only through the
/// pool's lock, and is used by one thread at a time (SQLITE_OPEN_NOMUTEX).
private final class StorePageReader: @unchecked Sendable {
    private let path: String
    private let database: OpaquePointer
    private let usPage: OpaquePointer
    private let hkPage: OpaquePointer

    init(path: String) throws(ShortInterestError) {
        var handle: OpaquePointer?
        let opened = sqlite_nio_sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard opened == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite_nio_sqlite3_close_v2(handle)
            throw .store("cannot open store \(path) for reading: \(message)")
        }
        // An ingest's checkpoint can hold the WAL index briefly; wait as the writer does.
        sqlite_nio_sqlite3_busy_timeout(handle, 5000)
        guard let usPage = Self.prepare(StoreSchema.usPage, in: handle),
              let hkPage = Self.prepare(StoreSchema.hkPage, in: handle) else {
            let message = String(cString: sqlite_nio_sqlite3_errmsg(handle))
            sqlite_nio_sqlite3_close_v2(handle)
            throw .store("cannot read store \(path): \(message)")
        }
        self.path = path
        database = handle
        self.usPage = usPage
        self.hkPage = hkPage
    }

    deinit {
        sqlite_nio_sqlite3_finalize(usPage)
        sqlite_nio_sqlite3_finalize(hkPage)
        sqlite_nio_sqlite3_close_v2(database)
    }

    func page(_ request: PageRequest) throws(ShortInterestError) -> ShortInterestPage {
        let upTo: String
        if let key = request.nextKey {
            guard let day = StorePageKey(key) else {
                throw .invalidArgument("next_key \"\(key)\" was not issued by this store")
            }
            upTo = day.text
        } else {
            upTo = StorePageKey.newest.text
        }
        var page = ShortInterestPage(code: request.code)
        let nextDay: String?
        switch request.code.market {
        case .us:
            (page.usRows, nextDay) = try read(usPage, request, upTo: upTo, row: USShortInterestRow.init(stored:))
        case .hk:
            (page.hkRows, nextDay) = try read(hkPage, request, upTo: upTo, row: HKShortInterestRow.init(stored:))
        }
        if let nextDay {
            page.nextKey = StorePageKey(day: nextDay).text
        }
        return page
    }

    /// The page's rows, and the day of the row after them if there is one:
    /// one row more than asked tells whether a next page exists, and where it starts.
    private func read<Row>(_ statement: OpaquePointer, _ request: PageRequest, upTo: String,
                           row: (StoredColumns) -> Row) throws(ShortInterestError) -> ([Row], String?) {
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        sqlite_nio_sqlite3_bind_text(statement, 1, request.code.symbol, -1, transient)
        sqlite_nio_sqlite3_bind_text(statement, 2, upTo, -1, transient)
        sqlite_nio_sqlite3_bind_int64(statement, 3, Int64(request.pageSize + 1))
        var rows: [Row] = []
        rows.reserveCapacity(request.pageSize)
        let columns = StoredColumns(statement: statement)
        while true {
            switch sqlite_nio_sqlite3_step(statement) {
            case SQLITE_ROW:
                if rows.count == request.pageSize {
                    return (rows, columns.text(0))
                }
                rows.append(row(columns))
            case SQLITE_DONE:
                return (rows, nil)
            default:
                throw .store("\(String(cString: sqlite_nio_sqlite3_errmsg(database))) (in store \(path))")
            }
        }
    }

    private static func prepare(_ sql: String, in database: OpaquePointer) -> OpaquePointer? {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK
        else { return nil }
        return statement
    }
}

/// SQLite copies a string bound with this destructor, so the Swift string
/// need not outlive the call.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// The current row of a page statement. Absent (NULL) stays nil, and no
/// value changes kind, so a NULL never becomes 0.
private struct StoredColumns {
    let statement: OpaquePointer

    func int64(_ index: Int32) -> Int64? {
        sqlite_nio_sqlite3_column_type(statement, index) == SQLITE_INTEGER
            ? sqlite_nio_sqlite3_column_int64(statement, index) : nil
    }

    /// Share counts are stored as the bit pattern of a UInt64, so every value round-trips.
    func uint64(_ index: Int32) -> UInt64? { int64(index).map { UInt64(bitPattern: $0) } }

    func double(_ index: Int32) -> Double? {
        switch sqlite_nio_sqlite3_column_type(statement, index) {
        case SQLITE_FLOAT, SQLITE_INTEGER: sqlite_nio_sqlite3_column_double(statement, index)
        default: nil
        }
    }

    func text(_ index: Int32) -> String? {
        guard sqlite_nio_sqlite3_column_type(statement, index) == SQLITE_TEXT,
              let text = sqlite_nio_sqlite3_column_text(statement, index) else { return nil }
        return String(cString: text)
    }
}

// Column numbers follow the SELECT lists of StoreSchema.usPage and .hkPage.

extension USShortInterestRow {
    fileprivate init(stored row: StoredColumns) {
        self.init(
            timestamp: row.int64(1),
            timestampString: row.text(0),
            sharesShort: row.uint64(2),
            shortPercent: row.double(3),
            averageDailyShareVolume: row.uint64(4),
            daysToCover: row.double(5),
            closePrice: row.double(6),
            lastClosePrice: row.double(7)
        )
    }
}

extension HKShortInterestRow {
    fileprivate init(stored row: StoredColumns) {
        self.init(
            timestamp: row.int64(1),
            timestampString: row.text(0),
            closePrice: row.double(4),
            lastClosePrice: row.double(5),
            aggregatedShort: row.uint64(2),
            aggregatedShortRatio: row.double(3)
        )
    }
}

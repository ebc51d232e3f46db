import PublicData
import ShortInterest
import SQLiteNIO

/// How far an ingest has come, for progress bars.
public struct IngestProgress: Sendable {
    /// The file just stored.
    public var file: String
    /// Files done so far, and in all.
    public var filesDone: Int
    public var fileCount: Int
    /// Rows the file carried.
    public var rows: Int
}

extension ShortInterestStore {
    /// Stores FINRA consolidated short-interest files (pipe-delimited, either
    /// header generation). Each file replaces every US row of the settlement
    /// dates it carries, so a re-published (revised) settlement replaces the
    /// old one and the same file twice changes nothing.
    ///
    /// Each file is one transaction: a malformed row fails it with `file:line`
    /// and the reason, and leaves the store as it was before that file.
    /// - Returns: the number of rows stored.
    @discardableResult
    public func ingestFINRA(files: [String], progress: @Sendable (IngestProgress) -> Void = { _ in }) async throws(ShortInterestError) -> Int {
        try await ingest(files, progress: progress) { path throws(ShortInterestError) in
            let rows = try parsed { () throws(PublicDataError) in try FINRAShortInterestParser.parse(contentsOf: path) }
            return try StoreBatch(
                table: "us_short_interest",
                columns: ["symbol", "day", "timestamp", "shares_short", "avg_daily_share_volume", "days_to_cover"],
                days: Set(rows.map(\.settlementDay.description)),
                rows: rows.map { row throws(ShortInterestError) in
                    [.text(row.symbol), .text(row.settlementDay.description),
                     SQLiteData(try timestamp(row.settlementDay, .newYork, path)),
                     SQLiteData(row.currentShort), SQLiteData(row.averageDailyVolume), SQLiteData(row.daysToCover)]
                },
                derive: StoreSchema.deriveUS
            )
        }
    }

    /// Stores SFC aggregated reportable short-position files. Each file
    /// replaces every HK row of the reporting days it carries. The close
    /// price comes from the file itself (HK$ / shares).
    @discardableResult
    public func ingestSFC(files: [String], progress: @Sendable (IngestProgress) -> Void = { _ in }) async throws(ShortInterestError) -> Int {
        try await ingest(files, progress: progress) { path throws(ShortInterestError) in
            let rows = try parsed { () throws(PublicDataError) in try SFCShortPositionParser.parse(contentsOf: path) }
            return try StoreBatch(
                table: "hk_short_interest",
                columns: ["symbol", "day", "timestamp", "aggregated_short", "close_price"],
                days: Set(rows.map(\.day.description)),
                rows: rows.map { row throws(ShortInterestError) in
                    [.text(row.stockCode), .text(row.day.description),
                     SQLiteData(try timestamp(row.day, .hongKong, path)),
                     SQLiteData(row.shares), SQLiteData(row.closePrice)]
                },
                derive: StoreSchema.deriveHK
            )
        }
    }

    /// Stores reference data (`date,code,close,shares_outstanding,float`),
    /// then recomputes every field derived from it: US close, last close and
    /// short percent; HK last close and short ratio.
    @discardableResult
    public func ingestReference(files: [String], progress: @Sendable (IngestProgress) -> Void = { _ in }) async throws(ShortInterestError) -> Int {
        try await ingest(files, progress: progress) { path throws(ShortInterestError) in
            let rows = try parsed { () throws(PublicDataError) in try ReferenceParser.parse(contentsOf: path) }
            let codes = try rows.map { row throws(ShortInterestError) in try SecurityCode(row.code) }
            func symbols(_ market: Market) -> String {
                Set(codes.filter { $0.market == market }.map(\.symbol)).sorted().map(sqlLiteral).joined(separator: ",")
            }
            return StoreBatch(
                table: "reference",
                columns: ["market", "symbol", "day", "close", "shares_outstanding", "float"],
                replacing: true,
                rows: zip(rows, codes).map { row, code in
                    [.text(code.market.rawValue), .text(code.symbol), .text(row.day.description),
                     SQLiteData(row.close), SQLiteData(row.sharesOutstanding), SQLiteData(row.float)]
                },
                derivations: [StoreSchema.deriveUS(where: "symbol IN (\(symbols(.us)))"),
                              StoreSchema.deriveHK(where: "symbol IN (\(symbols(.hk)))")]
            )
        }
    }

    private func ingest(_ files: [String], progress: @Sendable (IngestProgress) -> Void,
                        batch: (String) throws(ShortInterestError) -> StoreBatch) async throws(ShortInterestError) -> Int {
        // A connection of its own: no other statement can slip into its transactions.
        let writer: SQLiteConnection
        do {
            writer = try await SQLiteConnection.open(storage: .file(path: path))
        } catch {
            throw .store("cannot open store \(path) for writing: \(error)")
        }
        defer { _ = writer.close() }
        var total = 0
        for (index, file) in files.enumerated() {
            // Parse the whole file before touching the store.
            let rows = try batch(file)
            try await rows.write(on: writer, file: file)
            total += rows.rows.count
            progress(IngestProgress(file: file, filesDone: index + 1, fileCount: files.count, rows: rows.rows.count))
        }
        return total
    }
}

private func parsed<T>(_ parse: () throws(PublicDataError) -> T) throws(ShortInterestError) -> T {
    do {
        return try parse()
    } catch {
        throw .invalidArgument(error.description)
    }
}

/// `text` as an SQL string literal, for the IN lists of derivations.
private func sqlLiteral(_ text: String) -> String {
    "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
}

private func timestamp(_ day: TradingDay, _ zone: MarketZone, _ file: String) throws(ShortInterestError) -> Int64 {
    do {
        return try day.midnightTimestamp(in: zone)
    } catch {
        throw .invalidArgument("\(file): \(error)")
    }
}

/// One file's rows, written in one transaction.
struct StoreBatch {
    let table: String
    let columns: [String]
    /// Trading days whose rows the file replaces; empty for upserts.
    let days: Set<String>
    let replacing: Bool
    let rows: [[SQLiteData]]
    let derivations: [String]

    /// A batch that replaces whole days, then derives fields for them.
    init(table: String, columns: [String], days: Set<String>, rows: [[SQLiteData]], derive: (String) -> String) {
        self.table = table
        self.columns = columns
        self.days = days
        self.replacing = false
        self.rows = rows
        let dayList = days.sorted().map(sqlLiteral).joined(separator: ",")
        self.derivations = days.isEmpty ? [] : [derive("day IN (\(dayList))")]
    }

    /// A batch that inserts or replaces rows by key, then runs `derivations`.
    init(table: String, columns: [String], replacing: Bool, rows: [[SQLiteData]], derivations: [String]) {
        self.table = table
        self.columns = columns
        self.days = []
        self.replacing = replacing
        self.rows = rows
        self.derivations = derivations
    }

    /// SQLite allows 32,766 bound values per statement; stay well below.
    private static let rowsPerInsert = 400

    func write(on connection: SQLiteConnection, file: String) async throws(ShortInterestError) {
        func run(_ sql: String, _ binds: [SQLiteData] = []) async throws(ShortInterestError) {
            do {
                _ = try await connection.query(sql, binds)
            } catch {
                throw .store("\(file): \(error)")
            }
        }
        try await run("BEGIN IMMEDIATE")
        do throws(ShortInterestError) {
            if !days.isEmpty {
                let placeholders = Array(repeating: "?", count: days.count).joined(separator: ",")
                try await run("DELETE FROM \(table) WHERE day IN (\(placeholders))", days.sorted().map { .text($0) })
            }
            let rowPlaceholder = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
            let verb = replacing ? "INSERT OR REPLACE" : "INSERT"
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(start + Self.rowsPerInsert, rows.count)]
                let sql = "\(verb) INTO \(table) (\(columns.joined(separator: ","))) VALUES "
                    + Array(repeating: rowPlaceholder, count: chunk.count).joined(separator: ",")
                try await run(sql, chunk.flatMap { $0 })
                start += chunk.count
            }
            for derivation in derivations {
                try await run(derivation)
            }
            try await run("COMMIT")
        } catch {
            try? await run("ROLLBACK")
            throw error
        }
    }
}

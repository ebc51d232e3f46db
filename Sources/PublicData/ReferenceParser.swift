/// Reads the reference CSV a user may supply alongside the public files:
///
///     date,code,close,shares_outstanding,float
///     2026-04-29,HK.00700,479.2,9190000000,
///     2026-04-30,US.AAPL,270.10,14800000000,14780000000
///
/// - `date`: `YYYY-MM-DD` (`YYYYMMDD` and `DD/MM/YYYY` are accepted too).
/// - `code`: `HK.` + stock code (padded to 5 digits: `HK.700` → `HK.00700`)
///   or `US.` + symbol (upper-cased).
/// - `close`, `shares_outstanding`, `float`: optional; an empty cell is
///   absent. Thousands separators and scientific notation are accepted.
///
/// `date` and `code` columns are required; the three number columns may be
/// left out of the header entirely. An unknown column name is an error, so a
/// typo does not silently drop a column.
public enum ReferenceParser: Sendable {
    static let date = ColumnName("date")
    static let code = ColumnName("code")
    static let close = ColumnName("close")
    static let sharesOutstanding = ColumnName("shares_outstanding")
    static let float = ColumnName("float")
    static let known = [date, code, close, sharesOutstanding, float]

    /// Parses a whole file. `fileName` only labels errors.
    public static func parse(_ bytes: [UInt8], fileName: String) throws(PublicDataError) -> [ReferenceRow] {
        try CSVTable.withBuffer(bytes) { (buffer) throws(PublicDataError) in try parse(buffer: buffer, fileName: fileName) }
    }

    /// Parses a whole file given as text.
    public static func parse(_ text: String, fileName: String) throws(PublicDataError) -> [ReferenceRow] {
        try text.withUTF8Bytes { (buffer) throws(PublicDataError) in try parse(buffer: buffer, fileName: fileName) }
    }

    /// Reads and parses the file at `path`.
    public static func parse(contentsOf path: String) throws(PublicDataError) -> [ReferenceRow] {
        let file = try FileContents.read(path)
        return try parse(file.bytes, fileName: file.name)
    }

    /// `HK.700` → `HK.00700`, `us.aapl` → `US.AAPL`; `nil` for anything not HK/US.
    public static func normalizedCode(_ code: String) -> String? {
        let parts = code.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, !parts[1].contains(where: \.isWhitespace) else { return nil }
        switch parts[0].uppercased() {
        case "HK":
            guard parts[1].utf8.allSatisfy({ $0 &- 48 < 10 }) else { return nil }
            return "HK." + SFCShortPositionParser.paddedStockCode(String(parts[1]))
        case "US":
            return "US." + parts[1].uppercased()
        default:
            return nil
        }
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, fileName: String) throws(PublicDataError) -> [ReferenceRow] {
        let table = try CSVTable.read(buffer, fileName: fileName)
        let header = table.header, line = table.headerLine
        let knownKeys = Set(known.map { ColumnName.key($0.name) })
        for name in header.names where !name.isEmpty && !knownKeys.contains(ColumnName.key(name)) {
            throw PublicDataError(file: fileName, line: line,
                                  reason: "unknown column \"\(name)\" (expected date, code, close, shares_outstanding, float)")
        }
        let dateColumn = try header.require(date, file: fileName, line: line)
        let codeColumn = try header.require(code, file: fileName, line: line)
        let closeColumn = header.index(of: close)
        let sharesColumn = header.index(of: sharesOutstanding)
        let floatColumn = header.index(of: float)

        var rows: [ReferenceRow] = []
        rows.reserveCapacity(table.rows.count)
        for record in table.rows where !record.isBlank {
            let cells = try CSVCells(record, header: header, fileName: fileName)
            guard let rawCode = cells.text(codeColumn) else { throw cells.fail("code is empty") }
            guard let normalized = normalizedCode(rawCode) else {
                throw cells.fail("code \"\(rawCode)\" is not HK.<digits> or US.<symbol>")
            }
            rows.append(ReferenceRow(
                day: try cells.day(dateColumn),
                code: normalized,
                close: try cells.amount(closeColumn),
                sharesOutstanding: try cells.shares(sharesColumn),
                float: try cells.shares(floatColumn)))
        }
        return rows
    }
}

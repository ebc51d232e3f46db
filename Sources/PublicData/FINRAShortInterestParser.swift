/// Reads FINRA consolidated short-interest files (`shrtYYYYMMDD.csv`):
/// pipe-delimited despite the name, one header row, no trailer. Columns are
/// found by header name, in either the current or the older generation's
/// spelling. Required columns: the symbol, a settlement date
/// (`settlementDate`, or `accountingYearMonthNumber`), and current short.
public enum FINRAShortInterestParser: Sendable {
    /// Parses a whole file. `fileName` only labels errors (`shrt20260430.csv:17: ...`).
    public static func parse(_ bytes: [UInt8], fileName: String) throws(PublicDataError) -> [FINRAShortInterestRow] {
        let result: Result<[FINRAShortInterestRow], PublicDataError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(PublicDataError) { return .success(try parse(buffer: buffer, fileName: fileName)) }
            catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses a whole file given as text (tests, small inputs).
    public static func parse(_ text: String, fileName: String) throws(PublicDataError) -> [FINRAShortInterestRow] {
        try text.withUTF8Bytes { (buffer) throws(PublicDataError) in try parse(buffer: buffer, fileName: fileName) }
    }

    /// Reads and parses the file at `path`; errors name the file by its last path component.
    public static func parse(contentsOf path: String) throws(PublicDataError) -> [FINRAShortInterestRow] {
        let file = try FileContents.read(path)
        return try parse(file.bytes, fileName: file.name)
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, fileName: String) throws(PublicDataError) -> [FINRAShortInterestRow] {
        var layout: FINRALayout?
        var rows: [FINRAShortInterestRow] = []
        var fields: [Range<Int>] = []
        fields.reserveCapacity(16)
        try ByteScanning.forEachLine(buffer) { (line, range) throws(PublicDataError) in
            let content = ByteScanning.trimmed(buffer, range)
            guard !content.isEmpty else { return }
            ByteScanning.split(buffer, range, on: UInt8(ascii: "|"), into: &fields)
            if let layout {
                rows.append(try layout.row(buffer, fields: &fields, line: line))
            } else {
                let names = fields.map { ByteScanning.string(buffer, ByteScanning.trimmed(buffer, $0)) }
                layout = try FINRALayout(HeaderColumns(names), fileName: fileName, line: line)
                rows.reserveCapacity(buffer.count / 90)
            }
        }
        guard layout != nil else {
            throw PublicDataError(file: fileName, line: 1, reason: "file is empty: no header row")
        }
        return rows
    }
}

/// Where one file keeps each column, resolved once from its header.
struct FINRALayout {
    let fileName: String
    let header: HeaderColumns
    let settlementDate: Int?
    let accountingDate: Int?
    let symbol: Int
    let issueName: Int?
    let market: Int?
    let currentShort: Int
    let previousShort: Int?
    let averageDailyVolume: Int?
    let daysToCover: Int?
    let revisionFlag: Int?
    let stockSplitFlag: Int?

    init(_ header: HeaderColumns, fileName: String, line: Int) throws(PublicDataError) {
        self.fileName = fileName
        self.header = header
        settlementDate = header.index(of: FINRAColumns.settlementDate)
        accountingDate = header.index(of: FINRAColumns.accountingDate)
        guard settlementDate != nil || accountingDate != nil else {
            throw PublicDataError(file: fileName, line: line,
                                  reason: "missing column settlementDate (also accepted: accountingYearMonthNumber)")
        }
        symbol = try header.require(FINRAColumns.symbol, file: fileName, line: line)
        currentShort = try header.require(FINRAColumns.currentShort, file: fileName, line: line)
        issueName = header.index(of: FINRAColumns.issueName)
        market = header.index(of: FINRAColumns.market)
        previousShort = header.index(of: FINRAColumns.previousShort)
        averageDailyVolume = header.index(of: FINRAColumns.averageDailyVolume)
        daysToCover = header.index(of: FINRAColumns.daysToCover)
        revisionFlag = header.index(of: FINRAColumns.revisionFlag)
        stockSplitFlag = header.index(of: FINRAColumns.stockSplitFlag)
    }

    func row(_ buffer: UnsafeBufferPointer<UInt8>, fields: inout [Range<Int>], line: Int) throws(PublicDataError) -> FINRAShortInterestRow {
        // Some producers end every line with a delimiter: one extra empty cell is not a shifted row.
        if fields.count == header.count + 1, let last = fields.last, last.isEmpty { fields.removeLast() }
        guard fields.count == header.count else {
            throw fail(line, "expected \(header.count) fields, found \(fields.count)")
        }
        for index in fields.indices { fields[index] = ByteScanning.trimmed(buffer, fields[index]) }

        let symbolText = ByteScanning.string(buffer, fields[symbol])
        guard !symbolText.isEmpty else { throw fail(line, "\(header.names[symbol]) is empty") }
        return FINRAShortInterestRow(
            settlementDay: try day(buffer, fields, line),
            symbol: symbolText,
            issueName: text(buffer, fields, issueName),
            market: text(buffer, fields, market),
            currentShort: try whole(buffer, fields, currentShort, line),
            previousShort: try whole(buffer, fields, previousShort, line),
            averageDailyVolume: try whole(buffer, fields, averageDailyVolume, line),
            daysToCover: try decimal(buffer, fields, daysToCover, line),
            isRevised: text(buffer, fields, revisionFlag) != nil,
            hadStockSplit: text(buffer, fields, stockSplitFlag) != nil)
    }

    private func fail(_ line: Int, _ reason: String) -> PublicDataError {
        PublicDataError(file: fileName, line: line, reason: reason)
    }

    private func quoted(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        "\"" + ByteScanning.string(buffer, range) + "\""
    }

    private func text(_ buffer: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ column: Int?) -> String? {
        guard let column, !fields[column].isEmpty else { return nil }
        return ByteScanning.string(buffer, fields[column])
    }

    private func whole(_ buffer: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ column: Int?, _ line: Int) throws(PublicDataError) -> UInt64? {
        guard let column, !fields[column].isEmpty else { return nil }
        let range = fields[column]
        guard let value = NumberCells.wholeNumber(UnsafeBufferPointer(rebasing: buffer[range])) else {
            throw fail(line, "\(header.names[column]) \(quoted(buffer, range)) is not a whole number")
        }
        return value
    }

    private func decimal(_ buffer: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ column: Int?, _ line: Int) throws(PublicDataError) -> Double? {
        guard let column, !fields[column].isEmpty else { return nil }
        let range = fields[column]
        guard let value = NumberCells.decimal(UnsafeBufferPointer(rebasing: buffer[range]), allowNegative: false) else {
            throw fail(line, "\(header.names[column]) \(quoted(buffer, range)) is not a number")
        }
        return value
    }

    /// `settlementDate` (ISO in current files, `YYYYMMDD` in some older
    /// ones), falling back to `accountingYearMonthNumber` when it is empty.
    private func day(_ buffer: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ line: Int) throws(PublicDataError) -> TradingDay {
        for column in [settlementDate, accountingDate] {
            guard let column, !fields[column].isEmpty else { continue }
            let range = fields[column]
            guard let day = TradingDay(utf8: UnsafeBufferPointer(rebasing: buffer[range])) else {
                throw fail(line, "\(header.names[column]) \(quoted(buffer, range)) is not a valid date")
            }
            return day
        }
        throw fail(line, "no settlement date: \(header.names[settlementDate ?? accountingDate!]) is empty")
    }
}

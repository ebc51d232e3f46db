/// Reads SFC `Short_Position_Reporting_Aggregated_Data_YYYYMMDD.csv` files,
/// header `Date,Stock Code,Stock Name,Aggregated Reportable Short Positions
/// (Shares),Aggregated Reportable Short Positions (HK$)`, columns found by
/// name. Built for the dirt seen in real files: a BOM, quoted thousands
/// separators, `n.a.`, `1.18734E+11`, quoted names, blank lines.
public enum SFCShortPositionParser: Sendable {
    static let date = ColumnName("Date")
    static let stockCode = ColumnName("Stock Code")
    static let stockName = ColumnName("Stock Name")
    static let shares = ColumnName("Aggregated Reportable Short Positions (Shares)")
    static let hkDollars = ColumnName("Aggregated Reportable Short Positions (HK$)")

    /// Parses a whole file. `fileName` only labels errors.
    public static func parse(_ bytes: [UInt8], fileName: String) throws(PublicDataError) -> [SFCShortPositionRow] {
        try CSVTable.withBuffer(bytes) { (buffer) throws(PublicDataError) in try parse(buffer: buffer, fileName: fileName) }
    }

    /// Parses a whole file given as text.
    public static func parse(_ text: String, fileName: String) throws(PublicDataError) -> [SFCShortPositionRow] {
        try text.withUTF8Bytes { (buffer) throws(PublicDataError) in try parse(buffer: buffer, fileName: fileName) }
    }

    /// Reads and parses the file at `path`.
    public static func parse(contentsOf path: String) throws(PublicDataError) -> [SFCShortPositionRow] {
        let file = try FileContents.read(path)
        return try parse(file.bytes, fileName: file.name)
    }

    /// `700` → `00700`: OpenD codes are 5 digits; longer codes stay as they are.
    public static func paddedStockCode(_ code: String) -> String {
        code.utf8.count >= 5 ? code : String(repeating: "0", count: 5 - code.utf8.count) + code
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, fileName: String) throws(PublicDataError) -> [SFCShortPositionRow] {
        let table = try CSVTable.read(buffer, fileName: fileName)
        let header = table.header, line = table.headerLine
        let dateColumn = try header.require(date, file: fileName, line: line)
        let codeColumn = try header.require(stockCode, file: fileName, line: line)
        let nameColumn = header.index(of: stockName)
        let sharesColumn = try header.require(shares, file: fileName, line: line)
        let hkDollarsColumn = try header.require(hkDollars, file: fileName, line: line)

        var rows: [SFCShortPositionRow] = []
        rows.reserveCapacity(table.rows.count)
        for record in table.rows where !record.isBlank {
            let cells = try CSVCells(record, header: header, fileName: fileName)
            guard let code = cells.text(codeColumn) else { throw cells.fail("\(cells.name(codeColumn)) is empty") }
            guard code.utf8.allSatisfy({ $0 &- 48 < 10 }) else {
                throw cells.fail("\(cells.name(codeColumn)) \"\(code)\" is not a stock code")
            }
            rows.append(SFCShortPositionRow(
                day: try cells.day(dateColumn),
                stockCode: paddedStockCode(code),
                name: cells.text(nameColumn) ?? "",
                shares: try cells.shares(sharesColumn),
                hkDollars: try cells.amount(hkDollarsColumn)))
        }
        return rows
    }
}

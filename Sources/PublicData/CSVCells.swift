/// Typed access to one CSV record's cells, turning a bad cell into a
/// `PublicDataError` that quotes the file's own column name and the cell.
struct CSVCells {
    let fileName: String
    let header: HeaderColumns
    let record: CSVRecord

    /// Checks the field count: fewer cells than header columns is a broken
    /// row; extra cells are tolerated only when empty (spreadsheets pad rows
    /// with trailing commas).
    init(_ record: CSVRecord, header: HeaderColumns, fileName: String) throws(PublicDataError) {
        self.fileName = fileName
        self.header = header
        self.record = record
        let extra = record.fields.dropFirst(header.count)
        guard record.fields.count >= header.count,
              extra.allSatisfy({ $0.utf8.allSatisfy(ByteScanning.isBlank) }) else {
            throw fail("expected \(header.count) fields, found \(record.fields.count)")
        }
    }

    func fail(_ reason: String) -> PublicDataError {
        PublicDataError(file: fileName, line: record.line, reason: reason)
    }

    /// The cell trimmed of surrounding spaces; `nil` when empty or the column is absent.
    func text(_ column: Int?) -> String? {
        guard let column else { return nil }
        var cell = record.fields[column]
        if let first = cell.utf8.first, let last = cell.utf8.last,
           ByteScanning.isBlank(first) || ByteScanning.isBlank(last) {
            cell = cell.withUTF8Bytes { ByteScanning.string($0, ByteScanning.trimmed($0, 0..<$0.count)) }
        }
        return cell.isEmpty ? nil : cell
    }

    func name(_ column: Int) -> String { header.names[column] }

    func day(_ column: Int) throws(PublicDataError) -> TradingDay {
        guard let cell = text(column) else { throw fail("\(name(column)) is empty") }
        guard let day = cell.withUTF8Bytes({ TradingDay(utf8: $0) }) else {
            throw fail("\(name(column)) \"\(cell)\" is not a valid date")
        }
        return day
    }

    /// A share count; empty or `n.a.` is absent, `1.18734E+11` and
    /// `51,480,638` are accepted, a fractional or malformed value is an error.
    func shares(_ column: Int?) throws(PublicDataError) -> UInt64? {
        guard let column, let cell = text(column) else { return nil }
        if cell.withUTF8Bytes(NumberCells.isNotAvailable) { return nil }
        guard let value = cell.withUTF8Bytes(NumberCells.spreadsheetWholeNumber) else {
            throw fail("\(name(column)) \"\(cell)\" is not a whole number")
        }
        return value
    }

    /// An amount or price; empty or `n.a.` is absent, separators and
    /// scientific notation are accepted, negatives are refused.
    func amount(_ column: Int?) throws(PublicDataError) -> Double? {
        guard let column, let cell = text(column) else { return nil }
        if cell.withUTF8Bytes(NumberCells.isNotAvailable) { return nil }
        guard let value = cell.withUTF8Bytes(NumberCells.spreadsheetDecimal) else {
            throw fail("\(name(column)) \"\(cell)\" is not a number")
        }
        return value
    }
}

/// The shared front half of the CSV parsers: tokenize, find the header,
/// skip blank records.
enum CSVTable {
    static func read(_ buffer: UnsafeBufferPointer<UInt8>, fileName: String) throws(PublicDataError) -> (header: HeaderColumns, headerLine: Int, rows: ArraySlice<CSVRecord>) {
        let records = try CSVRecords.parse(buffer, fileName: fileName)
        guard let headerIndex = records.firstIndex(where: { !$0.isBlank }) else {
            throw PublicDataError(file: fileName, line: 1, reason: "file is empty: no header row")
        }
        let names = records[headerIndex].fields.map { field in
            field.withUTF8Bytes { ByteScanning.string($0, ByteScanning.trimmed($0, 0..<$0.count)) }
        }
        return (HeaderColumns(names), records[headerIndex].line, records[(headerIndex + 1)...])
    }

    static func withBuffer<R>(_ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws(PublicDataError) -> R) throws(PublicDataError) -> R {
        let result: Result<R, PublicDataError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(PublicDataError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// One CSV record: its cells, unquoted, and the physical line it starts on
/// (a quoted cell may span lines, so records and lines can differ).
struct CSVRecord {
    var line: Int
    var fields: [String]

    /// True for lines a spreadsheet leaves behind between or after rows
    /// (empty, or nothing but commas and spaces).
    var isBlank: Bool {
        fields.allSatisfy { $0.utf8.allSatisfy(ByteScanning.isBlank) }
    }
}

/// RFC 4180 tokenizer: commas, `"` quoting with `""` for a quote, quoted
/// commas and line breaks, CRLF or LF, a leading BOM. SFC stock names such
/// as `"SUN HUNG KAI & CO., LTD."` need it; splitting on commas would shift
/// every later column.
enum CSVRecords {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, fileName: String) throws(PublicDataError) -> [CSVRecord] {
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), cr: UInt8 = 0x0D
        var records: [CSVRecord] = []
        var fields: [String] = []
        var cell: [UInt8] = []
        var index = ByteScanning.contentStart(bytes)
        var line = 1
        var recordLine = 1
        let count = bytes.count

        func endCell() {
            fields.append(String(decoding: cell, as: UTF8.self))
            cell.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endCell()
            records.append(CSVRecord(line: recordLine, fields: fields))
            fields.removeAll(keepingCapacity: true)
        }

        guard index < count else { return [] }
        while index < count {
            let byte = bytes[index]
            if byte == quote, cell.allSatisfy(ByteScanning.isBlank) {
                // Quoted cell: runs to the closing quote, `""` is a literal quote.
                cell.removeAll(keepingCapacity: true)
                let openedOnLine = line
                index += 1
                var closed = false
                while index < count {
                    let inner = bytes[index]
                    if inner == quote {
                        if index + 1 < count, bytes[index + 1] == quote {
                            cell.append(quote)
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    if inner == newline { line += 1 }
                    cell.append(inner)
                    index += 1
                }
                guard closed else {
                    throw PublicDataError(file: fileName, line: openedOnLine, reason: "quoted cell is never closed")
                }
                while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
                if index < count, bytes[index] != comma, bytes[index] != newline, bytes[index] != cr {
                    throw PublicDataError(file: fileName, line: line,
                                          reason: "unexpected text after a closing quote")
                }
                continue
            }
            switch byte {
            case comma:
                endCell()
            case newline:
                if cell.last == cr { cell.removeLast() }
                endRecord()
                line += 1
                recordLine = line
            default:
                cell.append(byte)
            }
            index += 1
        }
        if bytes[count - 1] != newline {
            if cell.last == cr { cell.removeLast() }
            endRecord()
        }
        return records
    }
}

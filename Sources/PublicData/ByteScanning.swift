/// Byte-level helpers shared by the three parsers: they work on the raw UTF-8
/// so a 22,000-row file costs a handful of passes, not a regex per field.
enum ByteScanning {

    /// Index where content starts: past a UTF-8 BOM when there is one (Excel
    /// writes it, and it would otherwise glue itself to the first header name).
    static func contentStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// `range` without leading/trailing spaces, tabs and carriage returns.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, isBlank(bytes[lower]) { lower += 1 }
        while upper > lower, isBlank(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Calls `body` once per physical line (without its `\n` and a trailing
    /// `\r`), with the 1-based line number; the header counts as line 1.
    static func forEachLine(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ body: (_ line: Int, _ range: Range<Int>) throws(PublicDataError) -> Void
    ) throws(PublicDataError) {
        var start = contentStart(bytes)
        var lineNumber = 0
        let newline = UInt8(ascii: "\n")
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != newline { end += 1 }
            var lineEnd = end
            if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            try body(lineNumber, start..<lineEnd)
            start = end + 1
        }
    }

    /// Splits `range` at every `delimiter` into `fields` (cleared first); no quoting.
    static func split(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, on delimiter: UInt8,
        into fields: inout [Range<Int>]
    ) {
        fields.removeAll(keepingCapacity: true)
        var fieldStart = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == delimiter {
                fields.append(fieldStart..<index)
                fieldStart = index + 1
            }
            index += 1
        }
        fields.append(fieldStart..<range.upperBound)
    }
}

extension String {
    /// Runs `body` over this string's UTF-8 without copying when it is native.
    func withUTF8Bytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        var copy = self
        let result: Result<R, E> = copy.withUTF8 { buffer in
            do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

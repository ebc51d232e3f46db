#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ShortInterestPage {
    /// The page as a JSON object: `market`, `code`, `next_key`, and the rows
    /// under `us` and `hk` with futu-api's column names.
    ///
    /// An absent field is left out of its row (never null, never 0); so is a
    /// non-finite double, which JSON cannot carry. Integers keep every digit,
    /// even above 2^53; doubles use the shortest text that reads back the same.
    public var json: String {
        jsonText().text()
    }

    /// ``json`` as a NUL-terminated string from `malloc`, which the caller
    /// frees; nil when memory runs out.
    package var jsonCString: UnsafeMutablePointer<CChar>? {
        jsonText().cString()
    }

    private func jsonText() -> JSONWriter {
        // About 200 bytes a full US row: one allocation for most pages.
        var out = JSONWriter(reservingCapacity: 128 + 200 * (usRows.count + hkRows.count))
        out.raw("{\"market\":")
        out.string(code.market.rawValue)
        out.raw(",\"code\":")
        out.string(code.description)
        out.raw(",\"next_key\":")
        out.string(nextKey)
        out.raw(",\"us\":[")
        usRows.forEachInPlace { index, row in
            if index > 0 { out.raw(",") }
            out.object { fields in
                fields.field("timestamp", row.pointee.timestamp)
                fields.field("timestamp_str", row.pointee.timestampString)
                fields.field("shares_short", row.pointee.sharesShort)
                fields.field("short_percent", row.pointee.shortPercent)
                fields.field("avg_daily_share_volume", row.pointee.averageDailyShareVolume)
                fields.field("days_to_cover", row.pointee.daysToCover)
                fields.field("close_price", row.pointee.closePrice)
                fields.field("last_close_price", row.pointee.lastClosePrice)
            }
        }
        out.raw("],\"hk\":[")
        hkRows.forEachInPlace { index, row in
            if index > 0 { out.raw(",") }
            out.object { fields in
                fields.field("timestamp", row.pointee.timestamp)
                fields.field("timestamp_str", row.pointee.timestampString)
                fields.field("aggregated_short", row.pointee.aggregatedShort)
                fields.field("aggregated_short_ratio", row.pointee.aggregatedShortRatio)
                fields.field("close_price", row.pointee.closePrice)
                fields.field("last_close_price", row.pointee.lastClosePrice)
            }
        }
        out.raw("]}")
        return out
    }
}

/// Appends JSON text without Foundation (whose encoder cannot print a UInt64
/// above 2^53 exactly and pulls in more than the library needs).
///
/// It writes UTF-8 bytes into one buffer from `malloc`, which becomes the C
/// API's string as it is, or a String once at the end. Appending to a String
/// scalar by scalar took 77 % of the instructions of a 50-row
/// si_get_page_json call, appending to an `[UInt8]` fragment by fragment a
/// quarter (callgrind, BENCHMARKS.md).
struct JSONWriter: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>?
    private var count = 0
    private var capacity: Int
    private var fieldsWritten = 0

    init(reservingCapacity capacity: Int) {
        self.capacity = max(capacity, 16)
        start = malloc(self.capacity)?.assumingMemoryBound(to: UInt8.self)
    }

    deinit {
        free(start)
    }

    /// The text; "" if memory ran out while writing.
    consuming func text() -> String {
        guard let start else { return "" }
        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    /// The text NUL-terminated, handed to the caller (who frees it); nil if
    /// memory ran out while writing.
    consuming func cString() -> UnsafeMutablePointer<CChar>? {
        append(0)
        guard let written = start else { return nil }
        start = nil
        return UnsafeMutableRawPointer(written).assumingMemoryBound(to: CChar.self)
    }

    /// `fragment` as it is: JSON punctuation and names that need no escaping.
    mutating func raw(_ fragment: StaticString) {
        append(fragment.utf8Start, fragment.utf8CodeUnitCount)
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        append(UInt8(ascii: "{"))
        let outer = fieldsWritten
        fieldsWritten = 0
        body(&self)
        fieldsWritten = outer
        append(UInt8(ascii: "}"))
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        if value < 0 { append(UInt8(ascii: "-")) }
        digits(value.magnitude)
    }

    mutating func field(_ name: StaticString, _ value: UInt64?) {
        guard let value else { return }
        key(name)
        digits(value)
    }

    /// The decimal digits of `value`, written straight into the bytes
    /// (`String(value)` and appending its UTF-8 cost ten times as much);
    /// with `decimals`, the last that many after a point, as `description`
    /// writes a double: "0.56" for 56 and 2, "5.0" for 5 and 0.
    private mutating func digits(_ value: UInt64, decimals: Int? = nil) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var rest = value
            var first = 32
            func put(_ byte: UInt8) {
                first -= 1
                buffer[first] = byte
            }
            func putDigit() {
                put(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            }
            if let decimals {
                if decimals == 0 { put(UInt8(ascii: "0")) }
                for _ in 0..<decimals { putDigit() }
                put(UInt8(ascii: "."))
            }
            repeat { putDigit() } while rest > 0
            append(buffer.baseAddress! + first, 32 - first)
        }
    }

    mutating func field(_ name: StaticString, _ value: Double?) {
        guard let value, value.isFinite else { return }
        key(name)
        if let decimal = ShortDecimal(value) {
            if decimal.isNegative { append(UInt8(ascii: "-")) }
            digits(decimal.scaled, decimals: decimal.fractionDigits)
            return
        }
        var text = value.description
        text.withUTF8 { append($0.baseAddress!, $0.count) }
    }

    /// `value` as a JSON string. Bytes of multi-byte UTF-8 sequences are all
    /// 0x80 or above, so escaping byte by byte never splits a character.
    mutating func string(_ value: String) {
        var text = value
        text.withUTF8 { utf8 in
            // Dates and keys need no escaping: one copy instead of a byte at a time.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                guard makeRoom(for: utf8.count + 2), let start else { return }
                start[count] = UInt8(ascii: "\"")
                if let bytes = utf8.baseAddress { (start + count + 1).update(from: bytes, count: utf8.count) }
                start[count + 1 + utf8.count] = UInt8(ascii: "\"")
                count += utf8.count + 2
                return
            }
            append(UInt8(ascii: "\""))
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case UInt8(ascii: "\n"): raw("\\n")
                case UInt8(ascii: "\r"): raw("\\r")
                case UInt8(ascii: "\t"): raw("\\t")
                case ..<0x20:
                    raw("\\u00")
                    append(Self.hexDigits[Int(byte >> 4)])
                    append(Self.hexDigits[Int(byte & 0xf)])
                default: append(byte)
                }
            }
            append(UInt8(ascii: "\""))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A field's name: the constant names of this file, which need no
    /// escaping. Written in one piece: appended in four, with strings
    /// copied a byte at a time, they cost a tenth of a 50-row JSON call's
    /// instructions (callgrind).
    private mutating func key(_ name: StaticString) {
        let separator = fieldsWritten > 0 ? 1 : 0
        fieldsWritten += 1
        let length = name.utf8CodeUnitCount
        guard makeRoom(for: separator + length + 3), let start else { return }
        var next = start + count
        if separator == 1 {
            next.pointee = UInt8(ascii: ",")
            next += 1
        }
        next.pointee = UInt8(ascii: "\"")
        (next + 1).update(from: name.utf8Start, count: length)
        next += 1 + length
        next[0] = UInt8(ascii: "\"")
        next[1] = UInt8(ascii: ":")
        count = next + 2 - start
    }

    private mutating func append(_ byte: UInt8) {
        guard makeRoom(for: 1), let start else { return }
        start[count] = byte
        count += 1
    }

    private mutating func append(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
        guard makeRoom(for: length), let start else { return }
        (start + count).update(from: bytes, count: length)
        count += length
    }

    /// Grows the buffer to hold `length` more bytes; false (and no buffer
    /// from then on) when memory runs out.
    private mutating func makeRoom(for length: Int) -> Bool {
        guard let current = start else { return false }
        if count + length <= capacity { return true }
        capacity = max(capacity * 2, count + length)
        guard let grown = realloc(current, capacity) else {
            free(current)
            start = nil
            return false
        }
        start = grown.assumingMemoryBound(to: UInt8.self)
        return true
    }
}

/// A double that `description` writes in decimal notation with at most nine
/// decimals, as prices and ratios are, found without the general
/// shortest-digits algorithm, which took 30 % of a 50-row JSON call's
/// instructions (callgrind).
///
/// `description` writes the fewest digits that read back as the same double;
/// for a number in plain decimal notation that is the fewest decimals. So
/// the first count of decimals `k` at which `m / 10^k == value`, for `m` the
/// value times `10^k` rounded, gives the digits: `m` and `10^k` are exact
/// doubles, and IEEE division rounds their quotient exactly as reading the
/// text `m·10^-k` does. When `m ± 1` would read back the same too, which of
/// them is nearest is `description`'s to decide.
struct ShortDecimal {
    let isNegative: Bool
    /// The magnitude times 10^fractionDigits, below 2^52.
    let scaled: UInt64
    let fractionDigits: Int

    init?(_ value: Double) {
        let magnitude = value.magnitude
        // Well inside where `description` uses decimal notation (from 1e-4 to 2^53).
        guard magnitude >= 1e-3, magnitude < 1e15 else { return nil }
        var power = 1.0
        for fractionDigits in 0...9 {
            let product = magnitude * power
            guard product < 0x1p52 else { return nil }
            // Rounded to an integer by the addition itself: `rounded()` is a call into libm.
            let scaled = (product + 0x1p52) - 0x1p52
            if scaled / power == magnitude {
                guard (scaled - 1) / power != magnitude, (scaled + 1) / power != magnitude else { return nil }
                self.isNegative = value < 0
                self.scaled = UInt64(scaled)
                self.fractionDigits = fractionDigits
                return
            }
            power *= 10
        }
        return nil
    }
}

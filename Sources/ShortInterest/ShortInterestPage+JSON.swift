extension ShortInterestPage {
    /// The page as a JSON object: `market`, `code`, `next_key`, and the rows
    /// under `us` and `hk` with futu-api's column names.
    ///
    /// An absent field is left out of its row (never null, never 0); so is a
    /// non-finite double, which JSON cannot carry. Integers keep every digit,
    /// even above 2^53; doubles use the shortest text that reads back the same.
    public var json: String {
        // About 200 bytes a full US row: one allocation for most pages.
        var out = JSONWriter(reservingCapacity: 128 + 200 * (usRows.count + hkRows.count))
        out.raw("{\"market\":")
        out.string(code.market.rawValue)
        out.raw(",\"code\":")
        out.string(code.description)
        out.raw(",\"next_key\":")
        out.string(nextKey)
        out.raw(",\"us\":[")
        for (index, row) in usRows.enumerated() {
            if index > 0 { out.raw(",") }
            out.object { fields in
                fields.field("timestamp", row.timestamp)
                fields.field("timestamp_str", row.timestampString)
                fields.field("shares_short", row.sharesShort)
                fields.field("short_percent", row.shortPercent)
                fields.field("avg_daily_share_volume", row.averageDailyShareVolume)
                fields.field("days_to_cover", row.daysToCover)
                fields.field("close_price", row.closePrice)
                fields.field("last_close_price", row.lastClosePrice)
            }
        }
        out.raw("],\"hk\":[")
        for (index, row) in hkRows.enumerated() {
            if index > 0 { out.raw(",") }
            out.object { fields in
                fields.field("timestamp", row.timestamp)
                fields.field("timestamp_str", row.timestampString)
                fields.field("aggregated_short", row.aggregatedShort)
                fields.field("aggregated_short_ratio", row.aggregatedShortRatio)
                fields.field("close_price", row.closePrice)
                fields.field("last_close_price", row.lastClosePrice)
            }
        }
        out.raw("]}")
        return out.text
    }
}

/// Appends JSON text without Foundation (whose encoder cannot print a UInt64
/// above 2^53 exactly and pulls in more than the library needs).
///
/// It writes UTF-8 bytes into one array and makes a String once at the end:
/// appending to a String scalar by scalar took 77 % of the instructions of a
/// 50-row si_get_page_json call (callgrind, BENCHMARKS.md).
struct JSONWriter {
    private var bytes: [UInt8] = []
    private var fieldsWritten = 0

    init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// `fragment` as it is: JSON punctuation and names that need no escaping.
    mutating func raw(_ fragment: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: fragment.utf8Start, count: fragment.utf8CodeUnitCount))
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        let outer = fieldsWritten
        fieldsWritten = 0
        body(&self)
        fieldsWritten = outer
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field<I: FixedWidthInteger>(_ name: StaticString, _ value: I?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func field(_ name: StaticString, _ value: Double?) {
        guard let value, value.isFinite else { return }
        key(name)
        bytes.append(contentsOf: value.description.utf8)
    }

    /// `value` as a JSON string. Bytes of multi-byte UTF-8 sequences are all
    /// 0x80 or above, so escaping byte by byte never splits a character.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case ..<0x20:
                raw("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xf)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A field's name: the constant names of this file, which need no escaping.
    private mutating func key(_ name: StaticString) {
        if fieldsWritten > 0 { bytes.append(UInt8(ascii: ",")) }
        fieldsWritten += 1
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
    }
}

extension ShortInterestPage {
    /// The page as a JSON object: `market`, `code`, `next_key`, and the rows
    /// under `us` and `hk` with futu-api's column names.
    ///
    /// An absent field is left out of its row (never null, never 0); so is a
    /// non-finite double, which JSON cannot carry. Integers keep every digit,
    /// even above 2^53; doubles use the shortest text that reads back the same.
    public var json: String {
        var out = JSONWriter()
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
struct JSONWriter {
    private(set) var text = ""
    private var fieldsWritten = 0

    mutating func raw(_ fragment: String) { text += fragment }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        text += "{"
        let outer = fieldsWritten
        fieldsWritten = 0
        body(&self)
        fieldsWritten = outer
        text += "}"
    }

    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field<I: FixedWidthInteger>(_ name: String, _ value: I?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func field(_ name: String, _ value: Double?) {
        guard let value, value.isFinite else { return }
        key(name)
        text += value.description
    }

    mutating func string(_ value: String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    private mutating func key(_ name: String) {
        if fieldsWritten > 0 { text += "," }
        fieldsWritten += 1
        string(name)
        text += ":"
    }
}

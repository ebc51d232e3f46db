extension TradingDay: LosslessStringConvertible {
    /// Accepts `YYYY-MM-DD`, `YYYYMMDD` and `DD/MM/YYYY` (day and month may
    /// be one digit there, as spreadsheets re-save them); `nil` for anything
    /// else or for a day that does not exist.
    public init?(_ description: String) {
        var text = description
        let parsed = text.withUTF8 { TradingDay(utf8: $0) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// ISO `YYYY-MM-DD`, the `timestamp_str` spelling OpenD uses.
    public var description: String {
        let y = String(year), m = String(month), d = String(day)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-"
            + (m.count < 2 ? "0" : "") + m + "-" + (d.count < 2 ? "0" : "") + d
    }

    /// Byte-level parser shared by the file parsers, so a 22,000-row file
    /// does not build an intermediate String per date.
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        let slash = UInt8(ascii: "/"), dash = UInt8(ascii: "-")
        if bytes.count == 8, !bytes.contains(slash) {
            guard let y = Self.digits(bytes, 0, 4), let m = Self.digits(bytes, 4, 2),
                  let d = Self.digits(bytes, 6, 2) else { return nil }
            self.init(year: y, month: m, day: d)
        } else if bytes.count == 10, bytes[4] == dash, bytes[7] == dash {
            guard let y = Self.digits(bytes, 0, 4), let m = Self.digits(bytes, 5, 2),
                  let d = Self.digits(bytes, 8, 2) else { return nil }
            self.init(year: y, month: m, day: d)
        } else if let first = bytes.firstIndex(of: slash),
                  let second = bytes[(first + 1)...].firstIndex(of: slash) {
            let dayLength = first, monthLength = second - first - 1
            let yearLength = bytes.count - second - 1
            guard (1...2).contains(dayLength), (1...2).contains(monthLength), yearLength == 4,
                  let d = Self.digits(bytes, 0, dayLength),
                  let m = Self.digits(bytes, first + 1, monthLength),
                  let y = Self.digits(bytes, second + 1, 4) else { return nil }
            self.init(year: y, month: m, day: d)
        } else {
            return nil
        }
    }

    private static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            let digit = Int(bytes[index]) - 48
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}

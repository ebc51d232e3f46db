/// Cell-to-number conversions. Every one returns `nil` for "not a number";
/// callers decide whether an empty cell is absent (it always is here) and turn
/// a `nil` from a non-empty cell into a `PublicDataError`.
enum NumberCells {
    /// Plain unsigned digits, as FINRA writes share counts. Overflow is not a number.
    static func wholeNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            let digit = UInt64(byte &- 48)
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// `[+-]digits[.digits][e[+-]digits]` (also `.5`, `5.`); rejects `inf`,
    /// `nan` and hex floats that `Double.init(_:)` would otherwise accept.
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, allowNegative: Bool = true) -> Double? {
        guard let shape = DecimalShape(bytes), allowNegative || !shape.negative else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// A share count as spreadsheets mangle it: thousands separators
    /// (`51,480,638`) or scientific notation (`1.18734E+11`), converted
    /// exactly; a value with a non-zero fraction is not a whole number.
    static func spreadsheetWholeNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        withoutThousandsSeparators(bytes) { plain in
            if let value = wholeNumber(plain) { return value }
            guard let shape = DecimalShape(plain), !shape.negative else { return nil }
            return shape.exactWholeNumber(plain)
        }
    }

    /// A money amount as spreadsheets mangle it (separators, scientific notation).
    static func spreadsheetDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        withoutThousandsSeparators(bytes) { decimal($0, allowNegative: false) }
    }

    /// `n.a.` and friends: the SFC's way of saying "no figure".
    static func isNotAvailable(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard (2...4).contains(bytes.count) else { return false }
        let lower = bytes.map { $0 | 0x20 }
        return lower == Array("n.a.".utf8) || lower == Array("n.a".utf8)
            || lower == Array("n/a".utf8) || lower == Array("na".utf8)
    }

    /// Strips commas only where they group thousands (`1,234,567.5`), so a
    /// stray comma (`1,23`) stays and makes the cell "not a number".
    private static func withoutThousandsSeparators<R>(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R?
    ) -> R? {
        let comma = UInt8(ascii: ",")
        guard bytes.contains(comma) else { return body(bytes) }
        let integerEnd = bytes.firstIndex(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }) ?? bytes.count
        var groups = bytes[..<integerEnd].split(separator: comma, omittingEmptySubsequences: false)
        guard groups.count > 1, (1...3).contains(groups.removeFirst().count),
              groups.allSatisfy({ $0.count == 3 }), !bytes[integerEnd...].contains(comma)
        else { return nil }
        let plain = bytes.filter { $0 != comma }
        return plain.withUnsafeBufferPointer { body($0) }
    }
}

/// The validated layout of a decimal literal, kept so exact integer
/// conversion does not have to re-scan it.
struct DecimalShape {
    var negative = false
    /// Index ranges of the digits before and after the point, and the exponent value.
    var integerDigits: Range<Int> = 0..<0
    var fractionDigits: Range<Int> = 0..<0
    var exponent = 0

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        let count = bytes.count
        if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let integerStart = index
        while index < count, bytes[index] &- 48 < 10 { index += 1 }
        integerDigits = integerStart..<index
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < count, bytes[index] &- 48 < 10 { index += 1 }
            fractionDigits = fractionStart..<index
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { return nil }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            var value = 0
            while index < count, bytes[index] &- 48 < 10 {
                value = min(value * 10 + Int(bytes[index] &- 48), 10_000)
                index += 1
            }
            guard index > exponentStart else { return nil }
            exponent = exponentNegative ? -value : value
        }
        guard index == count else { return nil }
    }

    /// The literal's exact value when it is a whole number that fits UInt64
    /// (`1.18734E+11` → 118734000000); `nil` when a non-zero digit would be lost.
    func exactWholeNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let digits = Array(bytes[integerDigits]) + Array(bytes[fractionDigits])
        let scale = exponent - fractionDigits.count
        let kept = scale >= 0 ? digits.count : digits.count + scale
        guard kept >= 0 || digits.allSatisfy({ $0 == 48 }) else { return nil }
        let keptDigits = digits.prefix(max(kept, 0))
        guard digits.dropFirst(max(kept, 0)).allSatisfy({ $0 == 48 }) else { return nil }
        var value: UInt64 = 0
        for digit in keptDigits {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - 48))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        if scale > 0 {
            for _ in 0..<scale {
                let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
                guard !overflow || value == 0 else { return nil }
                value = times10
                if value == 0 { break }
            }
        }
        return value
    }
}

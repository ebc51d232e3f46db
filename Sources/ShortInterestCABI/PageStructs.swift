import CShortInterest
import ShortInterest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ShortInterestPage {
    /// The page as one malloc'd block: the `si_page`, its rows, then every
    /// string, so that `si_page_free` is a single `free`. Nil when out of memory.
    func allocateCPage() -> UnsafeMutablePointer<si_page>? {
        let pageBytes = MemoryLayout<si_page>.stride
        let usBytes = MemoryLayout<si_us_row>.stride * usRows.count
        let hkBytes = MemoryLayout<si_hk_row>.stride * hkRows.count
        let codeText = code.description
        var stringBytes = 1 + codeText.utf8.count + 1 + nextKey.utf8.count + 1
        for row in usRows { stringBytes += (row.timestampString?.utf8.count ?? 0) + 1 }
        for row in hkRows { stringBytes += (row.timestampString?.utf8.count ?? 0) + 1 }

        guard let block = malloc(pageBytes + usBytes + hkBytes + stringBytes) else { return nil }
        let page = block.bindMemory(to: si_page.self, capacity: 1)
        let us = (block + pageBytes).bindMemory(to: si_us_row.self, capacity: usRows.count)
        let hk = (block + pageBytes + usBytes).bindMemory(to: si_hk_row.self, capacity: hkRows.count)
        var strings = StringArea(start: (block + pageBytes + usBytes + hkBytes).bindMemory(to: CChar.self, capacity: stringBytes))
        let empty = strings.append("")

        page.initialize(to: si_page(
            market: code.market == .hk ? SI_MARKET_HK : SI_MARKET_US,
            code: strings.append(codeText),
            next_key: strings.append(nextKey),
            us_count: usRows.count,
            us_rows: usRows.isEmpty ? nil : UnsafePointer(us),
            hk_count: hkRows.count,
            hk_rows: hkRows.isEmpty ? nil : UnsafePointer(hk)
        ))
        usRows.forEachInPlace { index, row in
            var present = Presence()
            (us + index).initialize(to: si_us_row(
                present: 0,
                timestamp: present.take(row.pointee.timestamp, SI_US_TIMESTAMP),
                timestamp_str: row.pointee.timestampString.map { present.mark(SI_US_TIMESTAMP_STR); return strings.append($0) } ?? empty,
                shares_short: present.take(row.pointee.sharesShort, SI_US_SHARES_SHORT),
                short_percent: present.take(row.pointee.shortPercent, SI_US_SHORT_PERCENT),
                avg_daily_share_volume: present.take(row.pointee.averageDailyShareVolume, SI_US_AVG_DAILY_SHARE_VOLUME),
                days_to_cover: present.take(row.pointee.daysToCover, SI_US_DAYS_TO_COVER),
                close_price: present.take(row.pointee.closePrice, SI_US_CLOSE_PRICE),
                last_close_price: present.take(row.pointee.lastClosePrice, SI_US_LAST_CLOSE_PRICE)
            ))
            us[index].present = present.bits
        }
        hkRows.forEachInPlace { index, row in
            var present = Presence()
            (hk + index).initialize(to: si_hk_row(
                present: 0,
                timestamp: present.take(row.pointee.timestamp, SI_HK_TIMESTAMP),
                timestamp_str: row.pointee.timestampString.map { present.mark(SI_HK_TIMESTAMP_STR); return strings.append($0) } ?? empty,
                close_price: present.take(row.pointee.closePrice, SI_HK_CLOSE_PRICE),
                last_close_price: present.take(row.pointee.lastClosePrice, SI_HK_LAST_CLOSE_PRICE),
                aggregated_short: present.take(row.pointee.aggregatedShort, SI_HK_AGGREGATED_SHORT),
                aggregated_short_ratio: present.take(row.pointee.aggregatedShortRatio, SI_HK_AGGREGATED_SHORT_RATIO)
            ))
            hk[index].present = present.bits
        }
        return page
    }
}

/// Collects the presence bits of one row while its optional fields are read.
private struct Presence {
    var bits: UInt32 = 0

    mutating func mark(_ bit: UInt32) { bits |= bit }

    mutating func take<T: Numeric>(_ value: T?, _ bit: UInt32) -> T {
        guard let value else { return 0 }
        mark(bit)
        return value
    }
}

/// Copies NUL-terminated strings one after another into the page's block.
private struct StringArea {
    var next: UnsafeMutablePointer<CChar>

    init(start: UnsafeMutablePointer<CChar>) { next = start }

    /// One copy of the string's UTF-8 bytes: going through `String.UTF8View`
    /// byte by byte took 5.5 % of the instructions of a 50-row si_get_page
    /// (callgrind, BENCHMARKS.md).
    mutating func append(_ text: String) -> UnsafePointer<CChar> {
        let start = next
        var text = text
        text.withUTF8 { bytes in
            guard let source = bytes.baseAddress else { return }
            UnsafeMutableRawPointer(start).copyMemory(from: source, byteCount: bytes.count)
            next += bytes.count
        }
        next.pointee = 0
        next += 1
        return UnsafePointer(start)
    }
}

/// A calendar day on which a market traded, with no time zone attached.
///
/// Regulators publish dates in three spellings (ISO in FINRA's `settlementDate`,
/// `YYYYMMDD` in FINRA's `accountingYearMonthNumber` and file names,
/// `DD/MM/YYYY` in SFC files); all of them land here, so the store and the
/// gateway compare, sort and stamp one type. The time zone only enters when
/// the day is turned into a timestamp (`midnightTimestamp(in:)`).
public struct TradingDay: Hashable, Comparable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Refuses days that do not exist (2026-02-30, 2025-02-29), so a mangled
    /// date in a file becomes an error instead of a silently shifted row.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= TradingDay.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01, negative before it: the one number that makes
    /// day arithmetic and timestamps trivial.
    public var daysSinceEpoch: Int {
        CivilCalendar.daysFromCivil(year: year, month: month, day: day)
    }

    /// The inverse of `daysSinceEpoch`; `nil` outside years 1...9999.
    public init?(daysSinceEpoch: Int) {
        let civil = CivilCalendar.civilFromDays(daysSinceEpoch)
        self.init(year: civil.year, month: civil.month, day: civil.day)
    }

    /// Calendar arithmetic (not trading-day arithmetic: holidays are not known here).
    public func adding(days: Int) -> TradingDay? {
        TradingDay(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The calendar day before; a reference file's "previous close" is looked
    /// up by walking back from here until a day with a price is found.
    public var previous: TradingDay? { adding(days: -1) }

    /// The calendar day after.
    public var next: TradingDay? { adding(days: 1) }

    /// 0 = Sunday ... 6 = Saturday, the numbering the DST rules are written in.
    public var weekday: Int { CivilCalendar.weekday(daysSinceEpoch: daysSinceEpoch) }

    public static func < (lhs: TradingDay, rhs: TradingDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

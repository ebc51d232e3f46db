/// Howard Hinnant's proleptic-Gregorian conversions
/// (https://howardhinnant.github.io/date_algorithms.html): exact integer
/// arithmetic, so no Calendar/ICU is needed to stamp a trading day.
enum CivilCalendar {
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Sunday; 1970-01-01 was a Thursday (4).
    static func weekday(daysSinceEpoch days: Int) -> Int {
        days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6
    }

    /// Days since epoch of the n-th (1-based) Sunday of a month.
    static func nthSunday(_ n: Int, year: Int, month: Int) -> Int {
        let first = daysFromCivil(year: year, month: month, day: 1)
        let toSunday = (7 - weekday(daysSinceEpoch: first)) % 7
        return first + toSunday + 7 * (n - 1)
    }

    /// Days since epoch of the last Sunday of a month.
    static func lastSunday(year: Int, month: Int) -> Int {
        let last = daysFromCivil(year: year, month: month,
                                 day: TradingDay.daysInMonth(year: year, month: month))
        return last - weekday(daysSinceEpoch: last)
    }
}

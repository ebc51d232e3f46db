/// US federal daylight-saving periods for America/New_York, 1967 onward
/// (Uniform Time Act 1966, the 1974-75 energy-crisis years, the 1986 and 2005
/// amendments). Each period starts and ends at 02:00 local time.
enum USDaylightSaving {
    /// True when local midnight of `day` is daylight time: the start Sunday's
    /// midnight is still standard time, the end Sunday's midnight still daylight time.
    static func isInEffect(atMidnightOf day: TradingDay) -> Bool {
        let (start, end) = period(year: day.year)
        let days = day.daysSinceEpoch
        return start < days && days <= end
    }

    /// Days since epoch of the Sundays DST starts and ends in `year`.
    static func period(year: Int) -> (start: Int, end: Int) {
        switch year {
        case 2007...:
            return (CivilCalendar.nthSunday(2, year: year, month: 3),
                    CivilCalendar.nthSunday(1, year: year, month: 11))
        case 1987...2006:
            return (CivilCalendar.nthSunday(1, year: year, month: 4),
                    CivilCalendar.lastSunday(year: year, month: 10))
        case 1975:
            return (CivilCalendar.lastSunday(year: year, month: 2),
                    CivilCalendar.lastSunday(year: year, month: 10))
        case 1974:
            return (CivilCalendar.daysFromCivil(year: 1974, month: 1, day: 6),
                    CivilCalendar.lastSunday(year: year, month: 10))
        default:
            return (CivilCalendar.lastSunday(year: year, month: 4),
                    CivilCalendar.lastSunday(year: year, month: 10))
        }
    }
}

/// The two exchange clocks this project stamps days in. OpenD's `timestamp`
/// is the unix time of the trading day's local midnight, so a day needs its
/// market's UTC offset at that midnight; the rules are written out here
/// because tzdata/ICU must stay out of the shipped library.
public enum MarketZone: String, Sendable, Hashable, CaseIterable {
    /// Asia/Hong_Kong: UTC+8 without summer time since 1980.
    case hongKong
    /// America/New_York: UTC-5, UTC-4 during US daylight saving time.
    case newYork

    /// The first year whose offsets these rules get right: Hong Kong kept
    /// summer time until 1979; US DST was not uniform before 1967.
    public var earliestSupportedYear: Int {
        switch self {
        case .hongKong: return 1980
        case .newYork: return 1967
        }
    }

    /// Seconds east of UTC at local midnight of `day`. Midnight never falls in
    /// a DST transition hour (they happen at 02:00), so whole days are either
    /// inside or outside DST.
    public func utcOffsetSeconds(atMidnightOf day: TradingDay) throws(MarketZoneError) -> Int {
        guard day.year >= earliestSupportedYear else {
            throw MarketZoneError(zone: self, day: day)
        }
        switch self {
        case .hongKong:
            return 8 * 3600
        case .newYork:
            return USDaylightSaving.isInEffect(atMidnightOf: day) ? -4 * 3600 : -5 * 3600
        }
    }
}

/// Thrown for a day older than the zone's rules cover, rather than guessing
/// an offset and shipping a timestamp that is an hour off.
public struct MarketZoneError: Error, Sendable, Hashable, CustomStringConvertible {
    public let zone: MarketZone
    public let day: TradingDay

    public var description: String {
        "\(day): \(zone.rawValue) midnight offsets are only known from \(zone.earliestSupportedYear) on"
    }
}

extension TradingDay {
    /// Unix seconds of this day's midnight in `zone`: the value OpenD returns
    /// as `timestamp` (2026-04-30 is 1777478400 in Hong Kong, 1777521600 in New York).
    public func midnightTimestamp(in zone: MarketZone) throws(MarketZoneError) -> Int64 {
        let offset = try zone.utcOffsetSeconds(atMidnightOf: self)
        return Int64(daysSinceEpoch) * 86_400 - Int64(offset)
    }
}

import Testing
@testable import PublicData

@Suite struct MidnightTimestampTests {
    /// The ten rows OpenD returned for HK.00700 (get_short_interest.seed.txt).
    static let hongKongSeed: [(String, Int64)] = [
        ("2026-04-30", 1_777_478_400), ("2026-04-24", 1_776_960_000), ("2026-04-17", 1_776_355_200),
        ("2026-04-10", 1_775_750_400), ("2026-04-02", 1_775_059_200), ("2026-03-27", 1_774_540_800),
        ("2026-03-20", 1_773_936_000), ("2026-03-13", 1_773_331_200), ("2026-03-06", 1_772_726_400),
        ("2026-02-27", 1_772_121_600),
    ]

    @Test(arguments: hongKongSeed)
    func hongKongMatchesTheSeed(_ day: String, _ expected: Int64) throws {
        #expect(try TradingDay(day)?.midnightTimestamp(in: .hongKong) == expected)
    }

    /// Expected values come from Python's zoneinfo (tzdata America/New_York),
    /// an implementation independent of this one.
    @Test(arguments: [
        ("2026-04-30", Int64(1_777_521_600)), ("2026-04-15", 1_776_225_600),
        // 2007+ rule: second Sunday of March ... first Sunday of November
        ("2026-03-07", 1_772_859_600), ("2026-03-08", 1_772_946_000), ("2026-03-09", 1_773_028_800),
        ("2026-10-31", 1_793_419_200), ("2026-11-01", 1_793_505_600), ("2026-11-02", 1_793_595_600),
        ("2007-03-11", 1_173_589_200), ("2007-03-12", 1_173_672_000), ("2021-01-15", 1_610_686_800),
        // 1987-2006 rule: first Sunday of April ... last Sunday of October
        ("2006-04-01", 1_143_867_600), ("2006-04-02", 1_143_954_000), ("2006-04-03", 1_144_036_800),
        ("2006-10-28", 1_162_008_000), ("2006-10-29", 1_162_094_400), ("2006-10-30", 1_162_184_400),
        ("1987-04-05", 544_597_200), ("1987-04-06", 544_680_000),
        // 1967-1986: last Sunday of April, with the 1974/1975 energy-crisis starts
        ("1986-04-27", 514_962_000), ("1986-04-28", 515_044_800),
        ("1974-01-05", 126_594_000), ("1974-01-07", 126_763_200),
        ("1975-02-22", 162_277_200), ("1975-02-24", 162_446_400),
        ("1967-04-30", -84_394_800), ("1967-05-01", -84_312_000),
    ])
    func newYorkFollowsDaylightSaving(_ day: String, _ expected: Int64) throws {
        #expect(try TradingDay(day)?.midnightTimestamp(in: .newYork) == expected)
    }

    @Test func offsetsAreHoursEastOfUTC() throws {
        let summer = try #require(TradingDay("2026-07-01")), winter = try #require(TradingDay("2026-01-02"))
        #expect(try MarketZone.newYork.utcOffsetSeconds(atMidnightOf: summer) == -4 * 3600)
        #expect(try MarketZone.newYork.utcOffsetSeconds(atMidnightOf: winter) == -5 * 3600)
        #expect(try MarketZone.hongKong.utcOffsetSeconds(atMidnightOf: summer) == 8 * 3600)
    }

    @Test func refusesYearsTheRulesDoNotCover() throws {
        let oldUS = try #require(TradingDay("1966-07-01"))
        #expect(throws: MarketZoneError(zone: .newYork, day: oldUS)) {
            try oldUS.midnightTimestamp(in: .newYork)
        }
        let oldHK = try #require(TradingDay("1979-07-01"))
        let error = #expect(throws: MarketZoneError.self) { try oldHK.midnightTimestamp(in: .hongKong) }
        #expect(error?.description == "1979-07-01: hongKong midnight offsets are only known from 1980 on")
    }
}

import Testing
@testable import PublicData

@Suite struct TradingDayTests {
    @Test(arguments: ["2026-04-30", "20260430", "30/04/2026"])
    func parsesTheThreeSpellings(_ text: String) {
        let day = TradingDay(text)
        #expect(day == TradingDay(year: 2026, month: 4, day: 30))
        #expect(day?.description == "2026-04-30")
    }

    @Test func acceptsSpreadsheetUnpaddedDayMonth() {
        #expect(TradingDay("2/3/2026")?.description == "2026-03-02")
    }

    @Test(arguments: ["2026-02-29", "2025-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
                      "20260230", "31/06/2026", "2026-4-30", "2026/04/30", "", "abcd-ef-gh", "30/04/26"])
    func refusesDaysThatDoNotExistOrMalformedText(_ text: String) {
        #expect(TradingDay(text) == nil)
    }

    @Test func knowsLeapYears() {
        #expect(TradingDay("2024-02-29") != nil)
        #expect(TradingDay("2000-02-29") != nil)
        #expect(TradingDay("1900-02-29") == nil)
    }

    @Test func daysSinceEpochRoundTrips() {
        #expect(TradingDay(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(TradingDay(year: 2026, month: 4, day: 30)?.daysSinceEpoch == 20_573)
        #expect(TradingDay(year: 1969, month: 12, day: 31)?.daysSinceEpoch == -1)
        for days in stride(from: -30_000, through: 40_000, by: 37) {
            #expect(TradingDay(daysSinceEpoch: days)?.daysSinceEpoch == days)
        }
    }

    @Test func arithmeticCrossesMonthAndYearEnds() {
        #expect(TradingDay("2026-03-01")?.previous?.description == "2026-02-28")
        #expect(TradingDay("2024-03-01")?.previous?.description == "2024-02-29")
        #expect(TradingDay("2025-12-31")?.next?.description == "2026-01-01")
        #expect(TradingDay("2026-04-30")?.adding(days: -7)?.description == "2026-04-23")
    }

    @Test func weekdays() {
        #expect(TradingDay("2026-04-30")?.weekday == 4) // Thursday
        #expect(TradingDay("2026-03-08")?.weekday == 0) // Sunday
        #expect(TradingDay("1969-12-28")?.weekday == 0) // Sunday, before the epoch
    }

    @Test func sortsChronologically() {
        let days = ["2026-04-30", "2025-12-31", "2026-01-15"].compactMap(TradingDay.init)
        #expect(days.sorted().map(\.description) == ["2025-12-31", "2026-01-15", "2026-04-30"])
    }
}

import Testing
@testable import PublicData

/// Parses the files in `samples/` end to end and checks the real figures
/// (public-data.md and the OpenD seed for HK.00700).
@Suite struct SampleFilesTests {
    static let samples: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3) // SampleFilesTests.swift, PublicDataTests, Tests
        return parts.joined(separator: "/") + "/samples"
    }()

    /// Seed rows: day, aggregated_short, aggregated_short_ratio, close_price, last_close_price.
    static let seed: [(String, UInt64, Double, Double, Double)] = [
        ("2026-04-30", 51_480_638, 0.56, 467.8, 479.2), ("2026-04-24", 51_888_755, 0.56, 493.4, 495.2),
        ("2026-04-17", 47_974_208, 0.52, 510.5, 517.0), ("2026-04-10", 48_424_833, 0.53, 504.5, 508.5),
        ("2026-04-02", 49_982_828, 0.54, 489.2, 496.6), ("2026-03-27", 52_744_147, 0.57, 493.4, 495.6),
        ("2026-03-20", 51_710_854, 0.56, 508.0, 513.0), ("2026-03-13", 48_105_325, 0.52, 547.5, 546.5),
        ("2026-03-06", 42_404_275, 0.46, 519.0, 502.0), ("2026-02-27", 36_037_870, 0.39, 518.0, 512.0),
    ]

    static func rounded2(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    @Test func finraCurrentGenerationAAPL() throws {
        let april30 = try FINRAShortInterestParser.parse(contentsOf: Self.samples + "/finra/shrt20260430.csv")
        let aapl30 = try #require(april30.first { $0.symbol == "AAPL" })
        #expect(aapl30.settlementDay.description == "2026-04-30")
        #expect(aapl30.currentShort == 134_675_274)
        #expect(aapl30.previousShort == 134_422_787)
        #expect(aapl30.averageDailyVolume == 45_944_025)
        #expect(aapl30.daysToCover == 2.93)
        #expect(april30.map(\.symbol) == ["AAPL", "BRKB", "GME", "MSFT", "ZVZZT"])
        let test = try #require(april30.last)
        #expect(test.averageDailyVolume == nil && test.daysToCover == nil && test.hadStockSplit)
        #expect(april30.first { $0.symbol == "BRKB" }?.isRevised == true)

        let april15 = try FINRAShortInterestParser.parse(contentsOf: Self.samples + "/finra/shrt20260415.csv")
        let aapl15 = try #require(april15.first { $0.symbol == "AAPL" })
        #expect(aapl15.settlementDay.description == "2026-04-15")
        #expect(aapl15.currentShort == 134_422_787)
        #expect(aapl15.averageDailyVolume == 39_674_165)
        #expect(aapl15.daysToCover == 3.39)
        #expect(try aapl15.settlementDay.midnightTimestamp(in: .newYork) == 1_776_225_600)
        #expect(try aapl30.settlementDay.midnightTimestamp(in: .newYork) == 1_777_521_600)
    }

    @Test func finraOlderGenerationGME() throws {
        let rows = try FINRAShortInterestParser.parse(contentsOf: Self.samples + "/finra/shrt20210115.csv")
        let gme = try #require(rows.first { $0.symbol == "GME" })
        #expect(gme == FINRAShortInterestRow(
            settlementDay: try #require(TradingDay("2021-01-15")), symbol: "GME", issueName: "GameStop Corp. Class A",
            market: "NYSE", currentShort: 61_782_730, previousShort: 71_196_206, averageDailyVolume: 29_385_884,
            daysToCover: 2.10))
        #expect(rows.first?.issueName == "AMC Entertainment Holdings, Inc. Class A")
    }

    @Test(arguments: seed)
    func sfcTencentRowsReproduceTheSeed(_ seedRow: (String, UInt64, Double, Double, Double)) throws {
        let (dayText, shares, _, close, _) = seedRow
        let day = try #require(TradingDay(dayText))
        let compact = dayText.split(separator: "-").joined()
        let rows = try SFCShortPositionParser.parse(
            contentsOf: Self.samples + "/sfc/Short_Position_Reporting_Aggregated_Data_\(compact).csv")
        #expect(rows.count == 7)
        #expect(rows.allSatisfy { $0.day == day })
        let tencent = try #require(rows.first { $0.code == "HK.00700" })
        #expect(tencent.name == "TENCENT")
        #expect(tencent.shares == shares)
        #expect(tencent.closePrice == close)
        #expect(try day.midnightTimestamp(in: .hongKong) == MidnightTimestampTests.hongKongSeed.first { $0.0 == dayText }?.1)
        // The dirty rows every sample carries.
        #expect(rows.first { $0.stockCode == "01234" }.map { $0.shares == 0 && $0.hkDollars == 0 } == true)
        #expect(rows.first { $0.stockCode == "02388" }?.hkDollars == nil)
        #expect(rows.first { $0.stockCode == "00086" }?.name == "SUN HUNG KAI & CO")
        #expect(rows.contains { $0.stockCode == "80700" })
    }

    @Test func sfcRealPublishedHKDollarAmounts() throws {
        let expected: [(String, UInt64, Double)] = [
            ("20260430", 51_480_638, 24_082_642_456), ("20260424", 51_888_755, 25_601_911_717),
            ("20260410", 48_424_833, 24_430_328_249),
        ]
        for (day, shares, hkDollars) in expected {
            let rows = try SFCShortPositionParser.parse(
                contentsOf: Self.samples + "/sfc/Short_Position_Reporting_Aggregated_Data_\(day).csv")
            let tencent = try #require(rows.first { $0.stockCode == "00700" })
            #expect(tencent.shares == shares && tencent.hkDollars == hkDollars)
        }
        let april30 = try SFCShortPositionParser.parse(
            contentsOf: Self.samples + "/sfc/Short_Position_Reporting_Aggregated_Data_20260430.csv")
        #expect(april30.first { $0.stockCode == "09988" }?.hkDollars == 118_734_000_000)
    }

    @Test func referenceGivesLastCloseAndSeedRatios() throws {
        let rows = try ReferenceParser.parse(contentsOf: Self.samples + "/reference.csv")
        let tencent = rows.filter { $0.code == "HK.00700" }
        for (dayText, shares, ratio, close, lastClose) in Self.seed {
            let day = try #require(TradingDay(dayText))
            let onDay = try #require(tencent.first { $0.day == day })
            #expect(onDay.close == close)
            // last_close_price: the close of the latest earlier day in the file.
            let before = try #require(tencent.filter { $0.day < day }.max { $0.day < $1.day })
            #expect(before.close == lastClose, "\(dayText)")
            let outstanding = try #require(onDay.sharesOutstanding)
            #expect(Self.rounded2(Double(shares) / Double(outstanding) * 100) == ratio, "\(dayText)")
        }
        #expect(tencent.first { $0.day.description == "2026-04-29" }?.close == 479.2)
        let aapl = rows.filter { $0.code == "US.AAPL" }
        #expect(aapl.count == 4)
        #expect(aapl.allSatisfy { $0.close != nil && $0.float != nil && $0.sharesOutstanding != nil })
    }
}

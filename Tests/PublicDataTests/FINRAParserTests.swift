import Testing
@testable import PublicData

@Suite struct FINRAParserTests {
    static let currentHeader = "accountingYearMonthNumber|symbolCode|issueName|issuerServicesGroupExchangeCode|marketClassCode|currentShortPositionQuantity|previousShortPositionQuantity|stockSplitFlag|averageDailyVolumeQuantity|daysToCoverQuantity|revisionFlag|changePercent|changePreviousNumber|settlementDate"
    static let gme = "20210115|GME|GameStop Corp. Class A|A|NYSE|61782730|71196206||29385884|2.10||-13.22|-9413476|2021-01-15"

    @Test func currentGenerationMapsTheExampleRow() throws {
        let rows = try FINRAShortInterestParser.parse(Self.currentHeader + "\n" + Self.gme + "\n", fileName: "shrt20210115.csv")
        #expect(rows == [FINRAShortInterestRow(
            settlementDay: try #require(TradingDay("2021-01-15")), symbol: "GME",
            issueName: "GameStop Corp. Class A", market: "NYSE",
            currentShort: 61_782_730, previousShort: 71_196_206, averageDailyVolume: 29_385_884,
            daysToCover: 2.10, isRevised: false, hadStockSplit: false)])
    }

    @Test func olderGenerationIsMappedByNameInAnotherOrder() throws {
        let text = """
            issueName|issueSymbolIdentifier|marketCategoryCode|daysToCoverNumber|averageDailyShareVolume|previousShortShareNumber|currentShortShareNumber|settlementDate|revisionFlag|stockSplitFlag
            GameStop Corp. Class A|GME|NYSE|2.10|29385884|71196206|61782730|20210115|R|S
            """
        let row = try #require(try FINRAShortInterestParser.parse(text, fileName: "old.csv").first)
        #expect(row.settlementDay.description == "2021-01-15")
        #expect(row.symbol == "GME")
        #expect(row.market == "NYSE")
        #expect(row.currentShort == 61_782_730)
        #expect(row.previousShort == 71_196_206)
        #expect(row.averageDailyVolume == 29_385_884)
        #expect(row.daysToCover == 2.10)
        #expect(row.isRevised && row.hadStockSplit)
    }

    @Test func settlementDayFallsBackToAccountingDate() throws {
        let text = "accountingYearMonthNumber|symbolCode|currentShortPositionQuantity\n20260430|AAPL|134675274\n"
        let rows = try FINRAShortInterestParser.parse(text, fileName: "f.csv")
        #expect(rows.first?.settlementDay.description == "2026-04-30")
        #expect(rows.first?.previousShort == nil && rows.first?.issueName == nil)
    }

    @Test func emptyCellsAreAbsentNotZero() throws {
        let line = "20260430|ZVZZT|NASDAQ TEST STOCK|R|NNM|||||||||2026-04-30"
        let row = try #require(try FINRAShortInterestParser.parse(Self.currentHeader + "\n" + line, fileName: "f.csv").first)
        #expect(row.currentShort == nil && row.previousShort == nil)
        #expect(row.averageDailyVolume == nil && row.daysToCover == nil)
        #expect(!row.isRevised && !row.hadStockSplit)
        let zero = "20260430|ZVZZT|NASDAQ TEST STOCK|R|NNM|0|0||0|999.99|||0|2026-04-30"
        let zeroRow = try #require(try FINRAShortInterestParser.parse(Self.currentHeader + "\n" + zero, fileName: "f.csv").first)
        #expect(zeroRow.currentShort == 0 && zeroRow.averageDailyVolume == 0 && zeroRow.daysToCover == 999.99)
    }

    @Test func toleratesBOMCRLFAndTrailingEmptyLines() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array((Self.currentHeader + "\r\n" + Self.gme + "\r\n\r\n").utf8)
        let rows = try FINRAShortInterestParser.parse(bytes, fileName: "f.csv")
        #expect(rows.count == 1)
        #expect(rows.first?.settlementDay.description == "2021-01-15")
        #expect(rows.first?.currentShort == 61_782_730)
    }

    @Test func toleratesOneTrailingDelimiter() throws {
        let rows = try FINRAShortInterestParser.parse(Self.currentHeader + "\n" + Self.gme + "|\n", fileName: "f.csv")
        #expect(rows.count == 1)
    }

    @Test func headerOnlyFileHasNoRows() throws {
        #expect(try FINRAShortInterestParser.parse(Self.currentHeader + "\n", fileName: "f.csv").isEmpty)
    }

    // MARK: errors carry file:line

    @Test func badNumberNamesTheCellAndLine() {
        let bad = Self.gme.replacingOccurrences("61782730", "12x")
        let text = [Self.currentHeader, Self.gme, bad].joined(separator: "\n")
        let error = #expect(throws: PublicDataError.self) {
            try FINRAShortInterestParser.parse(text, fileName: "shrt20260430.csv")
        }
        #expect(error?.description == #"shrt20260430.csv:3: currentShortPositionQuantity "12x" is not a whole number"#)
        #expect(error?.file == "shrt20260430.csv" && error?.line == 3)
    }

    @Test func wrongFieldCount() {
        let text = Self.currentHeader + "\n" + "20210115|GME|GameStop Corp. Class A|A|NYSE|61782730"
        let error = #expect(throws: PublicDataError.self) { try FINRAShortInterestParser.parse(text, fileName: "f.csv") }
        #expect(error?.description == "f.csv:2: expected 14 fields, found 6")
    }

    @Test func badDate() {
        let text = Self.currentHeader + "\n" + Self.gme.replacingOccurrences("2021-01-15", "2021-02-30")
        let error = #expect(throws: PublicDataError.self) { try FINRAShortInterestParser.parse(text, fileName: "f.csv") }
        #expect(error?.description == #"f.csv:2: settlementDate "2021-02-30" is not a valid date"#)
    }

    @Test func badDaysToCover() {
        let text = Self.currentHeader + "\n" + Self.gme.replacingOccurrences("|2.10|", "|inf|")
        let error = #expect(throws: PublicDataError.self) { try FINRAShortInterestParser.parse(text, fileName: "f.csv") }
        #expect(error?.description == #"f.csv:2: daysToCoverQuantity "inf" is not a number"#)
    }

    @Test func missingRequiredColumn() {
        let header = Self.currentHeader.replacingOccurrences("currentShortPositionQuantity", "currentShort_typo")
        let error = #expect(throws: PublicDataError.self) {
            try FINRAShortInterestParser.parse(header + "\n" + Self.gme, fileName: "f.csv")
        }
        #expect(error?.line == 1)
        #expect(error?.reason.hasPrefix("missing column currentShortPositionQuantity (also accepted: currentShortShareNumber") == true)
    }

    @Test func missingDateColumn() {
        let error = #expect(throws: PublicDataError.self) {
            try FINRAShortInterestParser.parse("symbolCode|currentShortPositionQuantity\nAAPL|1\n", fileName: "f.csv")
        }
        #expect(error?.description == "f.csv:1: missing column settlementDate (also accepted: accountingYearMonthNumber)")
    }

    @Test func emptySymbol() {
        let text = Self.currentHeader + "\n" + Self.gme.replacingOccurrences("|GME|", "||")
        let error = #expect(throws: PublicDataError.self) { try FINRAShortInterestParser.parse(text, fileName: "f.csv") }
        #expect(error?.description == "f.csv:2: symbolCode is empty")
    }

    @Test func emptyFile() {
        let error = #expect(throws: PublicDataError.self) { try FINRAShortInterestParser.parse("\n\n", fileName: "f.csv") }
        #expect(error?.line == 1)
    }

    @Test func missingFileIsAnErrorWithLineZero() {
        let error = #expect(throws: PublicDataError.self) {
            try FINRAShortInterestParser.parse(contentsOf: "/nonexistent/shrt20990101.csv")
        }
        #expect(error?.file == "shrt20990101.csv" && error?.line == 0)
    }

    /// Speed is measured in bench/, not here: this checks a FINRA-size file parses whole.
    @Test func aFullSizeFileParsesWhole() throws {
        var text = Self.currentHeader + "\n"
        for index in 0..<22_000 {
            text += "20260430|S\(index)|Issue \(index) Inc.|A|NYSE|\(index * 37)|\(index * 31)||\(index * 7 + 1)|1.50||0.5|12|2026-04-30\n"
        }
        let rows = try FINRAShortInterestParser.parse(Array(text.utf8), fileName: "big.csv")
        #expect(rows.count == 22_000)
        #expect(rows.last?.currentShort == 21_999 * 37)
    }
}

extension String {
    /// Test helper: FoundationEssentials-free string replacement.
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = "", rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

import Testing
@testable import PublicData

@Suite struct SFCParserTests {
    static let header = "Date,Stock Code,Stock Name,Aggregated Reportable Short Positions (Shares),Aggregated Reportable Short Positions (HK$)"

    func parse(_ lines: [String], fileName: String = "Short_Position_Reporting_Aggregated_Data_20260430.csv") throws -> [SFCShortPositionRow] {
        try SFCShortPositionParser.parse(([Self.header] + lines).joined(separator: "\n"), fileName: fileName)
    }

    @Test func realTencentRowWithQuotedThousandsSeparators() throws {
        let row = try #require(try parse([#"30/04/2026,700,TENCENT,"51,480,638","24,082,642,456""#]).first)
        #expect(row.day.description == "2026-04-30")
        #expect(row.stockCode == "00700")
        #expect(row.code == "HK.00700")
        #expect(row.name == "TENCENT")
        #expect(row.shares == 51_480_638)
        #expect(row.hkDollars == 24_082_642_456)
        #expect(row.closePrice == 467.80)
    }

    @Test func realFiguresGiveTheSeedCloses() throws {
        let rows = try parse([
            #"24/04/2026,700,TENCENT,"51,888,755","25,601,911,717""#,
            #"10/04/2026,700,TENCENT,"48,424,833","24,430,328,249""#,
        ])
        #expect(rows.map(\.closePrice) == [493.40, 504.50])
    }

    @Test func byteOrderMarkIsNotPartOfTheFirstHeader() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array((Self.header + "\r\n30/04/2026,5,HSBC HOLDINGS,100,9845\r\n").utf8)
        let rows = try SFCShortPositionParser.parse(bytes, fileName: "f.csv")
        #expect(rows.map(\.stockCode) == ["00005"])
        #expect(rows.first?.closePrice == 98.45)
    }

    @Test func notAvailableIsAbsent() throws {
        let rows = try parse(["30/04/2026,2388,BOC HONG KONG,n.a.,n.a.", #"30/04/2026,2388,BOC HONG KONG,"6,731,500",N.A."#])
        #expect(rows[0].shares == nil && rows[0].hkDollars == nil)
        #expect(rows[1].shares == 6_731_500 && rows[1].hkDollars == nil)
        #expect(rows[1].closePrice == nil)
    }

    @Test func spreadsheetNotationIsANumber() throws {
        let rows = try parse([
            #"30/04/2026,9988,BABA-W,"791,560,000",1.18734E+11"#,
            "30/04/2026,9988,BABA-W,7.9156E+8,1.18734e11",
        ])
        #expect(rows[0].hkDollars == 118_734_000_000)
        #expect(rows[0].closePrice == 150.0)
        #expect(rows[1].shares == 791_560_000) // exact, not via Double
        #expect(rows[1].hkDollars == 118_734_000_000)
    }

    @Test func fractionalShareCountIsAnError() {
        let error = #expect(throws: PublicDataError.self) { try parse(["30/04/2026,9988,BABA-W,1.23456789E+3,1"]) }
        #expect(error?.description == #"Short_Position_Reporting_Aggregated_Data_20260430.csv:2: Aggregated Reportable Short Positions (Shares) "1.23456789E+3" is not a whole number"#)
    }

    @Test func zeroZeroRowsArePresentZeros() throws {
        let row = try #require(try parse(["30/04/2026,1234,CHINA LILANG,0,0"]).first)
        #expect(row.shares == 0)
        #expect(row.hkDollars == 0)
        #expect(row.closePrice == nil)
    }

    @Test func quotedNamesKeepCommasQuotesAmpersandsAndApostrophes() throws {
        let rows = try parse([
            #"30/04/2026,86,"SUN HUNG KAI & CO., LTD.","1,204,000","4,358,480""#,
            #"30/04/2026,973,L'OCCITANE,"1,000","10,000""#,
            #"30/04/2026,1,"CK ""HUTCHISON"" HOLDINGS",10,500"#,
        ])
        #expect(rows.map(\.name) == ["SUN HUNG KAI & CO., LTD.", "L'OCCITANE", #"CK "HUTCHISON" HOLDINGS"#])
        #expect(rows.map(\.stockCode) == ["00086", "00973", "00001"])
        #expect(rows[0].shares == 1_204_000 && rows[0].hkDollars == 4_358_480)
    }

    @Test func codesArePaddedToFiveDigitsAndLongerOnesKept() throws {
        let rows = try parse(["30/04/2026,80700,TENCENT-R,1,1", "30/04/2026,00700,TENCENT,1,1", "30/04/2026,123456,X,1,1"])
        #expect(rows.map(\.stockCode) == ["80700", "00700", "123456"])
    }

    @Test func blankLinesAndTrailingEmptyCellsAreSkipped() throws {
        let rows = try parse(["", "30/04/2026,5,HSBC,1,2,,", ",,,,", "  ", "30/04/2026,700,TENCENT,3,4", "", ""])
        #expect(rows.map(\.stockCode) == ["00005", "00700"])
    }

    @Test func crlfAndQuotedLineBreaksKeepLineNumbers() throws {
        let text = Self.header + "\r\n" + "30/04/2026,5,\"HSBC\r\nHOLDINGS\",1,2\r\n" + "30/04/2026,700,TENCENT,x,4\r\n"
        let error = #expect(throws: PublicDataError.self) { try SFCShortPositionParser.parse(text, fileName: "f.csv") }
        #expect(error?.line == 4)
    }

    @Test func wrongFieldCount() {
        let error = #expect(throws: PublicDataError.self) { try parse(["30/04/2026,700,TENCENT,1"]) }
        #expect(error?.reason == "expected 5 fields, found 4")
        #expect(error?.line == 2)
        let extra = #expect(throws: PublicDataError.self) { try parse(["30/04/2026,700,TENCENT,1,2,3"]) }
        #expect(extra?.reason == "expected 5 fields, found 6")
    }

    @Test func badDateAndBadNumbers() {
        let date = #expect(throws: PublicDataError.self) { try parse(["31/04/2026,700,TENCENT,1,2"]) }
        #expect(date?.reason == #"Date "31/04/2026" is not a valid date"#)
        let money = #expect(throws: PublicDataError.self) { try parse(["30/04/2026,700,TENCENT,1,HK$2"]) }
        #expect(money?.reason == #"Aggregated Reportable Short Positions (HK$) "HK$2" is not a number"#)
        let grouping = #expect(throws: PublicDataError.self) { try parse([#"30/04/2026,700,TENCENT,"1,23",2"#]) }
        #expect(grouping?.reason == #"Aggregated Reportable Short Positions (Shares) "1,23" is not a whole number"#)
        let code = #expect(throws: PublicDataError.self) { try parse(["30/04/2026,7OO,TENCENT,1,2"]) }
        #expect(code?.reason == #"Stock Code "7OO" is not a stock code"#)
    }

    @Test func missingColumnAndUnclosedQuote() {
        let missing = #expect(throws: PublicDataError.self) {
            try SFCShortPositionParser.parse("Date,Stock Code,Stock Name,Aggregated Reportable Short Positions (Shares)\n", fileName: "f.csv")
        }
        #expect(missing?.description == "f.csv:1: missing column Aggregated Reportable Short Positions (HK$)")
        let unclosed = #expect(throws: PublicDataError.self) { try parse(["30/04/2026,700,\"TENCENT,1,2"]) }
        #expect(unclosed?.description == "Short_Position_Reporting_Aggregated_Data_20260430.csv:2: quoted cell is never closed")
    }
}

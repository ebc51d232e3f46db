import Testing
@testable import PublicData

@Suite struct ReferenceParserTests {
    @Test func everyNumberIsOptional() throws {
        let text = """
            date,code,close,shares_outstanding,float
            2026-04-29,HK.00700,479.2,9190000000,
            2026-04-30,us.aapl,,,
            2026-04-30,HK.700,"467.80","9,190,000,000",9.19E+9
            """
        let rows = try ReferenceParser.parse(text, fileName: "reference.csv")
        #expect(rows[0] == ReferenceRow(day: try #require(TradingDay("2026-04-29")), code: "HK.00700",
                                        close: 479.2, sharesOutstanding: 9_190_000_000, float: nil))
        #expect(rows[1] == ReferenceRow(day: try #require(TradingDay("2026-04-30")), code: "US.AAPL"))
        #expect(rows[2].code == "HK.00700" && rows[2].close == 467.8)
        #expect(rows[2].sharesOutstanding == 9_190_000_000 && rows[2].float == 9_190_000_000)
    }

    @Test func numberColumnsMayBeLeftOutButNotMisspelled() throws {
        let rows = try ReferenceParser.parse("code,date,close\nUS.AAPL,2026-04-30,270.15\n", fileName: "r.csv")
        #expect(rows.first?.close == 270.15 && rows.first?.sharesOutstanding == nil)
        let error = #expect(throws: PublicDataError.self) {
            try ReferenceParser.parse("date,code,closing\n", fileName: "r.csv")
        }
        #expect(error?.description == #"r.csv:1: unknown column "closing" (expected date, code, close, shares_outstanding, float)"#)
    }

    @Test func errorsCarryFileAndLine() {
        let cases: [(String, String)] = [
            ("2026-04-31,US.AAPL,1,2,3", #"r.csv:3: date "2026-04-31" is not a valid date"#),
            ("2026-04-30,JP.7203,1,2,3", #"r.csv:3: code "JP.7203" is not HK.<digits> or US.<symbol>"#),
            ("2026-04-30,US.AAPL,abc,2,3", #"r.csv:3: close "abc" is not a number"#),
            ("2026-04-30,US.AAPL,1,2.5,3", #"r.csv:3: shares_outstanding "2.5" is not a whole number"#),
            ("2026-04-30,US.AAPL,1,2", "r.csv:3: expected 5 fields, found 4"),
            (",US.AAPL,1,2,3", "r.csv:3: date is empty"),
        ]
        for (line, expected) in cases {
            let text = "date,code,close,shares_outstanding,float\n2026-04-29,US.AAPL,1,2,3\n" + line + "\n"
            let error = #expect(throws: PublicDataError.self) { try ReferenceParser.parse(text, fileName: "r.csv") }
            #expect(error?.description == expected)
        }
        let missing = #expect(throws: PublicDataError.self) { try ReferenceParser.parse("date,close\n", fileName: "r.csv") }
        #expect(missing?.description == "r.csv:1: missing column code")
    }

    @Test func normalizesCodes() {
        #expect(ReferenceParser.normalizedCode("HK.700") == "HK.00700")
        #expect(ReferenceParser.normalizedCode("hk.80700") == "HK.80700")
        #expect(ReferenceParser.normalizedCode("US.brk.b") == "US.BRK.B")
        #expect(ReferenceParser.normalizedCode("HK.") == nil)
        #expect(ReferenceParser.normalizedCode("AAPL") == nil)
        #expect(ReferenceParser.normalizedCode("HK.TENCENT") == nil)
    }
}

import ShortInterest
import Testing

@Suite struct PageJSONTests {
    @Test func fullRowsInFutuColumnOrder() throws {
        let page = ShortInterestPage(
            code: try SecurityCode("HK.00700"),
            hkRows: [HKShortInterestRow(timestamp: 1_777_478_400, timestampString: "2026-04-30", closePrice: 467.8,
                                        lastClosePrice: 479.2, aggregatedShort: 51_480_638, aggregatedShortRatio: 0.56)],
            nextKey: "10")
        #expect(page.json == """
            {"market":"HK","code":"HK.00700","next_key":"10","us":[],"hk":[{"timestamp":1777478400,"timestamp_str":"2026-04-30",\
            "aggregated_short":51480638,"aggregated_short_ratio":0.56,"close_price":467.8,"last_close_price":479.2}]}
            """)
    }

    /// OpenD's strings reach the JSON as they are, escaped where JSON needs
    /// it; integers keep every digit; absent and non-finite values are left out.
    @Test func escapesExactIntegersAndAbsentFields() throws {
        let page = ShortInterestPage(
            code: try SecurityCode("US.BRK.B"),
            usRows: [
                USShortInterestRow(timestamp: 1, timestampString: "a\"b\\c\nd\re\tf\u{1}g\u{1f}é漢😀\u{7f}",
                                   sharesShort: .max, shortPercent: 1e-7, daysToCover: 1.5e300, closePrice: -0.0,
                                   lastClosePrice: .nan),
                USShortInterestRow(averageDailyShareVolume: 9_007_199_254_740_993, closePrice: .infinity),
            ],
            nextKey: "-1")
        #expect(page.json == """
            {"market":"US","code":"US.BRK.B","next_key":"-1","us":[{"timestamp":1,\
            "timestamp_str":"a\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fé漢😀\u{7f}","shares_short":18446744073709551615,\
            "short_percent":1e-07,"days_to_cover":1.5e+300,"close_price":-0.0},\
            {"avg_daily_share_volume":9007199254740993}],"hk":[]}
            """)
    }
}

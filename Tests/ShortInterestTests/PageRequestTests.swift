import ShortInterest
import Testing

@Suite struct PageRequestTests {
    @Test(arguments: [
        ("HK.00700", Market.hk, "00700"),
        ("US.AAPL", Market.us, "AAPL"),
        ("US.BRK.B", Market.us, "BRK.B"),
        ("US..DJI", Market.us, ".DJI"),
    ])
    func codesSplitAtTheFirstDot(code: String, market: Market, symbol: String) throws {
        let parsed = try SecurityCode(code)
        #expect(parsed.market == market)
        #expect(parsed.symbol == symbol)
        #expect(parsed.description == code)
    }

    @Test(arguments: ["", "HK.", "US.", "00700", "XX.123", "SH.600000", "hk.00700", "HK.7OO", "HK.00 700", "US.AA PL", "US.É", ".AAPL",
                      "US." + String(repeating: "A", count: 33)])
    func malformedCodesAreRefused(code: String) {
        #expect {
            try SecurityCode(code)
        } throws: { error in
            guard case let .invalidArgument(message) = error as? ShortInterestError else { return false }
            return !message.isEmpty
        }
    }

    @Test func otherMarketsAreNamedInTheError() {
        #expect(throws: ShortInterestError.invalidArgument("market \"SH\" in code \"SH.600000\" is not served: short interest exists for HK and US only")) {
            try SecurityCode("SH.600000")
        }
    }

    @Test func pageSizeDefaultsToTenAndStaysWithinOneToFifty() throws {
        #expect(try PageRequest(code: "HK.00700").pageSize == 10)
        #expect(try PageRequest(code: "HK.00700", num: 1).pageSize == 1)
        #expect(try PageRequest(code: "HK.00700", num: 50).pageSize == 50)
        for bad in [0, 51, -1, Int.max, Int.min] {
            #expect(throws: ShortInterestError.invalidArgument("num \(bad) is out of range: a page holds 1 to 50 rows")) {
                try PageRequest(code: "HK.00700", num: bad)
            }
        }
    }

    @Test func anEmptyNextKeyMeansTheFirstPage() throws {
        #expect(try PageRequest(code: "US.AAPL", nextKey: "").nextKey == nil)
        #expect(try PageRequest(code: "US.AAPL", nextKey: "10").nextKey == "10")
        #expect(try PageRequest(code: "US.AAPL", nextKey: "-1").isPastEnd)
        #expect(try !PageRequest(code: "US.AAPL").isPastEnd)
    }

    @Test func errorsDescribeThemselvesAndKeepOpenDsFields() {
        let rejected = ShortInterestError.rejected(retType: -1, errCode: 1001, message: "Unknown stock")
        #expect(rejected.description == "rejected by OpenD (retType -1, errCode 1001): Unknown stock")
        #expect(ShortInterestError.rejected(retType: -1, errCode: nil, message: "x").description == "rejected by OpenD (retType -1): x")
        #expect(ShortInterestError.timeout("t").description == "timeout: t")
        #expect(ShortInterestError.disconnected("d").description == "disconnected: d")
        #expect(ShortInterestError.protocolError("p").description == "protocol error: p")
        #expect(ShortInterestError.connectFailed("c").description == "connect failed: c")
        #expect(ShortInterestError.invalidArgument("i").description == "invalid argument: i")
    }
}

/// One US short-interest observation (FINRA settlement date). Every field is
/// optional: a field the source left out is absent, which is not zero.
public struct USShortInterestRow: Sendable, Equatable {
    /// Unix seconds at midnight of the trading day, America/New_York.
    public var timestamp: Int64?
    /// The trading day, `YYYY-MM-DD`.
    public var timestampString: String?
    public var sharesShort: UInt64?
    /// Percent: 12.34 means 12.34 %.
    public var shortPercent: Double?
    public var averageDailyShareVolume: UInt64?
    public var daysToCover: Double?
    public var closePrice: Double?
    public var lastClosePrice: Double?

    public init(timestamp: Int64? = nil, timestampString: String? = nil, sharesShort: UInt64? = nil,
                shortPercent: Double? = nil, averageDailyShareVolume: UInt64? = nil, daysToCover: Double? = nil,
                closePrice: Double? = nil, lastClosePrice: Double? = nil) {
        self.timestamp = timestamp
        self.timestampString = timestampString
        self.sharesShort = sharesShort
        self.shortPercent = shortPercent
        self.averageDailyShareVolume = averageDailyShareVolume
        self.daysToCover = daysToCover
        self.closePrice = closePrice
        self.lastClosePrice = lastClosePrice
    }
}

/// One HK observation of aggregated reportable short positions (SFC reporting
/// day). Every field is optional: absent is not zero.
public struct HKShortInterestRow: Sendable, Equatable {
    /// Unix seconds at midnight of the trading day, UTC+8.
    public var timestamp: Int64?
    /// The trading day, `YYYY-MM-DD`.
    public var timestampString: String?
    public var closePrice: Double?
    /// The close of the previous trading day.
    public var lastClosePrice: Double?
    public var aggregatedShort: UInt64?
    /// Percent of shares outstanding: 0.56 means 0.56 %.
    public var aggregatedShortRatio: Double?

    public init(timestamp: Int64? = nil, timestampString: String? = nil, closePrice: Double? = nil,
                lastClosePrice: Double? = nil, aggregatedShort: UInt64? = nil, aggregatedShortRatio: Double? = nil) {
        self.timestamp = timestamp
        self.timestampString = timestampString
        self.closePrice = closePrice
        self.lastClosePrice = lastClosePrice
        self.aggregatedShort = aggregatedShort
        self.aggregatedShortRatio = aggregatedShortRatio
    }
}

/// One page of history, newest rows first.
///
/// OpenD answers with a US list and an HK list; for a US code the HK list is
/// empty and the other way round.
public struct ShortInterestPage: Sendable, Equatable {
    public var code: SecurityCode
    public var usRows: [USShortInterestRow]
    public var hkRows: [HKShortInterestRow]
    /// The key for the next page; ``PageRequest/endKey`` (`"-1"`) when there is none.
    public var nextKey: String

    public init(code: SecurityCode, usRows: [USShortInterestRow] = [], hkRows: [HKShortInterestRow] = [],
                nextKey: String = PageRequest.endKey) {
        self.code = code
        self.usRows = usRows
        self.hkRows = hkRows
        self.nextKey = nextKey
    }

    /// True when no page follows this one.
    public var isLast: Bool { nextKey == PageRequest.endKey }
}

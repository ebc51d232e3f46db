/// One security's line in a FINRA consolidated short-interest file. Every
/// figure is optional because FINRA leaves cells empty, and an empty cell
/// must stay "unknown", never become 0.
public struct FINRAShortInterestRow: Sendable, Hashable {
    /// The settlement date the positions were held on (the US row's trading day).
    public var settlementDay: TradingDay
    /// FINRA's symbol, share classes without separator (`BRKB`).
    public var symbol: String
    public var issueName: String?
    /// `marketClassCode` (current files) or `marketCategoryCode` (older ones), e.g. `NYSE`, `NNM`.
    public var market: String?
    /// Shares short on the settlement date: OpenD's US `shares_short`.
    public var currentShort: UInt64?
    /// Shares short on the previous settlement date, as FINRA restated it.
    public var previousShort: UInt64?
    /// FINRA's average daily volume over the cycle: OpenD's `avg_daily_share_volume`.
    public var averageDailyVolume: UInt64?
    /// As published (floored at 1.00, 999.99 when volume is 0); never recomputed.
    public var daysToCover: Double?
    /// `revisionFlag` was set (`R`): FINRA revised the prior cycle's figure.
    public var isRevised: Bool
    /// `stockSplitFlag` was set (`S`): a split happened in the cycle, so
    /// current and previous short are not directly comparable.
    public var hadStockSplit: Bool

    public init(settlementDay: TradingDay, symbol: String, issueName: String? = nil, market: String? = nil,
                currentShort: UInt64? = nil, previousShort: UInt64? = nil, averageDailyVolume: UInt64? = nil,
                daysToCover: Double? = nil, isRevised: Bool = false, hadStockSplit: Bool = false) {
        self.settlementDay = settlementDay
        self.symbol = symbol
        self.issueName = issueName
        self.market = market
        self.currentShort = currentShort
        self.previousShort = previousShort
        self.averageDailyVolume = averageDailyVolume
        self.daysToCover = daysToCover
        self.isRevised = isRevised
        self.hadStockSplit = hadStockSplit
    }
}

/// One stock's line in an SFC aggregated reportable short positions file.
/// The HK$ column is shares × that day's close, which is how the close price
/// comes for free with no price feed.
public struct SFCShortPositionRow: Sendable, Hashable {
    /// The reporting day (the last trading day of the week).
    public var day: TradingDay
    /// Padded to 5 digits (`00700`); longer codes are kept as published.
    public var stockCode: String
    public var name: String
    /// Aggregated reportable short position in shares: OpenD's HK `aggregated_short`.
    /// `nil` for `n.a.`/empty; `0` for the "no reportable position" rows.
    public var shares: UInt64?
    /// The same position valued in HK$ at the day's close.
    public var hkDollars: Double?

    public init(day: TradingDay, stockCode: String, name: String, shares: UInt64?, hkDollars: Double?) {
        self.day = day
        self.stockCode = stockCode
        self.name = name
        self.shares = shares
        self.hkDollars = hkDollars
    }

    /// The OpenD code for the stock (`HK.00700`).
    public var code: String { "HK." + stockCode }

    /// The day's close recovered as HK$ / shares, to 2 decimals (HK prices
    /// tick in at most 3 decimals, but the SFC rounds HK$ to a whole dollar,
    /// so 2 is what the file can support). `nil` unless both figures exist
    /// and shares > 0: a `0,0` row says nothing about the price.
    public var closePrice: Double? {
        guard let shares, shares > 0, let hkDollars else { return nil }
        return (hkDollars / Double(shares) * 100).rounded() / 100
    }
}

/// One stock-day of user-supplied reference data: what the regulators'
/// files lack (daily closes for US rows and for HK `last_close_price`,
/// shares outstanding or float for the short ratios). Every figure is
/// optional; a missing one leaves the derived field absent, never invented.
public struct ReferenceRow: Sendable, Hashable {
    public var day: TradingDay
    /// OpenD code, normalized: `HK.00700`, `US.AAPL`.
    public var code: String
    /// Closing price in the stock's trading currency.
    public var close: Double?
    public var sharesOutstanding: UInt64?
    /// Free float in shares (what US short percent is usually quoted against).
    public var float: UInt64?

    public init(day: TradingDay, code: String, close: Double? = nil,
                sharesOutstanding: UInt64? = nil, float: UInt64? = nil) {
        self.day = day
        self.code = code
        self.close = close
        self.sharesOutstanding = sharesOutstanding
        self.float = float
    }
}

import FoundationEssentials

extension ShortInterestPage {
    /// Reads back what ``json`` wrote, exactly: absent fields stay absent and
    /// integers keep every digit.
    public init(json: String) throws(ShortInterestError) {
        let decoded: JSONPage
        do {
            decoded = try JSONDecoder().decode(JSONPage.self, from: Data(json.utf8))
        } catch {
            throw .invalidArgument("not a short-interest page in JSON: \(error)")
        }
        self.init(code: try SecurityCode(decoded.code), usRows: decoded.us.map(\.usRow), hkRows: decoded.hk.map(\.hkRow),
                  nextKey: decoded.next_key)
    }
}

private struct JSONPage: Decodable {
    var code: String
    var next_key: String
    var us: [JSONRow]
    var hk: [JSONRow]
}

/// A row in JSON: the union of the US and HK fields, by futu-api's column names.
struct JSONRow: Decodable {
    var timestamp: Int64?
    var timestamp_str: String?
    var shares_short: UInt64?
    var short_percent: Double?
    var avg_daily_share_volume: UInt64?
    var days_to_cover: Double?
    var close_price: Double?
    var last_close_price: Double?
    var aggregated_short: UInt64?
    var aggregated_short_ratio: Double?

    var usRow: USShortInterestRow {
        USShortInterestRow(timestamp: timestamp, timestampString: timestamp_str, sharesShort: shares_short,
                           shortPercent: short_percent, averageDailyShareVolume: avg_daily_share_volume,
                           daysToCover: days_to_cover, closePrice: close_price, lastClosePrice: last_close_price)
    }

    var hkRow: HKShortInterestRow {
        HKShortInterestRow(timestamp: timestamp, timestampString: timestamp_str, closePrice: close_price,
                           lastClosePrice: last_close_price, aggregatedShort: aggregated_short,
                           aggregatedShortRatio: aggregated_short_ratio)
    }
}

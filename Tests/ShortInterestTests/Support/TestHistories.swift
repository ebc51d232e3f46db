import OpenDProtocol

/// Short-interest histories the test server pages through, newest first.
/// HK.00700 holds the seed document's ten rows (OpenD's real answer).
struct TestHistories: Sendable {
    var us: [String: [QotGetShortInterest_UsShortInterestItem]] = [:]
    var hk: [String: [QotGetShortInterest_HkShortInterestItem]] = [:]

    /// Answers like OpenD: pages of `num` rows (10 by default), `nextKey` the
    /// offset of the next row as a string, "-1" after the last; an unknown
    /// code gets retType -1.
    func answer(_ request: QotGetShortInterest_C2S, _ frame: OpenDFrame) -> [TestOpenDServer.Action] {
        let code = request.security.code
        let start = request.hasNextKey ? Int(request.nextKey) ?? -1 : 0
        let num = request.hasNum ? Int(request.num) : 10
        var reply = QotGetShortInterest_Response()
        func page<Row>(_ rows: [Row]) -> ([Row], String)? {
            guard start >= 0, start <= rows.count, (1...50).contains(num) else { return nil }
            let end = min(start + num, rows.count)
            return (Array(rows[start..<end]), end < rows.count ? String(end) : "-1")
        }
        switch request.security.market {
        case 1 where hk[code] != nil:
            if let (rows, next) = page(hk[code]!) {
                reply.retType = 0
                reply.s2C.hkItemList = rows
                reply.s2C.nextKey = next
            }
        case 11 where us[code] != nil:
            if let (rows, next) = page(us[code]!) {
                reply.retType = 0
                reply.s2C.usItemList = rows
                reply.s2C.nextKey = next
            }
        default:
            reply.retType = -1
            reply.errCode = 1001
            reply.retMsg = "Unknown stock \(code)"
        }
        if reply.retType != 0 && reply.retMsg.isEmpty {
            reply.retType = -1
            reply.retMsg = "Invalid nextKey or num"
        }
        return [.send(try! OpenDFrame(protoID: frame.protoID, serial: frame.serial, message: reply))]
    }

    static let standard: TestHistories = {
        var histories = TestHistories()
        histories.hk["00700"] = tencent
        histories.us["AAPL"] = apple
        histories.us["BRK.B"] = [us(1777521600, "2026-04-30", short: 7_123_456, volume: 4_200_000, cover: 1.7)]
        // Some fields left out, and a share count above 2^53 that a double would round.
        histories.us["SPARSE"] = [
            us(1777521600, "2026-04-30", short: 9_007_199_254_740_993),
            { var row = QotGetShortInterest_UsShortInterestItem(); row.timestampStr = "2026-04-15"; return row }(),
        ]
        histories.hk["09999"] = []
        return histories
    }()

    /// The seed document's answer for HK.00700: (timestamp, day, shares, ratio, close, last close).
    static let tencent: [QotGetShortInterest_HkShortInterestItem] = [
        (1777478400, "2026-04-30", 51480638, 0.56, 467.8, 479.2),
        (1776960000, "2026-04-24", 51888755, 0.56, 493.4, 495.2),
        (1776355200, "2026-04-17", 47974208, 0.52, 510.5, 517.0),
        (1775750400, "2026-04-10", 48424833, 0.53, 504.5, 508.5),
        (1775059200, "2026-04-02", 49982828, 0.54, 489.2, 496.6),
        (1774540800, "2026-03-27", 52744147, 0.57, 493.4, 495.6),
        (1773936000, "2026-03-20", 51710854, 0.56, 508.0, 513.0),
        (1773331200, "2026-03-13", 48105325, 0.52, 547.5, 546.5),
        (1772726400, "2026-03-06", 42404275, 0.46, 519.0, 502.0),
        (1772121600, "2026-02-27", 36037870, 0.39, 518.0, 512.0),
    ].map { timestamp, day, shares, ratio, close, lastClose in
        var row = QotGetShortInterest_HkShortInterestItem()
        row.timestamp = Int64(timestamp)
        row.timestampStr = day
        row.aggregatedShort = UInt64(shares)
        row.aggregatedShortRatio = ratio
        row.closePrice = close
        row.lastClosePrice = lastClose
        return row
    }

    /// FINRA's figures for AAPL (public-data.md), then 23 older settlements.
    static let apple: [QotGetShortInterest_UsShortInterestItem] = {
        var rows = [
            us(1777521600, "2026-04-30", short: 134_675_274, volume: 45_944_025, cover: 2.93),
            us(1776225600, "2026-04-15", short: 134_422_787, volume: 39_674_165, cover: 3.39),
        ]
        for index in 0..<23 {
            let timestamp = 1776225600 - Int64(index + 1) * 15 * 86_400
            rows.append(us(timestamp, "older-\(index)", short: 120_000_000 + UInt64(index), volume: 40_000_000, cover: 3.0))
        }
        return rows
    }()

    static func us(_ timestamp: Int64, _ day: String, short: UInt64, volume: UInt64? = nil, cover: Double? = nil) -> QotGetShortInterest_UsShortInterestItem {
        var row = QotGetShortInterest_UsShortInterestItem()
        row.timestamp = timestamp
        row.timestampStr = day
        row.sharesShort = short
        if let volume { row.avgDailyShareVolume = volume }
        if let cover { row.daysToCover = cover }
        return row
    }
}

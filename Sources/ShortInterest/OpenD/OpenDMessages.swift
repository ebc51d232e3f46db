import OpenDProtocol

// Translation between this library's types and OpenD's Qot_GetShortInterest messages.

extension PageRequest {
    var openDRequest: QotGetShortInterest_Request {
        var request = QotGetShortInterest_Request()
        request.c2S.security.market = code.market.openDNumber
        request.c2S.security.code = code.symbol
        if let nextKey { request.c2S.nextKey = nextKey }
        request.c2S.num = Int32(pageSize)
        return request
    }
}

extension ShortInterestPage {
    /// The page in OpenD's reply to `request`; OpenD's failures pass through unchanged.
    init(openDReply frame: OpenDFrame, for request: PageRequest) throws(ShortInterestError) {
        let reply: QotGetShortInterest_Response = try frame.decodeReply()
        guard reply.retType == 0 else {
            throw .rejected(retType: reply.retType, errCode: reply.hasErrCode ? reply.errCode : nil, message: reply.retMsg)
        }
        let s2c = reply.s2C
        self.init(
            code: request.code,
            usRows: s2c.usItemList.map(USShortInterestRow.init(openD:)),
            hkRows: s2c.hkItemList.map(HKShortInterestRow.init(openD:)),
            // OpenD's clients read an absent nextKey as the end.
            nextKey: s2c.hasNextKey ? s2c.nextKey : PageRequest.endKey
        )
    }
}

extension USShortInterestRow {
    init(openD item: QotGetShortInterest_UsShortInterestItem) {
        self.init(
            timestamp: item.hasTimestamp ? item.timestamp : nil,
            timestampString: item.hasTimestampStr ? item.timestampStr : nil,
            sharesShort: item.hasSharesShort ? item.sharesShort : nil,
            shortPercent: item.hasShortPercent ? item.shortPercent : nil,
            averageDailyShareVolume: item.hasAvgDailyShareVolume ? item.avgDailyShareVolume : nil,
            daysToCover: item.hasDaysToCover ? item.daysToCover : nil,
            closePrice: item.hasClosePrice ? item.closePrice : nil,
            lastClosePrice: item.hasLastClosePrice ? item.lastClosePrice : nil
        )
    }
}

extension HKShortInterestRow {
    init(openD item: QotGetShortInterest_HkShortInterestItem) {
        self.init(
            timestamp: item.hasTimestamp ? item.timestamp : nil,
            timestampString: item.hasTimestampStr ? item.timestampStr : nil,
            closePrice: item.hasClosePrice ? item.closePrice : nil,
            lastClosePrice: item.hasLastClosePrice ? item.lastClosePrice : nil,
            aggregatedShort: item.hasAggregatedShort ? item.aggregatedShort : nil,
            aggregatedShortRatio: item.hasAggregatedShortRatio ? item.aggregatedShortRatio : nil
        )
    }
}

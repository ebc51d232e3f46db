public import OpenDProtocol

// Translation between this library's types and OpenD's messages. The decoding
// of replies is `package` so that the fuzz targets (ShortInterestFuzzing) run
// exactly what the client runs.

extension PageRequest {
    package var openDRequest: QotGetShortInterest_Request {
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
    package init(openDReply frame: OpenDFrame, for request: PageRequest) throws(ShortInterestError) {
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

/// What OpenD's InitConnect reply settles for a connection.
package struct InitConnectAgreement: Sendable {
    /// OpenD's keep-alive interval in seconds; 0 or less: no keep-alive.
    package var keepAliveInterval: Int32
    /// The AES cipher of every later body, when the connection is encrypted.
    package var bodyCipher: OpenDBodyCipher?

    package init(reply frame: OpenDFrame, encrypted: Bool) throws(ShortInterestError) {
        let reply: InitConnect_Response = try frame.decodeReply()
        guard reply.retType == 0 else {
            throw .rejected(retType: reply.retType, errCode: reply.hasErrCode ? reply.errCode : nil, message: reply.retMsg)
        }
        guard reply.hasS2C else {
            throw .protocolError("InitConnect reply carries no s2c")
        }
        keepAliveInterval = reply.s2C.keepAliveInterval
        guard encrypted else {
            bodyCipher = nil
            return
        }
        do {
            bodyCipher = try OpenDBodyCipher(connAESKey: reply.s2C.connAeskey, cbcIV: reply.s2C.hasAesCbciv ? reply.s2C.aesCbciv : nil)
        } catch {
            throw .protocolError("InitConnect reply: \(error)")
        }
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

// The other direction, for servers that speak OpenD's protocol (the gateway).

extension PageRequest {
    /// Validates an OpenD request as OpenD would.
    public init(openD request: QotGetShortInterest_C2S) throws(ShortInterestError) {
        guard let market = Market(openDNumber: request.security.market) else {
            throw .invalidArgument("market \(request.security.market) is not served: short interest exists for HK (1) and US (11) only")
        }
        try self.init(code: SecurityCode(market: market, symbol: request.security.code),
                      nextKey: request.hasNextKey ? request.nextKey : nil,
                      num: request.hasNum ? Int(request.num) : nil)
    }
}

extension QotGetShortInterest_S2C {
    /// `page` as OpenD sends it: absent fields left unset.
    public init(_ page: ShortInterestPage) {
        self.init()
        usItemList = page.usRows.map { row in
            var item = QotGetShortInterest_UsShortInterestItem()
            if let value = row.timestamp { item.timestamp = value }
            if let value = row.timestampString { item.timestampStr = value }
            if let value = row.sharesShort { item.sharesShort = value }
            if let value = row.shortPercent { item.shortPercent = value }
            if let value = row.averageDailyShareVolume { item.avgDailyShareVolume = value }
            if let value = row.daysToCover { item.daysToCover = value }
            if let value = row.closePrice { item.closePrice = value }
            if let value = row.lastClosePrice { item.lastClosePrice = value }
            return item
        }
        hkItemList = page.hkRows.map { row in
            var item = QotGetShortInterest_HkShortInterestItem()
            if let value = row.timestamp { item.timestamp = value }
            if let value = row.timestampString { item.timestampStr = value }
            if let value = row.closePrice { item.closePrice = value }
            if let value = row.lastClosePrice { item.lastClosePrice = value }
            if let value = row.aggregatedShort { item.aggregatedShort = value }
            if let value = row.aggregatedShortRatio { item.aggregatedShortRatio = value }
            return item
        }
        nextKey = page.nextKey
    }
}

import NIOCore
public import OpenDProtocol

// Translation between this library's types and OpenD's messages. The decoding
// of replies is `package` so that the fuzz targets (ShortInterestFuzzing) run
// exactly what the client runs.

extension PageRequest {
    /// The request as OpenD's Qot_GetShortInterest.Request, encoded.
    package var openDRequestBody: [UInt8] {
        var request = ProtobufWriter()
        request.message(field: 1) { c2s in
            c2s.message(field: 1) { security in
                security.int32(field: 1, code.market.openDNumber)
                security.string(field: 2, code.symbol)
            }
            if let nextKey { c2s.string(field: 2, nextKey) }
            c2s.int32(field: 3, Int32(pageSize))
        }
        return request.bytes
    }
}

extension ShortInterestPage {
    /// The page in OpenD's reply to `request`; OpenD's failures pass through unchanged.
    ///
    /// The reply is read straight off the wire (``ProtobufReader``): through
    /// swift-protobuf's generated `QotGetShortInterest_Response` a row cost
    /// about 3,000 instructions, most of a large page's decoding. The two
    /// agree on every input (the `replies` fuzz target compares them).
    package init(openDReply frame: OpenDFrame, for request: PageRequest) throws(ShortInterestError) {
        guard frame.bodyFormat == OpenDFrame.protobufFormat else {
            throw .protocolError("reply to proto \(frame.protoID) is in body format \(frame.bodyFormat), not protobuf")
        }
        let reply: ShortInterestReply
        do {
            reply = try frame.body.withUnsafeReadableBytes { bytes in
                var reader = try ProtobufReader(topLevel: bytes)
                return try ShortInterestReply(&reader, expectedRows: request.pageSize)
            }
        } catch {
            throw .protocolError("undecodable reply to proto \(frame.protoID): \(error)")
        }
        guard reply.retType == 0 else {
            throw .rejected(retType: reply.retType, errCode: reply.errCode, message: reply.retMsg)
        }
        // OpenD's clients read an absent nextKey as the end.
        self.init(code: request.code, usRows: reply.usRows, hkRows: reply.hkRows, nextKey: reply.nextKey ?? PageRequest.endKey)
    }
}

/// Qot_GetShortInterest.Response as proto/Qot_GetShortInterest.proto defines
/// it, with s2c's fields flattened (a repeated s2c merges, as protobuf says).
private struct ShortInterestReply {
    /// proto2's default for the required field, which swift-protobuf leaves
    /// when it is absent (the client decodes partially).
    var retType: Int32 = -400
    var retMsg = ""
    var errCode: Int32?
    var usRows: [USShortInterestRow] = []
    var hkRows: [HKShortInterestRow] = []
    var nextKey: String?
    /// Room made in a row list when its first row arrives: OpenD answers
    /// with at most the rows asked for, so the list then never grows.
    private let expectedRows: Int

    init(_ reader: inout ProtobufReader, expectedRows: Int) throws(ProtobufWireError) {
        self.expectedRows = expectedRows
        while let (number, wireType) = try reader.nextField() {
            switch (number, wireType) {
            case (1, .varint): retType = Int32(truncatingIfNeeded: try reader.varint())
            case (2, .lengthDelimited): retMsg = try reader.string()
            case (3, .varint): errCode = Int32(truncatingIfNeeded: try reader.varint())
            case (4, .lengthDelimited):
                var s2c = try reader.message()
                try readS2C(&s2c)
            default: try reader.skip(field: number, wireType: wireType)
            }
        }
    }

    private mutating func readS2C(_ reader: inout ProtobufReader) throws(ProtobufWireError) {
        while let (number, wireType) = try reader.nextField() {
            switch (number, wireType) {
            case (1, .lengthDelimited):
                var item = try reader.message()
                if usRows.isEmpty { usRows.reserveCapacity(expectedRows) }
                usRows.append(try USShortInterestRow(&item))
            case (2, .lengthDelimited):
                var item = try reader.message()
                if hkRows.isEmpty { hkRows.reserveCapacity(expectedRows) }
                hkRows.append(try HKShortInterestRow(&item))
            case (3, .lengthDelimited): nextKey = try reader.string()
            default: try reader.skip(field: number, wireType: wireType)
            }
        }
    }
}

extension USShortInterestRow {
    /// Qot_GetShortInterest.UsShortInterestItem.
    fileprivate init(_ reader: inout ProtobufReader) throws(ProtobufWireError) {
        // Fields in locals, the row made once: setting a row's fields one by
        // one copied it each time.
        var timestamp: Int64?, timestampString: String?, sharesShort: UInt64?, shortPercent: Double?
        var averageDailyShareVolume: UInt64?, daysToCover: Double?, closePrice: Double?, lastClosePrice: Double?
        while let (number, wireType) = try reader.nextField() {
            switch (number, wireType) {
            case (1, .varint): timestamp = Int64(bitPattern: try reader.varint())
            case (2, .lengthDelimited): timestampString = try reader.string()
            case (3, .varint): sharesShort = try reader.varint()
            case (4, .fixed64): shortPercent = try reader.double()
            case (5, .varint): averageDailyShareVolume = try reader.varint()
            case (6, .fixed64): daysToCover = try reader.double()
            case (7, .fixed64): closePrice = try reader.double()
            case (8, .fixed64): lastClosePrice = try reader.double()
            default: try reader.skip(field: number, wireType: wireType)
            }
        }
        self.init(timestamp: timestamp, timestampString: timestampString, sharesShort: sharesShort, shortPercent: shortPercent,
                  averageDailyShareVolume: averageDailyShareVolume, daysToCover: daysToCover, closePrice: closePrice,
                  lastClosePrice: lastClosePrice)
    }
}

extension HKShortInterestRow {
    /// Qot_GetShortInterest.HkShortInterestItem.
    fileprivate init(_ reader: inout ProtobufReader) throws(ProtobufWireError) {
        var timestamp: Int64?, timestampString: String?, closePrice: Double?, lastClosePrice: Double?
        var aggregatedShort: UInt64?, aggregatedShortRatio: Double?
        while let (number, wireType) = try reader.nextField() {
            switch (number, wireType) {
            case (1, .varint): timestamp = Int64(bitPattern: try reader.varint())
            case (2, .lengthDelimited): timestampString = try reader.string()
            case (3, .fixed64): closePrice = try reader.double()
            case (4, .fixed64): lastClosePrice = try reader.double()
            case (5, .varint): aggregatedShort = try reader.varint()
            case (6, .fixed64): aggregatedShortRatio = try reader.double()
            default: try reader.skip(field: number, wireType: wireType)
            }
        }
        self.init(timestamp: timestamp, timestampString: timestampString, closePrice: closePrice, lastClosePrice: lastClosePrice,
                  aggregatedShort: aggregatedShort, aggregatedShortRatio: aggregatedShortRatio)
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

extension ShortInterestPage {
    /// The page as OpenD's successful reply, Qot_GetShortInterest.Response
    /// (retType 0, the rows, nextKey), absent fields left unset, encoded.
    ///
    /// Written by hand, to the byte what swift-protobuf makes of the generated
    /// message (the `replies` fuzz target and the gateway's tests check it):
    /// through the generated message, encoding a 10-row reply cost the
    /// gateway about 37,000 instructions, a third of its work per request.
    package var openDReplyBody: [UInt8] {
        // A row is at most about 80 bytes besides its date string.
        var reply = ProtobufWriter(capacity: 32 + nextKey.utf8.count + 96 * (usRows.count + hkRows.count))
        reply.int32(field: 1, 0)
        reply.message(field: 4) { s2c in
            for row in usRows {
                s2c.message(field: 1) { item in
                    if let value = row.timestamp { item.int64(field: 1, value) }
                    if let value = row.timestampString { item.string(field: 2, value) }
                    if let value = row.sharesShort { item.uint64(field: 3, value) }
                    if let value = row.shortPercent { item.double(field: 4, value) }
                    if let value = row.averageDailyShareVolume { item.uint64(field: 5, value) }
                    if let value = row.daysToCover { item.double(field: 6, value) }
                    if let value = row.closePrice { item.double(field: 7, value) }
                    if let value = row.lastClosePrice { item.double(field: 8, value) }
                }
            }
            for row in hkRows {
                s2c.message(field: 2) { item in
                    if let value = row.timestamp { item.int64(field: 1, value) }
                    if let value = row.timestampString { item.string(field: 2, value) }
                    if let value = row.closePrice { item.double(field: 3, value) }
                    if let value = row.lastClosePrice { item.double(field: 4, value) }
                    if let value = row.aggregatedShort { item.uint64(field: 5, value) }
                    if let value = row.aggregatedShortRatio { item.double(field: 6, value) }
                }
            }
            s2c.string(field: 3, nextKey)
        }
        return reply.bytes
    }
}

import NIOCore
import OpenDProtocol
import ShortInterest

/// Protobuf bodies from a peer, through the same decoding the library runs:
/// OpenD's replies as the client reads them (Qot_GetShortInterest into a
/// page, InitConnect into the connection's terms, KeepAlive), and clients'
/// requests as the gateway reads them. The client's own reader of
/// Qot_GetShortInterest must agree with swift-protobuf's generated decoder
/// on every body: the same page, bit for bit, or the same error.
enum OpenDMessageTarget {
    private static let requests = [
        try! PageRequest(code: "HK.00700"),
        try! PageRequest(code: "US.AAPL", nextKey: "20260415", num: 2),
    ]

    static func run(_ input: inout FuzzInput) {
        let kind = input.byte() % 5
        let request = requests[Int(input.byte()) % requests.count]
        let encrypted = input.bool()
        // Body format 1 (JSON) must be refused; every other value is the fuzzer's.
        let bodyFormat = input.byte() % 4 == 1 ? 1 : OpenDFrame.protobufFormat
        let body = ByteBuffer(bytes: input.remainingBytes())
        func frame(_ protoID: UInt32) -> OpenDFrame {
            OpenDFrame(protoID: protoID, serial: 1, body: body, bodyFormat: bodyFormat)
        }

        switch kind {
        case 0:
            let reply = frame(ProtoID.getShortInterest)
            let page = Result { () throws(ShortInterestError) in try ShortInterestPage(openDReply: reply, for: request) }
            let reference = Result { () throws(ShortInterestError) in try ShortInterestPage(generatedDecodingOf: reply, for: request) }
            precondition(page.sameBits(as: reference), "the reply reader and swift-protobuf disagree: \(page) vs \(reference)")
            guard case let .success(decoded) = page else { return }
            checkJSONRoundTrip(decoded)
            checkReplyEncoding(decoded, for: request)
        case 1:
            guard let agreement = try? InitConnectAgreement(reply: frame(ProtoID.initConnect), encrypted: encrypted) else { return }
            precondition((agreement.bodyCipher != nil) == encrypted, "an InitConnect agreement without the cipher it needs")
        case 2:
            _ = try? frame(ProtoID.keepAlive).decodeReply(KeepAlive_Response.self)
        case 3:
            // The gateway's reading of Qot_GetShortInterest (GatewayConnectionHandler.answerShortInterest).
            guard let message = try? frame(ProtoID.getShortInterest).decode(QotGetShortInterest_Request.self),
                  let decoded = try? PageRequest(openD: message.c2S) else { return }
            // The client's encoding of it, by hand, is swift-protobuf's to the byte.
            let sent = OpenDFrame(protoID: ProtoID.getShortInterest, serial: 1, body: ByteBuffer(bytes: decoded.openDRequestBody))
            let generated = try? OpenDFrame(protoID: ProtoID.getShortInterest, serial: 1, message: decoded.generatedRequest)
            precondition(sent == generated, "request \(decoded) encodes other than swift-protobuf does")
            let resent = (try? sent.decode(QotGetShortInterest_Request.self)).flatMap { try? PageRequest(openD: $0.c2S) }
            precondition(resent == decoded, "request \(decoded) changes when sent on to OpenD")
        default:
            // The gateway reads InitConnect and KeepAlive requests leniently (try?).
            _ = try? frame(ProtoID.initConnect).decode(InitConnect_Request.self)
            _ = try? frame(ProtoID.keepAlive).decode(KeepAlive_Request.self)
        }
    }

    /// The gateway's encoding of a page, by hand, is swift-protobuf's to the
    /// byte: its generated message reads it as the same page and writes the
    /// same bytes back.
    private static func checkReplyEncoding(_ page: ShortInterestPage, for request: PageRequest) {
        let sent = OpenDFrame(protoID: ProtoID.getShortInterest, serial: 1, body: ByteBuffer(bytes: page.openDReplyBody))
        let reread = Result { () throws(ShortInterestError) in try ShortInterestPage(generatedDecodingOf: sent, for: request) }
        precondition(reread.sameBits(as: .success(page)), "page \(page) encodes to a reply that reads back as \(reread)")
        let rewritten = (try? sent.decode(QotGetShortInterest_Response.self))
            .flatMap { try? OpenDFrame(protoID: ProtoID.getShortInterest, serial: 1, message: $0) }
        precondition(rewritten == sent, "page \(page) encodes other than swift-protobuf does")
    }

    /// A decoded page's JSON (what si_get_page_json returns) reads back as the
    /// same page, less the non-finite numbers that JSON cannot carry.
    private static func checkJSONRoundTrip(_ page: ShortInterestPage) {
        let json = page.json
        let reread: ShortInterestPage
        do {
            reread = try ShortInterestPage(json: json)
        } catch {
            preconditionFailure("the JSON of a decoded page does not read back: \(error)\n\(json)")
        }
        precondition(reread == page.droppingNonFiniteNumbers, "the JSON of a page reads back different:\n\(json)")
    }
}

extension ShortInterestPage {
    /// The page with NaN and infinities absent, as its JSON leaves them out.
    fileprivate var droppingNonFiniteNumbers: ShortInterestPage {
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        var page = self
        for index in page.usRows.indices {
            page.usRows[index].shortPercent = finite(page.usRows[index].shortPercent)
            page.usRows[index].daysToCover = finite(page.usRows[index].daysToCover)
            page.usRows[index].closePrice = finite(page.usRows[index].closePrice)
            page.usRows[index].lastClosePrice = finite(page.usRows[index].lastClosePrice)
        }
        for index in page.hkRows.indices {
            page.hkRows[index].closePrice = finite(page.hkRows[index].closePrice)
            page.hkRows[index].lastClosePrice = finite(page.hkRows[index].lastClosePrice)
            page.hkRows[index].aggregatedShortRatio = finite(page.hkRows[index].aggregatedShortRatio)
        }
        return page
    }
}

extension ShortInterestPage {
    /// The page through swift-protobuf's generated `QotGetShortInterest_Response`:
    /// what the client's reply reader must give.
    fileprivate init(generatedDecodingOf frame: OpenDFrame, for request: PageRequest) throws(ShortInterestError) {
        let reply: QotGetShortInterest_Response = try frame.decodeReply()
        guard reply.retType == 0 else {
            throw .rejected(retType: reply.retType, errCode: reply.hasErrCode ? reply.errCode : nil, message: reply.retMsg)
        }
        let us = reply.s2C.usItemList.map { item in
            USShortInterestRow(timestamp: item.hasTimestamp ? item.timestamp : nil,
                               timestampString: item.hasTimestampStr ? item.timestampStr : nil,
                               sharesShort: item.hasSharesShort ? item.sharesShort : nil,
                               shortPercent: item.hasShortPercent ? item.shortPercent : nil,
                               averageDailyShareVolume: item.hasAvgDailyShareVolume ? item.avgDailyShareVolume : nil,
                               daysToCover: item.hasDaysToCover ? item.daysToCover : nil,
                               closePrice: item.hasClosePrice ? item.closePrice : nil,
                               lastClosePrice: item.hasLastClosePrice ? item.lastClosePrice : nil)
        }
        let hk = reply.s2C.hkItemList.map { item in
            HKShortInterestRow(timestamp: item.hasTimestamp ? item.timestamp : nil,
                               timestampString: item.hasTimestampStr ? item.timestampStr : nil,
                               closePrice: item.hasClosePrice ? item.closePrice : nil,
                               lastClosePrice: item.hasLastClosePrice ? item.lastClosePrice : nil,
                               aggregatedShort: item.hasAggregatedShort ? item.aggregatedShort : nil,
                               aggregatedShortRatio: item.hasAggregatedShortRatio ? item.aggregatedShortRatio : nil)
        }
        self.init(code: request.code, usRows: us, hkRows: hk,
                  nextKey: reply.s2C.hasNextKey ? reply.s2C.nextKey : PageRequest.endKey)
    }
}

extension Result where Success == ShortInterestPage, Failure == ShortInterestError {
    /// Equal pages (doubles compared by bit pattern, so that NaN equals
    /// itself), or equal errors.
    fileprivate func sameBits(as other: Self) -> Bool {
        switch (self, other) {
        case let (.failure(error), .failure(otherError)):
            return error == otherError
        case let (.success(page), .success(otherPage)):
            return page.bitsDescription == otherPage.bitsDescription
        default:
            return false
        }
    }
}

extension ShortInterestPage {
    /// Every field, doubles as their bit patterns.
    fileprivate var bitsDescription: String {
        func bits(_ value: Double?) -> String { value.map { String($0.bitPattern, radix: 16) } ?? "-" }
        let us = usRows.map { row in
            "\(row.timestamp as Any) \(row.timestampString as Any) \(row.sharesShort as Any) \(bits(row.shortPercent)) "
                + "\(row.averageDailyShareVolume as Any) \(bits(row.daysToCover)) \(bits(row.closePrice)) \(bits(row.lastClosePrice))"
        }
        let hk = hkRows.map { row in
            "\(row.timestamp as Any) \(row.timestampString as Any) \(bits(row.closePrice)) \(bits(row.lastClosePrice)) "
                + "\(row.aggregatedShort as Any) \(bits(row.aggregatedShortRatio))"
        }
        return "\(code) \(nextKey) us \(us) hk \(hk)"
    }
}

extension PageRequest {
    /// The request as swift-protobuf's generated message: what the client's
    /// own encoding must equal.
    fileprivate var generatedRequest: QotGetShortInterest_Request {
        var request = QotGetShortInterest_Request()
        request.c2S.security.market = code.market.openDNumber
        request.c2S.security.code = code.symbol
        if let nextKey { request.c2S.nextKey = nextKey }
        request.c2S.num = Int32(pageSize)
        return request
    }
}

import NIOCore
import OpenDProtocol
import ShortInterest

/// Protobuf bodies from a peer, through the same decoding the library runs:
/// OpenD's replies as the client reads them (Qot_GetShortInterest into a
/// page, InitConnect into the connection's terms, KeepAlive), and clients'
/// requests as the gateway reads them.
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
            guard let page = try? ShortInterestPage(openDReply: frame(ProtoID.getShortInterest), for: request) else { return }
            checkJSONRoundTrip(page)
        case 1:
            guard let agreement = try? InitConnectAgreement(reply: frame(ProtoID.initConnect), encrypted: encrypted) else { return }
            precondition((agreement.bodyCipher != nil) == encrypted, "an InitConnect agreement without the cipher it needs")
        case 2:
            _ = try? frame(ProtoID.keepAlive).decodeReply(KeepAlive_Response.self)
        case 3:
            // The gateway's reading of Qot_GetShortInterest (GatewayConnectionHandler.answerShortInterest).
            guard let message = try? frame(ProtoID.getShortInterest).decode(QotGetShortInterest_Request.self),
                  let decoded = try? PageRequest(openD: message.c2S) else { return }
            let resent = try? PageRequest(openD: decoded.openDRequest.c2S)
            precondition(resent == decoded, "request \(decoded) changes when sent on to OpenD")
        default:
            // The gateway reads InitConnect and KeepAlive requests leniently (try?).
            _ = try? frame(ProtoID.initConnect).decode(InitConnect_Request.self)
            _ = try? frame(ProtoID.keepAlive).decode(KeepAlive_Request.self)
        }
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

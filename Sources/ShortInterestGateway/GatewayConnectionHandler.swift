import Logging
import NIOCore
import OpenDProtocol
import SwiftProtobuf
import ShortInterest
import Synchronization

/// One client connection of the gateway: InitConnect first, then KeepAlive and
/// short-interest requests, each answered with the request's proto id and serial.
final class GatewayConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = OpenDFrame
    typealias OutboundOut = OpenDFrame

    private let source: any ShortInterestSource
    private let limiter: SlidingWindowLimiter?
    private let crypto: OpenDFrameCrypto
    private let connectionID: UInt64
    private let keepAliveInterval: Int32
    private let handshakeTimeout: TimeAmount
    private let logger: Logger
    /// Requests are answered on the connection's own event loop: no hop to
    /// Swift's pool and back for every request.
    private var executor: EventLoopTaskExecutor?
    private var initialized = false
    private var handshakeDeadline: Scheduled<Void>?

    init(source: any ShortInterestSource, limiter: SlidingWindowLimiter?, crypto: OpenDFrameCrypto, connectionID: UInt64,
         keepAliveInterval: Int32, handshakeTimeout: TimeAmount, logger: Logger) {
        self.source = source
        self.limiter = limiter
        self.crypto = crypto
        self.connectionID = connectionID
        self.keepAliveInterval = keepAliveInterval
        self.handshakeTimeout = handshakeTimeout
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        executor = EventLoopTaskExecutor(context.eventLoop)
        logger.info("connected", metadata: ["peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
        handshakeDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) {
            guard !self.initialized else { return }
            self.logger.warning("closing: no InitConnect within \(Duration.nanoseconds(self.handshakeTimeout.nanoseconds))")
            context.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            logger.info("closing an idle connection")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshakeDeadline?.cancel()
        logger.info("disconnected")
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard initialized || frame.protoID == ProtoID.initConnect else {
            logger.warning("refused: first frame is proto \(frame.protoID), not InitConnect")
            context.close(promise: nil)
            return
        }
        switch frame.protoID {
        case ProtoID.initConnect:
            initialized = true
            let wanted = (try? frame.decode(InitConnect_Request.self))?.c2S.packetEncAlgo
            let (reply, cipher) = initConnectReply(cbc: wanted == Int32(Common_PacketEncAlgo.aesCbc.rawValue))
            self.reply(to: frame, context: context, with: reply)
            // The reply went out RSA-encrypted; every later body uses its AES key.
            crypto.body = cipher
        case ProtoID.keepAlive:
            var reply = KeepAlive_Response()
            reply.retType = 0
            reply.s2C.time = (try? frame.decode(KeepAlive_Request.self))?.c2S.time ?? 0
            self.reply(to: frame, context: context, with: reply)
        case ProtoID.getShortInterest:
            answerShortInterest(frame, context: context)
        default:
            var reply = QotGetShortInterest_Response()
            reply.retType = -1
            reply.retMsg = "proto \(frame.protoID) is not served by this gateway (only InitConnect, KeepAlive and Qot_GetShortInterest)"
            self.reply(to: frame, context: context, with: reply)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning("closing after error: \(error)")
        if !initialized, case let .cipherFailed(protoID, serial, _) = error as? OpenDFrameError, protoID == ProtoID.initConnect {
            // A client without the key sent InitConnect in clear: tell it so, in clear.
            crypto.rsa = nil
            var refusal = InitConnect_Response()
            refusal.retType = -1
            refusal.retMsg = "this gateway requires protocol encryption: give the client the gateway's RSA private key"
            reply(to: OpenDFrame(protoID: protoID, serial: serial, body: ByteBuffer()), context: context, with: refusal)
        }
        context.close(promise: nil)
    }

    /// The InitConnect reply, and the cipher its AES key (and IV, for CBC)
    /// sets up when the gateway encrypts.
    private func initConnectReply(cbc: Bool) -> (InitConnect_Response, OpenDBodyCipher?) {
        var reply = InitConnect_Response()
        reply.retType = 0
        reply.s2C.serverVer = 1000
        reply.s2C.loginUserID = 0
        reply.s2C.connID = connectionID
        reply.s2C.connAeskey = Self.randomKeyText()
        reply.s2C.keepAliveInterval = keepAliveInterval
        guard crypto.rsa != nil else { return (reply, nil) }
        if cbc { reply.s2C.aesCbciv = Self.randomKeyText() }
        let cipher = try? OpenDBodyCipher(connAESKey: reply.s2C.connAeskey, cbcIV: cbc ? reply.s2C.aesCbciv : nil)
        return (reply, cipher)
    }

    /// 16 random characters: OpenD's keys and IVs are text.
    private static func randomKeyText() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".randomElement(using: &generator)! })
    }

    private func answerShortInterest(_ frame: OpenDFrame, context: ChannelHandlerContext) {
        let request: PageRequest
        do {
            let message: QotGetShortInterest_Request = try frame.decode()
            request = try PageRequest(openD: message.c2S)
        } catch {
            var reply = QotGetShortInterest_Response()
            reply.retType = -1
            reply.retMsg = "\(error)"
            self.reply(to: frame, context: context, with: reply)
            return
        }
        logger.debug("Qot_GetShortInterest", metadata: ["code": "\(request.code)", "next_key": "\(request.nextKey ?? "")",
                                                        "num": "\(request.pageSize)"])
        let channel = context.channel
        let source = source
        let limiter = limiter
        let logger = logger
        Task(executorPreference: executor) {
            var reply = QotGetShortInterest_Response()
            do throws(ShortInterestError) {
                _ = try limiter?.reserveSlot(mode: .failFast, maxWait: .zero)
                let page = try await source.page(request)
                channel.writeAndFlush(OpenDFrame(protoID: frame.protoID, serial: frame.serial, body: ByteBuffer(bytes: page.openDReplyBody)),
                                      promise: nil)
                return
            } catch let .rejected(retType, errCode, message) {
                reply.retType = retType
                if let errCode { reply.errCode = errCode }
                reply.retMsg = message
            } catch let .rateLimited(retryAfter) {
                logger.warning("refused over the rate limit", metadata: ["code": "\(request.code)"])
                reply.retType = -1
                reply.retMsg = "Request frequency exceeds the limit of \(limiter?.limit.description ?? "") for Qot_GetShortInterest; "
                    + "retry in \(retryAfter.wholeMilliseconds) ms"
            } catch {
                logger.error("request failed: \(error)")
                reply.retType = -1
                reply.retMsg = "\(error)"
            }
            if let answer = try? OpenDFrame(protoID: frame.protoID, serial: frame.serial, message: reply) {
                channel.writeAndFlush(answer, promise: nil)
            }
        }
    }

    private func reply(to frame: OpenDFrame, context: ChannelHandlerContext, with message: some SwiftProtobuf.Message) {
        do {
            context.writeAndFlush(wrapOutboundOut(try OpenDFrame(protoID: frame.protoID, serial: frame.serial, message: message)), promise: nil)
        } catch {
            errorCaught(context: context, error: error)
        }
    }
}

/// Counts open connections against the limit, and numbers them for logs
/// and InitConnect's connID.
final class ConnectionCounter: Sendable {
    private let lastID = Atomic<UInt64>(0)
    private let current = Atomic<Int>(0)

    /// An id for a new connection, or nil when `limit` are open already.
    func open(limit: Int) -> UInt64? {
        guard current.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
            current.wrappingSubtract(1, ordering: .relaxed)
            return nil
        }
        return lastID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    func closed() {
        current.wrappingSubtract(1, ordering: .relaxed)
    }
}

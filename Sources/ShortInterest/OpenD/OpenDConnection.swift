import FoundationEssentials
import NIOCore
import NIOPosix
import OpenDProtocol
import SwiftProtobuf

/// One TCP connection to OpenD that has completed InitConnect and keeps itself alive.
final class OpenDConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<OpenDRequestHandler>
    private let health: ConnectionHealth
    private let replyTimeout: TimeAmount

    private init(channel: any Channel, handler: OpenDRequestHandler, replyTimeout: TimeAmount) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        self.health = handler.health
        self.replyTimeout = replyTimeout
    }

    /// False once the socket closed or the connection failed in any way.
    var isUsable: Bool { channel.isActive && !health.hasFailed }

    /// Opens a connection and completes InitConnect on it.
    static func connect(_ configuration: OpenDConfiguration, on eventLoop: any EventLoop) -> EventLoopFuture<OpenDConnection> {
        let maxBodyLength = configuration.maxBodyLength
        let rsaKey = configuration.encryption?.rsaKey
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let crypto = OpenDFrameCrypto(rsa: rsaKey)
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(OpenDFrameDecoder(maxBodyLength: maxBodyLength, crypto: crypto)),
                        MessageToByteHandler(OpenDFrameEncoder(crypto: crypto)),
                        OpenDRequestHandler(crypto: crypto)
                    )
                }
            }
        return bootstrap.connect(host: configuration.host, port: configuration.port)
            .flatMapErrorThrowing { error in
                if case ChannelError.connectTimeout = error {
                    throw ShortInterestError.timeout("connecting to OpenD at \(configuration.endpoint) took longer than \(configuration.connectTimeout)")
                }
                throw ShortInterestError.connectFailed("cannot connect to OpenD at \(configuration.endpoint): \(error)")
            }
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: OpenDRequestHandler.self)
                return OpenDConnection(channel: channel, handler: handler, replyTimeout: TimeAmount(configuration.replyTimeout))
            }
            .flatMap { (connection: OpenDConnection) -> EventLoopFuture<OpenDConnection> in
                connection.initConnect(clientID: configuration.clientID, encryption: configuration.encryption)
                    .map { connection }
                    .flatMapErrorThrowing { error in
                        connection.close(because: ShortInterestError.disconnected("InitConnect failed"))
                        throw error
                    }
            }
    }

    /// Sends `message` as proto `protoID` and waits for the matching reply.
    func request(protoID: UInt32, message: some SwiftProtobuf.Message) -> EventLoopFuture<OpenDFrame> {
        let body: ByteBuffer
        do {
            body = ByteBuffer(bytes: try message.serializedBytes() as [UInt8])
        } catch {
            return channel.eventLoop.makeFailedFuture(ShortInterestError.invalidArgument("cannot encode request: \(error)"))
        }
        let promise = channel.eventLoop.makePromise(of: OpenDFrame.self)
        channel.eventLoop.execute { [handler, replyTimeout] in
            handler.value.send(protoID: protoID, body: body, timeout: replyTimeout, promise: promise)
        }
        return promise.futureResult
    }

    /// Fails everything pending with `error` and closes the socket.
    func close(because error: ShortInterestError) {
        channel.eventLoop.execute { [handler] in
            handler.value.close(because: error)
        }
    }

    private func initConnect(clientID: String, encryption: OpenDEncryption?) -> EventLoopFuture<Void> {
        var hello = InitConnect_Request()
        hello.c2S.clientVer = 300
        hello.c2S.clientID = clientID
        hello.c2S.recvNotify = false
        let algorithm: Common_PacketEncAlgo
        switch encryption?.mode {
        case nil: algorithm = .none
        case .cbc?: algorithm = .aesCbc
        case .futuECB?: algorithm = .ftaesEcb
        }
        hello.c2S.packetEncAlgo = Int32(algorithm.rawValue)
        hello.c2S.pushProtoFmt = 0
        hello.c2S.programmingLanguage = "Swift"
        return request(protoID: ProtoID.initConnect, message: hello).flatMapThrowing { frame in
            let agreement = try InitConnectAgreement(reply: frame, encrypted: encryption != nil)
            if let cipher = agreement.bodyCipher {
                // Every body after this reply is AES-encrypted with the key it carries.
                self.handler.value.crypto.body = cipher
            }
            self.keepAlive(everySeconds: agreement.keepAliveInterval)
        }
    }

    /// Sends KeepAlive every 4/5 of OpenD's interval, as the public clients
    /// do, and drops the connection when one fails.
    private func keepAlive(everySeconds interval: Int32) {
        guard interval > 0 else { return }
        let period = TimeAmount.milliseconds(Int64(interval) * 800)
        let task = channel.eventLoop.scheduleRepeatedAsyncTask(initialDelay: period, delay: period) { _ in
            var ping = KeepAlive_Request()
            ping.c2S.time = Int64(Date().timeIntervalSince1970)
            return self.request(protoID: ProtoID.keepAlive, message: ping)
                .map { _ in }
                .flatMapErrorThrowing { error in
                    self.close(because: .disconnected("keep-alive failed: \(error)"))
                    throw error
                }
        }
        channel.closeFuture.whenComplete { _ in task.cancel() }
    }
}

extension OpenDFrame {
    /// The body as a reply message, with undecodable bodies reported as protocol errors.
    package func decodeReply<M: SwiftProtobuf.Message>(_ type: M.Type = M.self) throws(ShortInterestError) -> M {
        guard bodyFormat == OpenDFrame.protobufFormat else {
            throw .protocolError("reply to proto \(protoID) is in body format \(bodyFormat), not protobuf")
        }
        do {
            return try decode(M.self)
        } catch {
            throw .protocolError("undecodable reply to proto \(protoID): \(error)")
        }
    }
}

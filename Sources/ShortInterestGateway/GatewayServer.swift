import Logging
import NIOCore
import NIOPosix
import OpenDProtocol
import ShortInterest

/// An OpenD-compatible server: futu-api programs (and this library's own
/// client) connect to it as to OpenD and get short-interest pages from any
/// ``ShortInterestSource``, such as a local store.
///
///     let server = try await GatewayServer.start(source: store, configuration: .init(port: 11111))
///     try await server.closeFuture.get()
///
/// It speaks InitConnect, KeepAlive and Qot_GetShortInterest (3249), and
/// answers any other proto with retType -1 and a message.
public final class GatewayServer: Sendable {
    public struct Configuration: Sendable {
        /// Loopback unless told otherwise: the gateway serves whoever can reach it.
        public var host: String
        /// 0 picks a free port; ``GatewayServer/port`` tells which.
        public var port: Int
        /// Requests are tiny; a larger frame is refused and its connection closed.
        public var maxBodyLength: Int
        /// Told to clients in InitConnect (seconds).
        public var keepAliveInterval: Int32
        /// Connections beyond this many are closed as soon as they open.
        public var maxConnections: Int
        /// A connection that sends nothing for this long is closed. OpenD's
        /// clients send a KeepAlive every 4/5 of `keepAliveInterval`.
        public var idleTimeout: Duration
        /// A connection must send InitConnect within this time.
        public var handshakeTimeout: Duration
        /// Short-interest requests allowed per window across all connections,
        /// answered past it as OpenD does (retType -1, a frequency message), so
        /// that programs can rehearse against OpenD's limit; nil: unlimited.
        public var rateLimit: RateLimit?
        /// Requires and speaks protocol encryption with this key, as OpenD
        /// does when given one; nil serves in clear.
        public var rsaKey: OpenDRSAKey?

        public init(host: String = "127.0.0.1", port: Int = 11111, maxBodyLength: Int = 64 * 1024,
                    keepAliveInterval: Int32 = 10, maxConnections: Int = 1024,
                    idleTimeout: Duration = .seconds(60), handshakeTimeout: Duration = .seconds(10), rateLimit: RateLimit? = nil,
                    rsaKey: OpenDRSAKey? = nil) {
            self.host = host
            self.port = port
            self.maxBodyLength = maxBodyLength
            self.keepAliveInterval = keepAliveInterval
            self.maxConnections = maxConnections
            self.idleTimeout = idleTimeout
            self.handshakeTimeout = handshakeTimeout
            self.rateLimit = rateLimit
            self.rsaKey = rsaKey
        }
    }

    private let channel: any Channel
    /// The port the server listens on.
    public let port: Int

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    /// Binds and starts serving `source`.
    public static func start(source: any ShortInterestSource, configuration: Configuration = Configuration(),
                             logger: Logger = Logger(label: "shortinterest.gateway"),
                             eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> GatewayServer {
        let connections = ConnectionCounter()
        let limiter = configuration.rateLimit.map(SlidingWindowLimiter.init(limit:))
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard let id = connections.open(limit: configuration.maxConnections) else {
                    logger.warning("refused a connection: \(configuration.maxConnections) are open already")
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in connections.closed() }
                return channel.eventLoop.makeCompletedFuture {
                    var connectionLogger = logger
                    connectionLogger[metadataKey: "connection"] = "\(id)"
                    let crypto = OpenDFrameCrypto(rsa: configuration.rsaKey)
                    try channel.pipeline.syncOperations.addHandlers(
                        IdleStateHandler(readTimeout: TimeAmount(configuration.idleTimeout)),
                        ByteToMessageHandler(OpenDFrameDecoder(maxBodyLength: configuration.maxBodyLength, crypto: crypto)),
                        MessageToByteHandler(OpenDFrameEncoder(crypto: crypto)),
                        GatewayConnectionHandler(source: source, limiter: limiter, crypto: crypto, connectionID: id,
                                                 keepAliveInterval: configuration.keepAliveInterval,
                                                 handshakeTimeout: TimeAmount(configuration.handshakeTimeout), logger: connectionLogger)
                    )
                }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        let server = GatewayServer(channel: channel)
        logger.info("listening", metadata: ["address": "\(configuration.host):\(server.port)"])
        return server
    }

    /// Completes when the server has stopped.
    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Stops accepting connections.
    public func close() async {
        try? await channel.close()
    }
}

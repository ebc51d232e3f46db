import NIOCore
import NIOPosix
import OpenDProtocol
import Synchronization

/// A small OpenD-protocol server on loopback for tests: it answers InitConnect
/// and KeepAlive like OpenD, and short-interest requests as `behavior` says.
final class TestOpenDServer: Sendable {
    /// What the server does with one short-interest request.
    enum Action: Sendable {
        /// Send a frame whole.
        case send(OpenDFrame)
        /// Send a frame whole, later.
        case sendAfter(TimeAmount, OpenDFrame)
        /// Send a frame in one-byte writes.
        case sendOneByteAtATime(OpenDFrame)
        /// Send raw bytes as they are.
        case sendBytes([UInt8])
        /// Close the connection.
        case close
    }

    typealias Behavior = @Sendable (_ request: QotGetShortInterest_C2S, _ frame: OpenDFrame) -> [Action]

    let port: Int
    private let channel: any Channel
    private let counters: CountersBox

    struct Counters {
        var connections = 0
        var initConnects = 0
        var keepAlives = 0
        var shortInterestRequests = 0
    }

    /// Starts a server. `keepAliveInterval` is what InitConnect tells clients
    /// (seconds); a server that does not answer keep-alives still counts them.
    static func start(keepAliveInterval: Int32 = 10, answersKeepAlives: Bool = true,
                      behavior: @escaping Behavior = TestHistories.standard.answer) async throws -> TestOpenDServer {
        let box = CountersBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(OpenDFrameDecoder()),
                        ServerHandler(keepAliveInterval: keepAliveInterval, answersKeepAlives: answersKeepAlives,
                                      behavior: behavior, counters: box)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestOpenDServer(channel: channel, counters: box)
    }

    private init(channel: any Channel, counters: CountersBox) {
        self.channel = channel
        self.port = channel.localAddress!.port!
        self.counters = counters
    }

    /// What the server has seen so far.
    var counts: Counters { counters.counters.withLock { $0 } }

    func stop() async {
        try? await channel.close()
    }
}

final class CountersBox: Sendable {
    let counters = Mutex(TestOpenDServer.Counters())
}

/// One accepted connection of the test server.
private final class ServerHandler: ChannelInboundHandler {
    typealias InboundIn = OpenDFrame

    let keepAliveInterval: Int32
    let answersKeepAlives: Bool
    let behavior: TestOpenDServer.Behavior
    let counters: CountersBox

    init(keepAliveInterval: Int32, answersKeepAlives: Bool, behavior: @escaping TestOpenDServer.Behavior, counters: CountersBox) {
        self.keepAliveInterval = keepAliveInterval
        self.answersKeepAlives = answersKeepAlives
        self.behavior = behavior
        self.counters = counters
    }

    func channelActive(context: ChannelHandlerContext) {
        counters.counters.withLock { $0.connections += 1 }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        do {
            switch frame.protoID {
            case ProtoID.initConnect:
                counters.counters.withLock { $0.initConnects += 1 }
                var reply = InitConnect_Response()
                reply.retType = 0
                reply.s2C.serverVer = 1000
                reply.s2C.loginUserID = 1
                reply.s2C.connID = 7
                reply.s2C.connAeskey = "0123456789ABCDEF"
                reply.s2C.keepAliveInterval = keepAliveInterval
                send(try OpenDFrame(protoID: frame.protoID, serial: frame.serial, message: reply), context: context)
            case ProtoID.keepAlive:
                counters.counters.withLock { $0.keepAlives += 1 }
                guard answersKeepAlives else { return }
                let request: KeepAlive_Request = try frame.decode()
                var reply = KeepAlive_Response()
                reply.retType = 0
                reply.s2C.time = request.c2S.time
                send(try OpenDFrame(protoID: frame.protoID, serial: frame.serial, message: reply), context: context)
            case ProtoID.getShortInterest:
                counters.counters.withLock { $0.shortInterestRequests += 1 }
                let request: QotGetShortInterest_Request = try frame.decode()
                for action in behavior(request.c2S, frame) {
                    perform(action, context: context)
                }
            default:
                var reply = QotGetShortInterest_Response()
                reply.retType = -1
                reply.retMsg = "unknown proto \(frame.protoID)"
                send(try OpenDFrame(protoID: frame.protoID, serial: frame.serial, message: reply), context: context)
            }
        } catch {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func send(_ frame: OpenDFrame, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        frame.write(to: &buffer)
        context.writeAndFlush(NIOAny(buffer), promise: nil)
    }

    private func perform(_ action: TestOpenDServer.Action, context: ChannelHandlerContext) {
        switch action {
        case let .send(frame):
            send(frame, context: context)
        case let .sendAfter(delay, frame):
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: delay) {
                let (handler, context) = bound.value
                handler.send(frame, context: context)
            }
        case let .sendOneByteAtATime(frame):
            var encoded = context.channel.allocator.buffer(capacity: 64)
            frame.write(to: &encoded)
            while let byte = encoded.readSlice(length: 1) {
                context.writeAndFlush(NIOAny(byte), promise: nil)
            }
        case let .sendBytes(bytes):
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        case .close:
            context.close(promise: nil)
        }
    }
}

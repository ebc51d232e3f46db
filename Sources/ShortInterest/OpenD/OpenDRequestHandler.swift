import NIOCore
import OpenDProtocol
import Synchronization

/// Whether a connection has failed, readable from any thread: a failed
/// connection is still "active" while its socket closes, and must not be
/// handed to new requests in that window.
final class ConnectionHealth: Sendable {
    private let failed = Atomic(false)

    var hasFailed: Bool { failed.load(ordering: .acquiring) }

    func markFailed() { failed.store(true, ordering: .releasing) }
}

/// Matches replies to requests by serial number on one OpenD connection.
///
/// Lives on the channel's event loop. Frames that answer nothing pending
/// (pushes such as proto 1003, or replies that arrive after their timeout)
/// are dropped.
final class OpenDRequestHandler: ChannelInboundHandler {
    typealias InboundIn = OpenDFrame
    typealias OutboundOut = OpenDFrame

    private struct Pending {
        let protoID: UInt32
        let promise: EventLoopPromise<OpenDFrame>
        let timeout: Scheduled<Void>
    }

    let health = ConnectionHealth()
    /// The connection's encryption, switched to AES once InitConnect is answered.
    let crypto: OpenDFrameCrypto
    private var context: ChannelHandlerContext?
    private var pending: [UInt32: Pending] = [:]
    private var nextSerial: UInt32 = 1
    /// Set once the connection is unusable: why later requests fail.
    private var failure: ShortInterestError?

    init(crypto: OpenDFrameCrypto) {
        self.crypto = crypto
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(with: .disconnected("connection to OpenD closed"))
        self.context = nil
    }

    /// Sends one request; `promise` gets the reply, or a timeout after `timeout`.
    func send(protoID: UInt32, body: ByteBuffer, timeout: TimeAmount, promise: EventLoopPromise<OpenDFrame>) {
        guard let context, failure == nil, context.channel.isActive else {
            promise.fail(failure ?? ShortInterestError.disconnected("connection to OpenD closed"))
            return
        }
        let serial = nextSerial
        nextSerial = nextSerial == .max ? 1 : nextSerial + 1

        let timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard let expired = self.pending.removeValue(forKey: serial) else { return }
            expired.promise.fail(ShortInterestError.timeout("no reply to proto \(protoID) within \(Duration.nanoseconds(timeout.nanoseconds))"))
        }
        pending[serial] = Pending(protoID: protoID, promise: promise, timeout: timeoutTask)

        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(OpenDFrame(protoID: protoID, serial: serial, body: body)), promise: written)
        written.futureResult.assumeIsolated().whenFailure { error in
            self.complete(serial: serial, with: .failure(ShortInterestError.disconnected("could not send to OpenD: \(error)")))
        }
    }

    /// Fails every pending and future request with `error` and closes the channel.
    func close(because error: ShortInterestError) {
        fail(with: error)
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard pending[frame.serial]?.protoID == frame.protoID else { return }
        complete(serial: frame.serial, with: .success(frame))
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(with: .disconnected("connection closed by OpenD"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason: ShortInterestError
        if case let .cipherFailed(protoID, _, why) = error as? OpenDFrameError, protoID == ProtoID.initConnect {
            reason = .protocolError("InitConnect reply could not be decrypted: \(why) (does OpenD use this RSA key, or encryption at all?)")
        } else if case let .truncated(buffered) = error as? OpenDFrameError {
            reason = .disconnected("OpenD closed the connection inside a frame (\(buffered) bytes buffered)")
        } else if let frameError = error as? OpenDFrameError {
            reason = .protocolError(frameError.description)
        } else {
            reason = .disconnected("connection to OpenD failed: \(error)")
        }
        close(because: reason)
    }

    private func complete(serial: UInt32, with result: Result<OpenDFrame, any Error>) {
        guard let done = pending.removeValue(forKey: serial) else { return }
        done.timeout.cancel()
        done.promise.completeWith(result)
    }

    private func fail(with error: ShortInterestError) {
        health.markFailed()
        if failure == nil { failure = error }
        let failed = pending
        pending.removeAll()
        for request in failed.values {
            request.timeout.cancel()
            request.promise.fail(error)
        }
    }
}

import FoundationEssentials
import NIOCore
import NIOPosix
import OpenDProtocol
import SwiftProtobuf

/// One TCP connection to OpenD that has completed InitConnect, driven by the
/// threads that use it.
///
/// There is no I/O thread. A caller writes its own request, then waits for
/// its reply; one waiting caller at a time, the reader, reads the socket and
/// hands each reply it finds to the caller waiting for it, and once its own
/// has come it passes the reading on to another waiter. A blocked C or
/// Python thread thus does its own I/O, without a hop to another thread and
/// back, while requests of many threads are in flight on the connection at
/// once, told apart by serial number.
///
/// Frames that answer nothing pending (pushes such as proto 1003, replies
/// that come after their timeout) are dropped. Any failure of the stream
/// fails every pending request and the connection for good; the client then
/// opens another.
final class OpenDConnection: @unchecked Sendable {
    // Sendable by discipline: what can change is guarded by `monitor`, except
    // `inbound`, which only the reader touches, `outbound`, guarded by
    // `sending`, and `crypto`, whose body cipher is set before the
    // connection is handed to anyone.
    private let socket: OpenDSocket
    private let crypto: OpenDFrameCrypto
    private let maxBodyLength: Int
    private let replyTimeout: Duration

    private let monitor = Monitor()
    /// Requests sent and not yet answered, in no order. An array searched
    /// by serial: there are as many as threads sharing the connection, one
    /// or a few, and hashing a serial cost more than comparing them all.
    private var pending: [PendingReply] = []
    private var nextSerial: UInt32 = 1
    private var someoneIsReading = false
    private var failure: ShortInterestError?
    private var busyPolls: BusyPollPolicy
    private var keepAliveTask: RepeatedTask?
    /// The keep-alive sent last, while its reply is due.
    private var unansweredKeepAlive: (serial: UInt32, deadline: Deadline)?

    /// Bytes read and not yet a whole frame.
    private var inbound = ByteBuffer()
    /// The frame being sent, guarded by `sending`, which also keeps frames
    /// whole on the wire. A pthread mutex (Monitor), not Swift's `Mutex`,
    /// whose futex ThreadSanitizer cannot see.
    private var outbound = ByteBuffer()
    private let sending = Monitor()

    /// A request waiting for its reply.
    private final class PendingReply {
        let protoID: UInt32
        let serial: UInt32
        /// False for a keep-alive, which nobody waits for.
        let hasCaller: Bool
        var reply: OpenDFrame?
        /// Made when the caller first has to sleep.
        var wakeUp: Monitor.Condition?

        init(protoID: UInt32, serial: UInt32, hasCaller: Bool) {
            self.protoID = protoID
            self.serial = serial
            self.hasCaller = hasCaller
        }
    }

    private init(socket: OpenDSocket, crypto: OpenDFrameCrypto, configuration: OpenDConfiguration) {
        self.socket = socket
        self.crypto = crypto
        self.maxBodyLength = configuration.maxBodyLength
        self.replyTimeout = configuration.replyTimeout
        self.busyPolls = BusyPollPolicy(configuration.busyPoll)
    }

    /// False once the connection has failed in any way.
    var isUsable: Bool { monitor.withLock { failure == nil } }

    /// Opens a connection and completes InitConnect on it.
    static func open(_ configuration: OpenDConfiguration) throws(ShortInterestError) -> OpenDConnection {
        let socket: OpenDSocket
        do throws(SocketFailure) {
            socket = try OpenDSocket.open(host: configuration.host, port: configuration.port,
                                          until: .after(configuration.connectTimeout))
        } catch {
            switch error {
            case .timedOut:
                throw .timeout("connecting to OpenD at \(configuration.endpoint) took longer than \(configuration.connectTimeout)")
            case let .failed(reason):
                throw .connectFailed("cannot connect to OpenD at \(configuration.endpoint): \(reason)")
            }
        }
        let connection = OpenDConnection(socket: socket, crypto: OpenDFrameCrypto(rsa: configuration.encryption?.rsaKey),
                                         configuration: configuration)
        do {
            let reply = try connection.request(protoID: ProtoID.initConnect, body: encode(initConnect(configuration)))
            let agreement = try InitConnectAgreement(reply: reply, encrypted: configuration.encryption != nil)
            if let cipher = agreement.bodyCipher {
                // Every body after this reply is AES-encrypted with the key it carries.
                connection.crypto.body = cipher
            }
            connection.keepAlive(everySeconds: agreement.keepAliveInterval)
        } catch {
            connection.close(because: .disconnected("InitConnect failed"))
            throw error
        }
        return connection
    }

    private static func initConnect(_ configuration: OpenDConfiguration) -> InitConnect_Request {
        var hello = InitConnect_Request()
        hello.c2S.clientVer = 300
        hello.c2S.clientID = configuration.clientID
        hello.c2S.recvNotify = false
        let algorithm: Common_PacketEncAlgo
        switch configuration.encryption?.mode {
        case nil: algorithm = .none
        case .cbc?: algorithm = .aesCbc
        case .futuECB?: algorithm = .ftaesEcb
        }
        hello.c2S.packetEncAlgo = Int32(algorithm.rawValue)
        hello.c2S.pushProtoFmt = 0
        hello.c2S.programmingLanguage = "Swift"
        return hello
    }

    /// Sends `body` as proto `protoID` and waits, on the calling thread, for
    /// the matching reply (at most the reply timeout).
    func request(protoID: UInt32, body: ByteBuffer) throws(ShortInterestError) -> OpenDFrame {
        let deadline = Deadline.after(replyTimeout)
        let waiting = try monitor.withLock { () throws(ShortInterestError) in
            if let failure { throw failure }
            return register(protoID: protoID, hasCaller: true)
        }
        let sent = Deadline.now
        try send(OpenDFrame(protoID: protoID, serial: waiting.serial, body: body), until: deadline)
        return try reply(to: waiting, sent: sent, until: deadline)
    }

    /// Fails everything pending with `error` and ends the connection.
    func close(because error: ShortInterestError) {
        monitor.withLock { fail(with: error) }
    }

    private static func encode(_ message: some SwiftProtobuf.Message) throws(ShortInterestError) -> ByteBuffer {
        do {
            return ByteBuffer(bytes: try message.serializedBytes() as [UInt8])
        } catch {
            throw .invalidArgument("cannot encode request: \(error)")
        }
    }

    /// A pending request for `protoID` under the next serial number. Called
    /// with the monitor held.
    private func register(protoID: UInt32, hasCaller: Bool) -> PendingReply {
        let waiting = PendingReply(protoID: protoID, serial: nextSerial, hasCaller: hasCaller)
        nextSerial = nextSerial == .max ? 1 : nextSerial + 1
        pending.append(waiting)
        return waiting
    }

    /// Writes one frame whole; a frame that cannot be written ends the connection.
    private func send(_ frame: OpenDFrame, until deadline: Deadline) throws(ShortInterestError) {
        let encoder = OpenDFrameEncoder(crypto: crypto)
        let outcome: Result<Void, ShortInterestError> = sending.withLock {
            outbound.clear()
            do {
                try encoder.encode(data: frame, out: &outbound)
            } catch {
                return .failure(.protocolError("cannot encode proto \(frame.protoID): \(error)"))
            }
            return outbound.withUnsafeReadableBytes { bytes in
                do throws(SocketFailure) {
                    try socket.sendAll(bytes, until: deadline)
                    return .success(())
                } catch {
                    switch error {
                    case .timedOut:
                        return .failure(.timeout("sending proto \(frame.protoID) to OpenD took longer than \(replyTimeout)"))
                    case let .failed(reason):
                        return .failure(.disconnected("could not send to OpenD: \(reason)"))
                    }
                }
            }
        }
        if case let .failure(error) = outcome {
            // Part of the frame may be on the wire: the stream is no longer framed.
            throw monitor.withLock {
                fail(with: error)
                return failure ?? error
            }
        }
    }

    /// Waits for the reply to `waiting`, sent at `sent`, reading the socket
    /// whenever nobody else is.
    private func reply(to waiting: PendingReply, sent: Deadline, until deadline: Deadline) throws(ShortInterestError) -> OpenDFrame {
        monitor.lock()
        defer { monitor.unlock() }
        while true {
            if let reply = waiting.reply {
                busyPolls.record(roundTripNanoseconds: Deadline.now.nanoseconds - sent.nanoseconds)
                return reply
            }
            if let failure {
                throw failure
            }
            if deadline.hasPassed {
                forget(waiting.serial)
                throw .timeout("no reply to proto \(waiting.protoID) within \(replyTimeout)")
            }
            if someoneIsReading {
                let wakeUp = waiting.wakeUp ?? Monitor.Condition()
                waiting.wakeUp = wakeUp
                wakeUp.wait(in: monitor, until: deadline)
                continue
            }
            someoneIsReading = true
            // Only a caller alone polls (BusyPoll).
            let poll = pending.count == 1 ? busyPolls.startPoll() : nil
            let busyPollEnd = poll.map { min(Deadline.after(nanoseconds: $0), deadline) }
            let (frames, error) = readFrames(until: deadline, busyPollingUntil: busyPollEnd)
            if poll != nil { busyPolls.pollEnded() }
            someoneIsReading = false
            deliver(frames)
            if let error { fail(with: error) }
            if waiting.reply != nil || failure != nil || deadline.hasPassed {
                wakeNextReader()
            }
        }
    }

    /// Reads until at least one whole frame has arrived, the deadline has
    /// passed or the stream has failed; with no deadline, only what has
    /// arrived already. Called by the reader with the monitor held, which it
    /// releases while it reads.
    private func readFrames(until deadline: Deadline?,
                            busyPollingUntil busyPollEnd: Deadline? = nil) -> (frames: [OpenDFrame], error: ShortInterestError?) {
        monitor.unlock()
        defer { monitor.lock() }
        var frames: [OpenDFrame] = []
        while frames.isEmpty {
            do throws(SocketFailure) {
                switch try socket.receive(into: &inbound, until: deadline, busyPollingUntil: busyPollEnd) {
                case .bytes:
                    break
                case .nothing:
                    return (frames, nil)
                case .endOfStream:
                    let buffered = inbound.readableBytes
                    return (frames, .disconnected(buffered == 0 ? "connection closed by OpenD"
                                                                : "OpenD closed the connection inside a frame (\(buffered) bytes buffered)"))
                }
            } catch {
                return (frames, .disconnected("connection to OpenD failed: \(error)"))
            }
            do {
                while let frame = try OpenDFrameDecoder.decodeFrame(from: &inbound, maxBodyLength: maxBodyLength, crypto: crypto) {
                    frames.append(frame)
                }
            } catch {
                return (frames, Self.streamError(error))
            }
            inbound.discardReadBytes()
        }
        return (frames, nil)
    }

    private static func streamError(_ error: any Error) -> ShortInterestError {
        guard let frameError = error as? OpenDFrameError else {
            return .disconnected("connection to OpenD failed: \(error)")
        }
        if case let .cipherFailed(protoID, _, why) = frameError, protoID == ProtoID.initConnect {
            return .protocolError("InitConnect reply could not be decrypted: \(why) (does OpenD use this RSA key, or encryption at all?)")
        }
        return .protocolError(frameError.description)
    }

    /// Hands replies to their callers. Called with the monitor held.
    private func deliver(_ frames: [OpenDFrame]) {
        for frame in frames {
            guard let waiting = forget(frame.serial, ifAnswering: frame.protoID) else { continue }
            waiting.reply = frame
            waiting.wakeUp?.signal()
            if unansweredKeepAlive?.serial == frame.serial {
                unansweredKeepAlive = nil
            }
        }
    }

    /// Takes the request `serial` off the pending ones (when it is a request
    /// for `protoID`, if given) and returns it. Called with the monitor held.
    @discardableResult
    private func forget(_ serial: UInt32, ifAnswering protoID: UInt32? = nil) -> PendingReply? {
        guard let index = pending.firstIndex(where: { $0.serial == serial }),
              protoID.map({ $0 == pending[index].protoID }) ?? true else { return nil }
        pending.swapAt(index, pending.count - 1)
        return pending.removeLast()
    }

    /// Wakes a caller still waiting, so that it reads in place of the reader
    /// that stops. Called with the monitor held.
    private func wakeNextReader() {
        pending.first { $0.hasCaller && $0.reply == nil && $0.wakeUp != nil }?.wakeUp?.signal()
    }

    /// Fails every pending request with `error` (the first error stays the
    /// reason) and ends the connection. Called with the monitor held.
    private func fail(with error: ShortInterestError) {
        if failure == nil {
            failure = error
        }
        for waiting in pending {
            waiting.wakeUp?.signal()
        }
        pending.removeAll()
        keepAliveTask?.cancel()
        keepAliveTask = nil
        socket.shutDown()
    }

    /// Sends KeepAlive every 4/5 of OpenD's interval, as the public clients
    /// do, and drops the connection when one goes unanswered for the reply
    /// timeout.
    private func keepAlive(everySeconds interval: Int32) {
        guard interval > 0 else { return }
        let period = TimeAmount.milliseconds(Int64(interval) * 800)
        let task = MultiThreadedEventLoopGroup.singleton.next().scheduleRepeatedTask(initialDelay: period, delay: period) { [weak self] task in
            guard let self else {
                task.cancel()
                return
            }
            self.sendKeepAlive()
        }
        monitor.withLock {
            if failure == nil { keepAliveTask = task } else { task.cancel() }
        }
    }

    private func sendKeepAlive() {
        monitor.lock()
        guard failure == nil else {
            monitor.unlock()
            return
        }
        if !someoneIsReading {
            // Nobody waits for a reply, so nobody reads: take what has
            // arrived (earlier keep-alives' replies) before it piles up.
            someoneIsReading = true
            var drained: (frames: [OpenDFrame], error: ShortInterestError?)
            repeat {
                drained = readFrames(until: nil)
                deliver(drained.frames)
            } while !drained.frames.isEmpty && drained.error == nil
            someoneIsReading = false
            if let error = drained.error { fail(with: error) }
            wakeNextReader()
        }
        if let unanswered = unansweredKeepAlive {
            if unanswered.deadline.hasPassed {
                fail(with: .disconnected("OpenD did not answer a keep-alive within \(replyTimeout)"))
            }
            monitor.unlock()
            return
        }
        guard failure == nil else {
            monitor.unlock()
            return
        }
        let deadline = Deadline.after(replyTimeout)
        let serial = register(protoID: ProtoID.keepAlive, hasCaller: false).serial
        unansweredKeepAlive = (serial, deadline)
        monitor.unlock()
        var ping = KeepAlive_Request()
        ping.c2S.time = Int64(Date().timeIntervalSince1970)
        do {
            try send(OpenDFrame(protoID: ProtoID.keepAlive, serial: serial, body: Self.encode(ping)), until: deadline)
        } catch {
            // send has failed the connection already.
        }
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

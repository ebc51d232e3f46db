import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a socket operation did not complete.
enum SocketFailure: Error, Sendable {
    /// Its deadline passed first.
    case timedOut
    /// The system refused it; the text says why (`strerror`, or the resolver's message).
    case failed(String)

    init(errno code: Int32) {
        self = .failed(String(cString: strerror(code)))
    }
}

/// A TCP socket used from blocking threads: every wait is bounded by a
/// deadline, and a send never raises SIGPIPE in the host process.
///
/// ``shutDown()`` may be called from any thread while others are blocked on
/// the socket: they wake and see the end of the stream. The descriptor is
/// closed only when the last user has let go of the socket, so it is never
/// reused by the system under a thread still reading it.
final class OpenDSocket: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Connects to the first address of `host` that answers, trying each in
    /// turn until `deadline`.
    static func open(host: String, port: Int, until deadline: Deadline) throws(SocketFailure) -> OpenDSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var addresses: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &addresses)
        guard resolved == 0, let first = addresses else {
            throw .failed("cannot resolve \(host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(first) }
        var failure = SocketFailure.failed("no address for \(host)")
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next?.pointee {
            next = address.ai_next
            do {
                return try open(address, until: deadline)
            } catch .timedOut {
                throw .timedOut
            } catch {
                failure = error
            }
        }
        throw failure
    }

    private static func open(_ address: addrinfo, until deadline: Deadline) throws(SocketFailure) -> OpenDSocket {
        let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let descriptor = socket(address.ai_family, flags, address.ai_protocol)
        guard descriptor >= 0 else { throw SocketFailure(errno: errno) }
        let socket = OpenDSocket(descriptor: descriptor)
        if connect(descriptor, address.ai_addr, address.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw SocketFailure(errno: errno) }
            try socket.wait(for: Int16(POLLOUT), until: deadline)
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { throw SocketFailure(errno: errno) }
            guard error == 0 else { throw SocketFailure(errno: error) }
        }
        var noDelay: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        // From here on a receive may block (see receive(into:until:)), for at
        // most `receiveSliceNanoseconds` at a time; sends pass MSG_DONTWAIT.
        var slice = timeval(tv_sec: Int(receiveSliceNanoseconds / 1_000_000_000),
                            tv_usec: Int(receiveSliceNanoseconds % 1_000_000_000 / 1000))
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &slice, socklen_t(MemoryLayout<timeval>.size)) == 0,
              fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK) == 0 else {
            throw SocketFailure(errno: errno)
        }
        return socket
    }

    /// The longest a blocking receive waits before its caller looks at the
    /// deadline again (SO_RCVTIMEO): 100 ms. In nanoseconds, as Deadline
    /// counts, so that each receive compares two integers.
    private static let receiveSliceNanoseconds: Int64 = 100_000_000

    /// Sends all of `bytes`, or fails.
    func sendAll(_ bytes: UnsafeRawBufferPointer, until deadline: Deadline) throws(SocketFailure) {
        var sent = 0
        while sent < bytes.count {
            let count = send(descriptor, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            if count >= 0 {
                sent += count
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(for: Int16(POLLOUT), until: deadline)
            } else if errno != EINTR {
                throw SocketFailure(errno: errno)
            }
        }
    }

    enum Received {
        case bytes
        case endOfStream
        /// Nothing arrived by the deadline (or, without one, nothing was there).
        case nothing
    }

    /// Appends what has arrived to `buffer`, waiting for something until
    /// `deadline`; with no deadline, takes only what is there already.
    ///
    /// Until `busyPollEnd` (no later than `deadline`) the thread does not
    /// sleep: it asks the socket again and again, and so is running when the
    /// data arrives instead of being woken (see
    /// ``OpenDConfiguration/busyPoll``). Then, while the deadline is further
    /// off than the receive slice, the wait is in `recv` itself, which wakes
    /// straight into the data: waiting in `poll` first costs a system call
    /// more per reply. The last stretch waits in `poll`, which keeps the
    /// deadline to the millisecond.
    func receive(into buffer: inout ByteBuffer, until deadline: Deadline?,
                 busyPollingUntil busyPollEnd: Deadline? = nil) throws(SocketFailure) -> Received {
        while true {
            var flags = Int32(MSG_DONTWAIT)
            let busyPolling = busyPollEnd.map { !$0.hasPassed } ?? false
            if let deadline, !busyPolling {
                if deadline.nanosecondsLeft > Self.receiveSliceNanoseconds {
                    flags = 0
                } else {
                    do {
                        try wait(for: Int16(POLLIN), until: deadline)
                    } catch .timedOut {
                        return .nothing
                    }
                }
            }
            var result = 0
            var code: Int32 = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 16 * 1024) { space in
                result = recv(descriptor, space.baseAddress, space.count, flags)
                code = errno
                return max(result, 0)
            }
            if result > 0 { return .bytes }
            if result == 0 { return .endOfStream }
            if code == EAGAIN || code == EWOULDBLOCK {
                // Nothing came: a slice has passed, or nothing was there (yet, when polling).
                if deadline == nil { return .nothing }
                // A poller gives way to any thread waiting for its CPU, such
                // as the server that is to answer, when both share one core.
                if busyPolling { sched_yield() }
            } else if code != EINTR {
                throw SocketFailure(errno: code)
            }
        }
    }

    /// Ends the connection in both directions; threads blocked on it wake.
    func shutDown() {
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Waits until the socket is ready for `events` (or has failed or hung
    /// up, which the next send or receive then reports).
    private func wait(for events: Int16, until deadline: Deadline) throws(SocketFailure) {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, deadline.pollMilliseconds)
            if ready > 0 { return }
            if ready == 0 {
                if deadline.hasPassed { throw .timedOut }
            } else if errno != EINTR {
                throw SocketFailure(errno: errno)
            }
        }
    }
}

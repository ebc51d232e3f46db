public import OpenDProtocol

/// Protocol encryption, for an OpenD configured with an RSA key: InitConnect
/// travels RSA-encrypted, later bodies AES-encrypted with the key OpenD
/// returns.
public struct OpenDEncryption: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        /// AES-128-CBC, as futu-api asks for.
        case cbc
        /// Futu's AES-ECB variant.
        case futuECB
    }

    /// The private key OpenD was given (PEM; 1024-bit keys are accepted).
    public var rsaKey: OpenDRSAKey
    public var mode: Mode

    public init(rsaKey: OpenDRSAKey, mode: Mode = .cbc) {
        self.rsaKey = rsaKey
        self.mode = mode
    }
}

/// Where an ``OpenDClient`` finds OpenD, and how long it waits.
public struct OpenDConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The longest wait for the TCP connection to open.
    public var connectTimeout: Duration
    /// The longest wait for the reply to any one request, InitConnect included.
    public var replyTimeout: Duration
    /// Sent in InitConnect; OpenD shows it in its connection list.
    public var clientID: String
    /// Frames announcing a larger body are refused before any of it is read.
    public var maxBodyLength: Int
    /// Short-interest requests allowed per window, shared by every client of
    /// the same OpenD in this process; nil sends without limit.
    public var rateLimit: RateLimit?
    /// Whether a request past the limit waits for a slot or fails at once.
    public var rateLimitMode: RateLimitMode
    /// The longest a request waits for a slot in ``RateLimitMode/wait`` mode.
    public var rateLimitMaxWait: Duration
    /// How often a request answered with OpenD's frequency error is sent
    /// again (after a pause) before the error reaches the caller.
    public var frequencyRetries: Int
    /// Encrypts the connection; nil talks in clear, as OpenD does by default.
    public var encryption: OpenDEncryption?
    /// Whether a caller waiting alone for its reply keeps asking the socket
    /// for a while before it sleeps (``BusyPoll``; adaptive by default).
    public var busyPoll: BusyPoll

    public init(host: String = "127.0.0.1", port: Int = 11111,
                connectTimeout: Duration = .seconds(5), replyTimeout: Duration = .seconds(10),
                clientID: String = "shortinterest", maxBodyLength: Int = OpenDFrameDecoder.defaultMaxBodyLength,
                rateLimit: RateLimit? = .openD, rateLimitMode: RateLimitMode = .wait,
                rateLimitMaxWait: Duration = .seconds(60), frequencyRetries: Int = 3, encryption: OpenDEncryption? = nil,
                busyPoll: BusyPoll = .adaptive) {
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.clientID = clientID
        self.maxBodyLength = maxBodyLength
        self.rateLimit = rateLimit
        self.rateLimitMode = rateLimitMode
        self.rateLimitMaxWait = rateLimitMaxWait
        self.frequencyRetries = frequencyRetries
        self.encryption = encryption
        self.busyPoll = busyPoll
    }

    /// Refuses settings that could never work, naming the first one wrong.
    public func validate() throws(ShortInterestError) {
        guard !host.isEmpty else { throw .invalidArgument("OpenD host is empty") }
        guard (1...65535).contains(port) else { throw .invalidArgument("OpenD port \(port) is not in 1...65535") }
        guard connectTimeout > .zero else { throw .invalidArgument("connect timeout must be positive") }
        guard replyTimeout > .zero else { throw .invalidArgument("reply timeout must be positive") }
        guard maxBodyLength >= 1024 else { throw .invalidArgument("maximum body length must be at least 1024 bytes") }
        if let rateLimit, rateLimit.requests < 1 || rateLimit.window <= .zero {
            throw .invalidArgument("rate limit \(rateLimit) must allow at least 1 request in a positive window")
        }
        guard rateLimitMaxWait >= .zero else { throw .invalidArgument("rate-limit wait must not be negative") }
        guard (0...10).contains(frequencyRetries) else { throw .invalidArgument("frequency retries must be in 0...10") }
        if case let .fixed(poll) = busyPoll, !(poll > .zero && poll <= BusyPoll.maxFixed) {
            throw .invalidArgument("a fixed busy poll must be longer than 0 and at most \(BusyPoll.maxFixed), not \(poll)")
        }
    }

    var endpoint: String { "\(host):\(port)" }
}

/// How a caller that waits alone for its reply (no other thread's request
/// pending on its connection) waits: it may ask the socket again and again
/// for a while, so that it is running when the reply comes, instead of
/// sleeping at once and having to be woken.
///
/// On a virtual machine that wake-up is much of a loopback round trip: one
/// thread calling a gateway on the same machine in a loop made 2.4 times
/// the calls per second from C and 1.3 to 1.4 times the DataFrame calls
/// from Python polling adaptively (BENCHMARKS.md), for a little more CPU a
/// call. A poller yields its CPU to any thread waiting for it (with the
/// server on the caller's one core, about as many calls as sleeping), and
/// no more callers of the process poll adaptively at once than it has
/// cores less one (at least one), so that they do not take the CPU from
/// each other or from the server they wait for.
public enum BusyPoll: Sendable, Hashable {
    /// Sleeps at once.
    case off
    /// Polls only while this connection's replies have been coming back
    /// fast (typically within ``adaptiveCeiling``, as from a server on the
    /// same machine or LAN), for up to twice their typical round trip; a
    /// server farther away is never polled for. The default: it costs a
    /// caller at most twice a short round trip of CPU a call.
    case adaptive
    /// Polls for this long whatever the round trips, then sleeps; at most
    /// ``maxFixed``.
    case fixed(Duration)

    /// Longer fixed polls only burn CPU: a reply that takes longer is not a
    /// loopback or LAN reply.
    public static let maxFixed = Duration.milliseconds(10)
    /// Adaptive polling stops while the typical round trip is longer.
    public static let adaptiveCeiling = Duration.microseconds(500)
}

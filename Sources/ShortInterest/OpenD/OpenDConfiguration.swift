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
    /// How long a caller waiting alone for its reply keeps asking the socket
    /// before it sleeps; zero (the default) sleeps at once.
    ///
    /// A thread that sleeps must be woken when the reply comes, and on a
    /// virtual machine that wake-up is much of a loopback round trip: with
    /// 200 µs, one thread calling a gateway on the same machine in a loop
    /// made about 3 times the calls per second (BENCHMARKS.md), for the CPU
    /// spent polling, at most this long a call. A caller that is not alone
    /// (other threads' requests pending on the connection) never polls, so
    /// threads do not take the CPU from each other, and a poller yields its
    /// CPU to any thread waiting for it (with the server on the caller's one
    /// core, about as many calls as sleeping). At most ``maxBusyPoll``.
    public var busyPoll: Duration
    /// Longer polls only burn CPU: a reply that takes longer is not a
    /// loopback or LAN reply.
    public static let maxBusyPoll = Duration.milliseconds(10)

    public init(host: String = "127.0.0.1", port: Int = 11111,
                connectTimeout: Duration = .seconds(5), replyTimeout: Duration = .seconds(10),
                clientID: String = "shortinterest", maxBodyLength: Int = OpenDFrameDecoder.defaultMaxBodyLength,
                rateLimit: RateLimit? = .openD, rateLimitMode: RateLimitMode = .wait,
                rateLimitMaxWait: Duration = .seconds(60), frequencyRetries: Int = 3, encryption: OpenDEncryption? = nil,
                busyPoll: Duration = .zero) {
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
        guard busyPoll >= .zero, busyPoll <= Self.maxBusyPoll else {
            throw .invalidArgument("busy poll \(busyPoll) is not in 0...\(Self.maxBusyPoll)")
        }
    }

    var endpoint: String { "\(host):\(port)" }
}

import ArgumentParser
import Logging
import OpenDProtocol
import NIOCore
import NIOPosix
import ShortInterest
import ShortInterestGateway

#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve short-interest history over OpenD's protocol, for futu-api programs."
    )

    @Option(help: "Address to listen on; loopback unless told otherwise.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 11111

    @Option(name: .customLong("max-connections"), help: "Connections beyond this many are refused.")
    var maxConnections = 1024

    @Option(name: .customLong("idle-timeout"), help: "Seconds of silence after which a connection is closed.")
    var idleTimeout = 60

    @Option(name: .customLong("event-loops"),
            help: "Threads serving connections, each connection on one of them. (default: one per CPU)")
    var eventLoops: Int?

    @Option(name: .customLong("rate-limit"), help: "Answer short-interest requests past this rate (e.g. 30/30s) as OpenD does.")
    var rateLimit: String?

    @Option(name: .customLong("rsa-key"), help: "Require protocol encryption with this RSA private key (PEM), as OpenD does.")
    var rsaKey: String?

    @Flag(name: .customLong("log-requests"), help: "Log every request (by default: connections and errors only).")
    var logRequests = false

    @OptionGroup var source: SourceOptions

    func run() async throws {
        let level: Logger.Level = logRequests ? .debug : .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        guard maxConnections > 0, idleTimeout > 0 else {
            throw ValidationError("--max-connections and --idle-timeout must be positive")
        }
        guard eventLoops.map({ $0 > 0 }) ?? true else {
            throw ValidationError("--event-loops must be positive")
        }
        let eventLoopGroup: any EventLoopGroup = eventLoops.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) }
            ?? MultiThreadedEventLoopGroup.singleton
        let configuration = GatewayServer.Configuration(host: host, port: port, maxConnections: maxConnections,
                                                        idleTimeout: .seconds(idleTimeout),
                                                        rateLimit: try rateLimit.map { try RateLimit(parsing: $0) },
                                                        rsaKey: try rsaKey.map { try OpenDRSAKey(contentsOfFile: $0) })
        let server = try await GatewayServer.start(source: try await source.makeSource(), configuration: configuration,
                                                   eventLoopGroup: eventLoopGroup)
        // Scripts wait for this line to learn the port.
        print("listening on \(host):\(server.port)")
        fflush(nil)
        try await server.closeFuture.get()
    }
}

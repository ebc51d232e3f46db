import ArgumentParser
import Logging
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

    @OptionGroup var source: SourceOptions

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let server = try await GatewayServer.start(source: try await source.makeSource(),
                                                   configuration: GatewayServer.Configuration(host: host, port: port))
        // Scripts wait for this line to learn the port.
        print("listening on \(host):\(server.port)")
        fflush(nil)
        try await server.closeFuture.get()
    }
}

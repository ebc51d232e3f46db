import ArgumentParser
import FoundationEssentials
import OpenDProtocol
import ShortInterest
import ShortInterestStore

/// Where answers come from: a live OpenD, or local data.
struct SourceOptions: ParsableArguments {
    @Option(name: .customLong("opend"), help: "OpenD address, HOST:PORT (default 127.0.0.1:11111).")
    var openD: String?

    @Option(name: .customLong("rate-limit"), help: "Requests allowed to OpenD per window, e.g. 30/30s (OpenD's own limit), or none.")
    var rateLimit = RateLimit.openD.description

    @Option(name: .customLong("rate-limit-mode"), help: "wait (for a free slot) or fail-fast.")
    var rateLimitMode: RateLimitModeArgument = .wait

    @Option(name: .customLong("rsa-key"), help: "Encrypt the OpenD protocol with this RSA private key (PEM), the one OpenD was given.")
    var rsaKey: String?

    @Option(help: "With --rsa-key: cbc (as futu-api) or ecb (Futu's AES-ECB variant).")
    var encryption: EncryptionArgument = .cbc

    @Option(help: "Keep OpenD's answers in this store, so that repeating a request within --cache-ttl costs no OpenD request.")
    var cache: String?

    @Option(name: .customLong("cache-ttl"), help: "Seconds an answer stays fresh in --cache.")
    var cacheTTL = 3600

    @Option(help: "A store filled by `shortinterest ingest`.")
    var store: String?

    @Option(help: "A JSON fixture of code → rows (futu-api's field names), served from memory.")
    var fixture: String?

    func validate() throws {
        if [openD, store, fixture].compactMap({ $0 }).count > 1 {
            throw ValidationError("--opend, --store and --fixture are alternatives: give one")
        }
        if cache != nil && (store != nil || fixture != nil) {
            throw ValidationError("--cache keeps OpenD's answers: it goes with --opend, not --store or --fixture")
        }
        if cacheTTL < 1 { throw ValidationError("--cache-ttl must be at least 1 second") }
    }

    func makeSource() async throws -> any ShortInterestSource {
        if let fixture {
            let bytes: Data
            do {
                bytes = try Data(contentsOf: URL(filePath: fixture))
            } catch {
                throw ValidationError("cannot read fixture \(fixture): \(error)")
            }
            return try InMemorySource(fixture: bytes)
        }
        var configuration = OpenDConfiguration()
        configuration.rateLimit = rateLimit == "none" ? nil : try RateLimit(parsing: rateLimit)
        configuration.rateLimitMode = rateLimitMode == .wait ? .wait : .failFast
        if let rsaKey {
            configuration.encryption = OpenDEncryption(rsaKey: try OpenDRSAKey(contentsOfFile: rsaKey),
                                                       mode: encryption == .cbc ? .cbc : .futuECB)
        }
        if let openD {
            guard let colon = openD.lastIndex(of: ":"), let port = Int(openD[openD.index(after: colon)...]) else {
                throw ValidationError("--opend takes HOST:PORT, e.g. 127.0.0.1:11111")
            }
            configuration.host = String(openD[..<colon])
            configuration.port = port
        }
        let settings = SourceConfiguration(openD: configuration, storePath: store, cachePath: cache,
                                           cacheTimeToLive: .seconds(cacheTTL))
        return try await settings.openSource()
    }
}

enum RateLimitModeArgument: String, ExpressibleByArgument, CaseIterable {
    case wait
    case failFast = "fail-fast"
}

enum EncryptionArgument: String, ExpressibleByArgument, CaseIterable {
    case cbc, ecb
}

import ShortInterest

/// Where answers come from, as a user configures it: OpenD (optionally
/// through a cache), or a local store.
///
///     var settings = SourceConfiguration()
///     settings.openD.port = 11111
///     settings.cachePath = "cache.sqlite"
///     let source = try await settings.openSource()
public struct SourceConfiguration: Sendable {
    public var openD: OpenDConfiguration
    /// Read this store (made by `shortinterest ingest`) instead of asking OpenD.
    public var storePath: String?
    /// Keep OpenD's answers in this store (created if missing) for `cacheTimeToLive`.
    public var cachePath: String?
    public var cacheTimeToLive: Duration

    public init(openD: OpenDConfiguration = OpenDConfiguration(), storePath: String? = nil,
                cachePath: String? = nil, cacheTimeToLive: Duration = .seconds(3600)) {
        self.openD = openD
        self.storePath = storePath
        self.cachePath = cachePath
        self.cacheTimeToLive = cacheTimeToLive
    }

    /// Opens the configured source. A store is opened now (so a missing one
    /// fails here); OpenD is connected to on the first request.
    public func openSource() async throws(ShortInterestError) -> any ShortInterestSource {
        if let storePath {
            return try await ShortInterestStore.open(path: storePath)
        }
        let client = try OpenDClient(configuration: openD)
        guard let cachePath else { return client }
        guard cacheTimeToLive >= .seconds(1) else { throw .invalidArgument("cache time to live must be at least 1 second") }
        return CachedSource(upstream: client, cache: try await ShortInterestStore.open(path: cachePath, create: true),
                            timeToLive: cacheTimeToLive)
    }
}

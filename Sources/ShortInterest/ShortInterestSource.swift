/// Something that answers short-interest page requests: an OpenD gateway
/// (``OpenDClient``) or, later, a local store.
///
/// Requests reach a source already validated; ``page(_:)`` answers the page
/// past the end of a history itself, so sources never see it.
public protocol ShortInterestSource: Sendable {
    /// Fetches one page. `request.isPastEnd` is always false here.
    func fetchPage(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage

    /// Releases the source's resources. Pending and later requests fail with
    /// ``ShortInterestError/disconnected(_:)``. Closing twice is harmless.
    func close() async

    /// Where tasks that call this source run best (an OpenD client's own
    /// event loop), or nil for no preference.
    var preferredExecutor: (any TaskExecutor)? { get }
}

extension ShortInterestSource {
    public var preferredExecutor: (any TaskExecutor)? { nil }
}

/// A source that answers from local data on the calling thread, without
/// waiting for a network or another thread: a local store.
///
/// Callers that block anyway, such as the C ABI, ask it through
/// ``pageSynchronously(_:)`` and skip the hop to an event loop and back.
public protocol SynchronousShortInterestSource: ShortInterestSource {
    /// Fetches one page now. `request.isPastEnd` is always false here.
    func fetchPageSynchronously(_ request: PageRequest) throws(ShortInterestError) -> ShortInterestPage
}

extension SynchronousShortInterestSource {
    public func fetchPage(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage {
        try fetchPageSynchronously(request)
    }

    /// ``ShortInterestSource/page(_:)``, answered on the calling thread.
    public func pageSynchronously(_ request: PageRequest) throws(ShortInterestError) -> ShortInterestPage {
        request.isPastEnd ? ShortInterestPage(code: request.code) : try fetchPageSynchronously(request)
    }
}

extension ShortInterestSource {
    /// One page of history.
    ///
    ///     let page = try await client.page(PageRequest(code: "HK.00700", num: 20))
    ///     for row in page.hkRows { print(row.timestampString ?? "?", row.aggregatedShort ?? 0) }
    ///
    /// A request whose next key is `"-1"` gets an empty page with next key
    /// `"-1"` and sends nothing.
    public func page(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage {
        if request.isPastEnd {
            return ShortInterestPage(code: request.code)
        }
        return try await fetchPage(request)
    }

    /// One page of history, with futu-api's arguments.
    public func page(code: String, nextKey: String? = nil, num: Int? = nil) async throws(ShortInterestError) -> ShortInterestPage {
        try await page(PageRequest(code: code, nextKey: nextKey, num: num))
    }
}

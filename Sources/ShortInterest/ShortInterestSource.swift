/// Something that answers short-interest page requests: an OpenD gateway
/// (``OpenDClient``) or a local store.
///
/// Requests reach a source already validated; ``page(_:)`` answers the page
/// past the end of a history itself, so sources never see it.
public protocol ShortInterestSource: Sendable {
    /// Fetches one page. `request.isPastEnd` is always false here.
    func fetchPage(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage

    /// Releases the source's resources. Pending and later requests fail with
    /// ``ShortInterestError/disconnected(_:)``. Closing twice is harmless.
    func close() async
}

/// A source that can answer on the calling thread, without handing the
/// request to another thread: a local store reads its file, an OpenD client
/// does its own I/O.
///
/// Callers that block anyway, such as the C ABI, ask it through
/// ``pageSynchronously(_:)`` and skip the hop to another thread and back.
/// Its default ``ShortInterestSource/fetchPage(_:)`` answers in the calling
/// task, for sources that never wait long; a source that does (OpenD)
/// implements it itself.
public protocol SynchronousShortInterestSource: ShortInterestSource {
    /// Fetches one page, blocking the calling thread until it is there.
    /// `request.isPastEnd` is always false here.
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

extension ShortInterestSource {
    /// Every page of `code`'s history, newest first, as one page whose next
    /// key is where reading stopped: `"-1"` when the history is complete.
    ///
    /// Reading stops after `maxPages` pages; the caller sees that from the
    /// returned next key (not `"-1"`), never as a silent truncation.
    public func wholeHistory(code: SecurityCode, pageSize: Int = PageRequest.pageSizes.upperBound,
                             maxPages: Int = 10_000) async throws(ShortInterestError) -> ShortInterestPage {
        var whole = ShortInterestPage(code: code, nextKey: "")
        var nextKey: String? = nil
        for _ in 0..<maxPages {
            let page = try await self.page(PageRequest(code: code, nextKey: nextKey, num: pageSize))
            whole.usRows += page.usRows
            whole.hkRows += page.hkRows
            whole.nextKey = page.nextKey
            if page.isLast { break }
            nextKey = page.nextKey
        }
        return whole
    }
}

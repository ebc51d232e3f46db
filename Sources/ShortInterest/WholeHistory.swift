extension ShortInterestSource {
    /// Every page of `code`'s history, newest first, as one page whose next
    /// key is where reading stopped: `"-1"` when the history is complete.
    ///
    /// Reading stops after `maxPages` pages; the caller sees that from the
    /// returned next key (not `"-1"`, see ``ShortInterestPage/isLast``),
    /// never as a silent truncation.
    public func wholeHistory(code: SecurityCode, pageSize: Int = PageRequest.pageSizes.upperBound,
                             maxPages: Int = 10_000) async throws(ShortInterestError) -> ShortInterestPage {
        guard maxPages >= 1 else { throw .invalidArgument("max pages \(maxPages) must be at least 1") }
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

    /// The whole histories of many codes. A code that fails (malformed,
    /// unknown, or OpenD refusing) fails alone; the others are still answered.
    ///
    ///     let results = await client.wholeHistories(codes: ["HK.00700", "US.AAPL"]) { progress in
    ///         print("\(progress.codesDone)/\(progress.codeCount) \(progress.code)")
    ///     }
    ///
    /// - Parameters:
    ///   - concurrency: codes fetched at once; a rate limit still spaces the
    ///     requests, so more only helps against latency.
    ///   - progress: called once per code as it finishes, one call at a time.
    /// - Returns: one result per code, in the order of `codes`.
    public func wholeHistories(codes: [String], pageSize: Int = PageRequest.pageSizes.upperBound, maxPages: Int = 10_000,
                               concurrency: Int = 4,
                               progress: @Sendable (HistoryProgress) -> Void = { _ in }) async -> [Result<ShortInterestPage, ShortInterestError>] {
        var results = [Result<ShortInterestPage, ShortInterestError>?](repeating: nil, count: codes.count)
        await withTaskGroup(of: (Int, Result<ShortInterestPage, ShortInterestError>).self) { group in
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask {
                    do throws(ShortInterestError) {
                        let code = try SecurityCode(codes[index])
                        return (index, .success(try await self.wholeHistory(code: code, pageSize: pageSize, maxPages: maxPages)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            while next < min(max(concurrency, 1), codes.count) { start() }
            var done = 0
            for await (index, result) in group {
                results[index] = result
                done += 1
                progress(HistoryProgress(code: codes[index], codesDone: done, codeCount: codes.count, result: result))
                if next < codes.count { start() }
            }
        }
        return results.map { $0! }
    }
}

/// One code of a ``ShortInterestSource/wholeHistories(codes:pageSize:maxPages:concurrency:progress:)`` call has finished.
public struct HistoryProgress: Sendable {
    public var code: String
    public var codesDone: Int
    public var codeCount: Int
    public var result: Result<ShortInterestPage, ShortInterestError>
}

import FoundationEssentials

/// Histories held in memory, answered with OpenD's paging: newest first,
/// `nextKey` the offset of the next row, `"-1"` after the last page.
///
/// Useful for tests and fixtures, and as the model a persistent store follows.
///
///     let source = try InMemorySource(fixture: Data(contentsOf: URL(filePath: "fixture.json")))
///     let page = try await source.page(code: "HK.00700")
public struct InMemorySource: ShortInterestSource {
    public struct History: Sendable, Equatable {
        public var usRows: [USShortInterestRow]
        public var hkRows: [HKShortInterestRow]

        public init(usRows: [USShortInterestRow] = [], hkRows: [HKShortInterestRow] = []) {
            self.usRows = usRows
            self.hkRows = hkRows
        }
    }

    public let histories: [SecurityCode: History]

    public init(histories: [SecurityCode: History]) {
        self.histories = histories
    }

    /// Reads a fixture: a JSON object mapping codes to their rows, newest
    /// first, with futu-api's field names; a field left out is absent.
    ///
    ///     {"HK.00700": [{"timestamp": 1777478400, "timestamp_str": "2026-04-30",
    ///                    "aggregated_short": 51480638, "close_price": 467.8}]}
    public init(fixture: Data) throws(ShortInterestError) {
        let raw: [String: [JSONRow]]
        do {
            raw = try JSONDecoder().decode([String: [JSONRow]].self, from: fixture)
        } catch {
            throw .invalidArgument("fixture is not a JSON object of code → rows: \(error)")
        }
        var histories: [SecurityCode: History] = [:]
        for (text, rows) in raw {
            let code = try SecurityCode(text)
            histories[code] = code.market == .us
                ? History(usRows: rows.map(\.usRow))
                : History(hkRows: rows.map(\.hkRow))
        }
        self.histories = histories
    }

    public func fetchPage(_ request: PageRequest) async throws(ShortInterestError) -> ShortInterestPage {
        guard let history = histories[request.code] else {
            throw .rejected(retType: -1, errCode: nil, message: "unknown stock \(request.code)")
        }
        let count = max(history.usRows.count, history.hkRows.count)
        let start: Int
        if let key = request.nextKey {
            guard let offset = Int(key), (0...count).contains(offset) else {
                throw .invalidArgument("next_key \"\(key)\" was not issued for \(request.code)")
            }
            start = offset
        } else {
            start = 0
        }
        let end = min(start + request.pageSize, count)
        return ShortInterestPage(
            code: request.code,
            usRows: Array(history.usRows[min(start, history.usRows.count)..<min(end, history.usRows.count)]),
            hkRows: Array(history.hkRows[min(start, history.hkRows.count)..<min(end, history.hkRows.count)]),
            nextKey: end < count ? String(end) : PageRequest.endKey
        )
    }

    public func close() async {}
}


/// A validated request for one page of short-interest history.
public struct PageRequest: Sendable, Hashable {
    /// The page size OpenD uses when none is given.
    public static let defaultPageSize = 10
    /// The page sizes OpenD accepts.
    public static let pageSizes = 1...50
    /// The next key that marks the end of a history.
    public static let endKey = "-1"

    public let code: SecurityCode
    /// Where the page starts: nil for the newest rows, otherwise the `nextKey`
    /// of the previous page.
    public let nextKey: String?
    public let pageSize: Int

    /// Validates a request the way users write it (`get_short_interest(code, next_key, num)`).
    ///
    /// An empty `nextKey` means the first page, as in futu-api; `num` defaults to 10.
    ///
    /// - Throws: ``ShortInterestError/invalidArgument(_:)`` for a bad code or a
    ///   page size outside 1...50.
    public init(code: String, nextKey: String? = nil, num: Int? = nil) throws(ShortInterestError) {
        try self.init(code: SecurityCode(code), nextKey: nextKey, num: num)
    }

    public init(code: SecurityCode, nextKey: String? = nil, num: Int? = nil) throws(ShortInterestError) {
        let pageSize = num ?? Self.defaultPageSize
        guard Self.pageSizes.contains(pageSize) else {
            throw .invalidArgument("num \(pageSize) is out of range: a page holds 1 to 50 rows")
        }
        self.code = code
        self.nextKey = (nextKey?.isEmpty ?? true) ? nil : nextKey
        self.pageSize = pageSize
    }

    /// True when the request continues past the last page: it has an empty answer.
    public var isPastEnd: Bool { nextKey == Self.endKey }
}

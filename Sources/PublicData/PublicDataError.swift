/// Why a public file was refused, pointing at the exact line, so a user can
/// open the file and see the cell. The ingester stops on the first one: a
/// half-read settlement would silently replace a complete one.
public struct PublicDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file name given to the parser (usually the base name, e.g. `shrt20260430.csv`).
    public let file: String
    /// 1-based physical line; the header is line 1. 0 when the file could not be read at all.
    public let line: Int
    /// What was wrong, quoting the offending cell.
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `shrt20260430.csv:17: currentShortPositionQuantity "12x" is not a whole number`
    public var description: String { "\(file):\(line): \(reason)" }
}

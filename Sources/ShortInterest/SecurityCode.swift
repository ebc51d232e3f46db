/// The markets whose short-interest history this library serves.
public enum Market: String, Sendable, Hashable, CaseIterable {
    case hk = "HK"
    case us = "US"

    /// The market number OpenD uses in `Qot_Common.Security` (1 = HK securities, 11 = US securities).
    public var openDNumber: Int32 {
        switch self {
        case .hk: return 1
        case .us: return 11
        }
    }

    public init?(openDNumber: Int32) {
        guard let market = Market.allCases.first(where: { $0.openDNumber == openDNumber }) else { return nil }
        self = market
    }
}

/// A security as users write it: `MARKET.SYMBOL`, such as `HK.00700` or `US.BRK.B`.
///
/// The string splits at its first dot, so `US.BRK.B` is the US symbol `BRK.B`
/// (and `US..DJI` the symbol `.DJI`), as futu-api splits it.
public struct SecurityCode: Sendable, Hashable, CustomStringConvertible {
    public let market: Market
    public let symbol: String
    /// `MARKET.SYMBOL`, kept whole: every page and many messages show it.
    public let description: String

    /// The longest symbol accepted; real ones are far shorter.
    public static let maxSymbolLength = 32

    /// Parses and validates `code`.
    ///
    /// - Throws: ``ShortInterestError/invalidArgument(_:)`` for an empty or
    ///   malformed code, or a market other than HK and US.
    public init(_ code: String) throws(ShortInterestError) {
        guard !code.isEmpty else {
            throw .invalidArgument("code is empty (expected MARKET.SYMBOL, e.g. HK.00700 or US.AAPL)")
        }
        // In UTF-8 bytes, contiguous: the code is parsed on every request.
        var text = code
        let split = text.withUTF8 { bytes in
            bytes.firstIndex(of: UInt8(ascii: ".")).map { dot in
                (prefix: String(decoding: UnsafeBufferPointer(rebasing: bytes[..<dot]), as: UTF8.self),
                 symbol: String(decoding: UnsafeBufferPointer(rebasing: bytes[(dot + 1)...]), as: UTF8.self))
            }
        }
        guard let (prefix, symbol) = split else {
            throw .invalidArgument("code \"\(code)\" has no market prefix (expected MARKET.SYMBOL, e.g. HK.00700 or US.AAPL)")
        }
        guard let market = Market(rawValue: prefix) else {
            throw .invalidArgument("market \"\(prefix)\" in code \"\(code)\" is not served: short interest exists for HK and US only")
        }
        try self.init(market: market, symbol: symbol, description: code)
    }

    /// Validates `symbol` for `market`: HK symbols are digits (`00700`),
    /// US symbols visible ASCII without spaces (`AAPL`, `BRK.B`).
    public init(market: Market, symbol: String) throws(ShortInterestError) {
        try self.init(market: market, symbol: symbol, description: "\(market.rawValue).\(symbol)")
    }

    private init(market: Market, symbol: String, description code: String) throws(ShortInterestError) {
        var bytes = symbol
        let (length, valid) = bytes.withUTF8 { utf8 in
            switch market {
            case .hk: (utf8.count, utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            case .us: (utf8.count, utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F })
            }
        }
        guard length > 0 else {
            throw .invalidArgument("code \"\(code)\" has an empty symbol")
        }
        guard length <= Self.maxSymbolLength else {
            throw .invalidArgument("symbol in code \"\(code)\" is longer than \(Self.maxSymbolLength) bytes")
        }
        guard valid else {
            throw .invalidArgument(market == .hk
                ? "HK symbol in code \"\(code)\" must be digits, e.g. HK.00700"
                : "US symbol in code \"\(code)\" must be visible ASCII without spaces, e.g. US.AAPL")
        }
        self.market = market
        self.symbol = symbol
        self.description = code
    }
}

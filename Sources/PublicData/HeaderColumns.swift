/// A column a parser looks for, under its current name and the names older
/// file generations used. Matching ignores case, spaces and punctuation, so
/// `Stock Code`, `stockCode` and `STOCK_CODE` are one column.
struct ColumnName: Sendable {
    let name: String
    let aliases: [String]

    init(_ name: String, aliases: [String] = []) {
        self.name = name
        self.aliases = aliases
    }

    var allNames: [String] { [name] + aliases }

    static func key(_ header: String) -> String {
        String(String.UnicodeScalarView(header.unicodeScalars.compactMap { scalar in
            guard scalar.isASCII else { return nil }
            let value = scalar.value
            switch value {
            case 0x30...0x39, 0x61...0x7A: return scalar
            case 0x41...0x5A: return Unicode.Scalar(value + 0x20)
            default: return nil
            }
        }))
    }
}

/// The header row of one file: which index each wanted column sits at, and
/// the spelling the file used (error messages quote the file's own names).
struct HeaderColumns {
    let names: [String]
    private let indexByKey: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var indexByKey: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            let key = ColumnName.key(name)
            if !key.isEmpty, indexByKey[key] == nil { indexByKey[key] = index }
        }
        self.indexByKey = indexByKey
    }

    var count: Int { names.count }

    func index(of column: ColumnName) -> Int? {
        for name in column.allNames {
            if let index = indexByKey[ColumnName.key(name)] { return index }
        }
        return nil
    }

    func require(_ column: ColumnName, file: String, line: Int) throws(PublicDataError) -> Int {
        if let index = index(of: column) { return index }
        var reason = "missing column \(column.name)"
        if !column.aliases.isEmpty {
            reason += " (also accepted: " + column.aliases.joined(separator: ", ") + ")"
        }
        throw PublicDataError(file: file, line: line, reason: reason)
    }
}

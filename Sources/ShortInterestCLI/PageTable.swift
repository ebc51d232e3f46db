import ShortInterest

/// A page as text columns under futu-api's column names; absent cells are empty.
struct PageTable {
    let header: [String]
    let rows: [[String]]
    let nextKey: String

    init(_ page: ShortInterestPage) {
        nextKey = page.nextKey
        if page.code.market == .us {
            header = ["timestamp", "timestamp_str", "shares_short", "short_percent", "avg_daily_share_volume",
                      "days_to_cover", "close_price", "last_close_price"]
            rows = page.usRows.map { row in
                [cell(row.timestamp), row.timestampString ?? "", cell(row.sharesShort), cell(row.shortPercent),
                 cell(row.averageDailyShareVolume), cell(row.daysToCover), cell(row.closePrice), cell(row.lastClosePrice)]
            }
        } else {
            header = ["timestamp", "timestamp_str", "aggregated_short", "aggregated_short_ratio", "close_price", "last_close_price"]
            rows = page.hkRows.map { row in
                [cell(row.timestamp), row.timestampString ?? "", cell(row.aggregatedShort), cell(row.aggregatedShortRatio),
                 cell(row.closePrice), cell(row.lastClosePrice)]
            }
        }
    }

    var csv: String {
        ([header] + rows).map { $0.map(csvField).joined(separator: ",") + "\n" }.joined()
    }

    var aligned: String {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        let lines = ([header] + rows).map { cells in
            cells.indices.map { column in
                String(repeating: " ", count: widths[column] - cells[column].count) + cells[column]
            }.joined(separator: "  ")
        }
        return lines.joined(separator: "\n") + "\nnext_key: \(nextKey)\n"
    }
}

private func cell<T: CustomStringConvertible>(_ value: T?) -> String {
    value.map(\.description) ?? ""
}

private func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
    return "\"" + text.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\""
}

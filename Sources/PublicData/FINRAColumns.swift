/// FINRA's column names, current generation first (since 2019-01-14), then
/// the names older files and FINRA's query API use. Files are matched by
/// header name only: the column order changed between generations.
enum FINRAColumns {
    static let settlementDate = ColumnName("settlementDate")
    static let accountingDate = ColumnName("accountingYearMonthNumber")
    static let symbol = ColumnName("symbolCode", aliases: ["issueSymbolIdentifier", "symbol"])
    static let issueName = ColumnName("issueName", aliases: ["securityName"])
    static let market = ColumnName("marketClassCode", aliases: ["marketCategoryCode", "market"])
    static let currentShort = ColumnName("currentShortPositionQuantity",
                                         aliases: ["currentShortShareNumber", "currentShortPosition"])
    static let previousShort = ColumnName("previousShortPositionQuantity",
                                          aliases: ["previousShortShareNumber", "previousShortPosition"])
    static let averageDailyVolume = ColumnName("averageDailyVolumeQuantity",
                                               aliases: ["averageDailyShareVolume", "averageShortShareNumber",
                                                         "averageDailyVolume"])
    static let daysToCover = ColumnName("daysToCoverQuantity", aliases: ["daysToCoverNumber", "daysToCover"])
    static let revisionFlag = ColumnName("revisionFlag")
    static let stockSplitFlag = ColumnName("stockSplitFlag")
}

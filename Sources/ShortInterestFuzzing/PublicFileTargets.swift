import PublicData

/// The public files a user feeds to `shortinterest ingest`. Each parser reads
/// bytes (files) and text (tests, small inputs); for valid UTF-8 both must
/// give the same rows or the same error.
enum PublicFileTargets {
    static func finra(_ bytes: [UInt8]) {
        let name = "shrt20260430.csv"
        checkSameOutcome(bytes, FINRAShortInterestParser.parse(_:fileName:), FINRAShortInterestParser.parse(_:fileName:), name)
    }

    static func sfc(_ bytes: [UInt8]) {
        let name = "Short_Position_Reporting_Aggregated_Data_20260430.csv"
        checkSameOutcome(bytes, SFCShortPositionParser.parse(_:fileName:), SFCShortPositionParser.parse(_:fileName:), name)
    }

    static func reference(_ bytes: [UInt8]) {
        checkSameOutcome(bytes, ReferenceParser.parse(_:fileName:), ReferenceParser.parse(_:fileName:), "reference.csv")
    }

    private static func checkSameOutcome<Row: Equatable>(
        _ bytes: [UInt8],
        _ parseBytes: ([UInt8], String) throws(PublicDataError) -> [Row],
        _ parseText: (String, String) throws(PublicDataError) -> [Row],
        _ fileName: String
    ) {
        let fromBytes = Result { () throws(PublicDataError) in try parseBytes(bytes, fileName) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let fromText = Result { () throws(PublicDataError) in try parseText(text, fileName) }
        precondition(fromBytes == fromText, "bytes and text parse differently: \(fromBytes) vs \(fromText)")
    }
}

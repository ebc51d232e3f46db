import Dispatch
import FoundationEssentials
import PublicData
import ShortInterest
import ShortInterestStore
import SQLiteNIO
import Synchronization
import Testing

/// A store in a fresh temporary folder, with helpers to write input files.
private struct Scratch {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "si-store-\(UInt64.random(in: 0...UInt64.max))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    var storePath: String { folder + "/store.sqlite" }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try Data(text.utf8).write(to: URL(filePath: path))
        return path
    }

    func store() async throws -> ShortInterestStore {
        try await ShortInterestStore.open(path: storePath, create: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

private let samples = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appending(path: "samples").path

private func sampleFiles(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: samples + "/" + folder).sorted().map { samples + "/" + folder + "/" + $0 }
}

private let finraHeader = "accountingYearMonthNumber|symbolCode|issueName|issuerServicesGroupExchangeCode|marketClassCode|currentShortPositionQuantity|previousShortPositionQuantity|stockSplitFlag|averageDailyVolumeQuantity|daysToCoverQuantity|revisionFlag|changePercent|changePreviousNumber|settlementDate"

private func finraLine(_ symbol: String, _ day: String, short: UInt64, volume: String = "1000") -> String {
    let compact = day.replacingOccurrences(of: "-", with: "")
    return "\(compact)|\(symbol)|\(symbol) Inc.|A|NYSE|\(short)|0||\(volume)|1.00||0|0|\(day)"
}

/// Every page of a history, as the timestamp strings of its rows, and the page count.
private func readAll(_ store: ShortInterestStore, _ code: String, num: Int) async throws -> (days: [String], pages: Int, keys: [String]) {
    var days: [String] = []
    var keys: [String] = []
    var nextKey: String? = nil
    repeat {
        let page = try await store.page(code: code, nextKey: nextKey, num: num)
        days += page.usRows.compactMap(\.timestampString) + page.hkRows.compactMap(\.timestampString)
        keys.append(page.nextKey)
        nextKey = page.nextKey
    } while nextKey != PageRequest.endKey
    return (days, keys.count, keys)
}

@Suite struct StoreTests {
    @Test func theSamplesReproduceOpenDsAnswerForTencent() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        #expect(try await store.ingestSFC(files: sampleFiles("sfc")) > 10)
        try await store.ingestReference(files: [samples + "/reference.csv"])
        let page = try await store.page(code: "HK.00700")
        // The seed document's ten rows, OpenD's answer, field by field.
        let seed: [(Int64, String, UInt64, Double, Double, Double)] = [
            (1777478400, "2026-04-30", 51480638, 0.56, 467.8, 479.2), (1776960000, "2026-04-24", 51888755, 0.56, 493.4, 495.2),
            (1776355200, "2026-04-17", 47974208, 0.52, 510.5, 517.0), (1775750400, "2026-04-10", 48424833, 0.53, 504.5, 508.5),
            (1775059200, "2026-04-02", 49982828, 0.54, 489.2, 496.6), (1774540800, "2026-03-27", 52744147, 0.57, 493.4, 495.6),
            (1773936000, "2026-03-20", 51710854, 0.56, 508.0, 513.0), (1773331200, "2026-03-13", 48105325, 0.52, 547.5, 546.5),
            (1772726400, "2026-03-06", 42404275, 0.46, 519.0, 502.0), (1772121600, "2026-02-27", 36037870, 0.39, 518.0, 512.0),
        ]
        #expect(page.hkRows == seed.map { HKShortInterestRow(timestamp: $0.0, timestampString: $0.1, closePrice: $0.4,
                                                              lastClosePrice: $0.5, aggregatedShort: $0.2, aggregatedShortRatio: $0.3) })
        #expect(page.isLast)
        await store.close()
    }

    @Test func finraFiguresAndAbsentFieldsWithoutReferenceData() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        try await store.ingestFINRA(files: sampleFiles("finra"))
        let page = try await store.page(code: "US.AAPL")
        #expect(page.usRows.first == USShortInterestRow(timestamp: 1777521600, timestampString: "2026-04-30", sharesShort: 134_675_274,
                                                        averageDailyShareVolume: 45_944_025, daysToCover: 2.93))
        #expect(page.usRows.dropFirst().first?.sharesShort == 134_422_787)
        // The older header generation: GME 2021-01-15 from public-data.md.
        let gme = try await store.page(code: "US.GME")
        #expect(gme.usRows.contains(USShortInterestRow(timestamp: 1610686800, timestampString: "2021-01-15", sharesShort: 61_782_730,
                                                       averageDailyShareVolume: 29_385_884, daysToCover: 2.10)))
        await store.close()
    }

    @Test func referenceDataFillsDerivedFieldsOnlyWhereInputsExist() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        let finra = try scratch.file("shrt.csv", [finraHeader, finraLine("XYZ", "2026-04-15", short: 1_000_000),
                                                  finraLine("XYZ", "2026-04-30", short: 2_000_000)].joined(separator: "\n"))
        try await store.ingestFINRA(files: [finra])
        // A close on 04-29 and 04-30 and a float from 04-01: 04-30 gets everything,
        // 04-15 only the short percent (no close that day, none before it).
        let reference = try scratch.file("ref.csv", """
            date,code,close,shares_outstanding,float
            2026-04-01,US.XYZ,,80000000,40000000
            2026-04-29,US.XYZ,10.5,,
            2026-04-30,US.XYZ,11.25,,
            """)
        try await store.ingestReference(files: [reference])
        let rows = try await store.page(code: "US.XYZ").usRows
        #expect(rows[0].closePrice == 11.25 && rows[0].lastClosePrice == 10.5 && rows[0].shortPercent == 5.0)
        #expect(rows[1].closePrice == nil && rows[1].lastClosePrice == nil && rows[1].shortPercent == 2.5)
        await store.close()
    }

    @Test func sfcDirtyCellsStayAbsentOrZeroAsPublished() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        let sfc = try scratch.file("Short_Position_Reporting_Aggregated_Data_20260430.csv", "\u{FEFF}"
            + "Date,Stock Code,Stock Name,Aggregated Reportable Short Positions (Shares),Aggregated Reportable Short Positions (HK$)\r\n"
            + "30/04/2026,1,\"CK HUTCHISON, HLDGS\",n.a.,n.a.\r\n"
            + "30/04/2026,2,CLP HOLDINGS,0,0\r\n"
            + "30/04/2026,3,\"HK & CHINA GAS\",\"1,000,000\",1.18734E+07\r\n")
        try await store.ingestSFC(files: [sfc])
        #expect(try await store.page(code: "HK.00001").hkRows == [HKShortInterestRow(timestamp: 1777478400, timestampString: "2026-04-30")])
        #expect(try await store.page(code: "HK.00002").hkRows.first?.aggregatedShort == 0)
        #expect(try await store.page(code: "HK.00002").hkRows.first?.closePrice == nil)
        #expect(try await store.page(code: "HK.00003").hkRows.first?.closePrice == 11.87)
        await store.close()
    }

    @Test func aBadRowRollsBackItsWholeFileAndNamesFileAndLine() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        let good = try scratch.file("good.csv", [finraHeader, finraLine("AAA", "2026-04-15", short: 5)].joined(separator: "\n"))
        try await store.ingestFINRA(files: [good])
        let before = try await readAll(store, "US.AAA", num: 50)
        let bad = try scratch.file("bad.csv", [finraHeader, finraLine("AAA", "2026-04-30", short: 7),
                                               finraLine("BBB", "2026-04-30", short: 9, volume: "12x")].joined(separator: "\n"))
        await #expect {
            try await store.ingestFINRA(files: [bad])
        } throws: { error in
            guard case let .invalidArgument(message) = error as? ShortInterestError else { return false }
            return message.hasPrefix("bad.csv:3: ")
        }
        #expect(try await readAll(store, "US.AAA", num: 50).days == before.days)
        #expect(try await store.page(code: "US.BBB").usRows.isEmpty)
        await store.close()
    }

    @Test func aRepublishedSettlementReplacesTheOldOneAndTheSameFileTwiceChangesNothing() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        let first = try scratch.file("shrt20260430.csv", [finraHeader, finraLine("AAA", "2026-04-30", short: 100),
                                                          finraLine("BBB", "2026-04-30", short: 200)].joined(separator: "\n"))
        try await store.ingestFINRA(files: [first, first])
        #expect(try await store.page(code: "US.AAA").usRows.map(\.sharesShort) == [100])
        let revised = try scratch.file("shrt20260430-revised.csv", [finraHeader, finraLine("AAA", "2026-04-30", short: 150)].joined(separator: "\n"))
        try await store.ingestFINRA(files: [revised])
        #expect(try await store.page(code: "US.AAA").usRows.map(\.sharesShort) == [150])
        #expect(try await store.page(code: "US.BBB").usRows.isEmpty)
        await store.close()
    }

    @Test(arguments: [0, 1, 49, 50, 51, 123])
    func pagingAtEveryBoundary(historyLength: Int) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        var day = TradingDay(year: 2020, month: 1, day: 1)!
        var lines = [finraHeader]
        var expected: [String] = []
        for index in 0..<historyLength {
            lines.append(finraLine("HIST", day.description, short: UInt64(index)))
            expected.insert(day.description, at: 0)
            day = day.adding(days: 15)!
        }
        // Another symbol, so that paging cannot run into it.
        lines.append(finraLine("OTHER", "2030-01-01", short: 1))
        try await store.ingestFINRA(files: [try scratch.file("hist.csv", lines.joined(separator: "\n"))])
        for num in [1, 2, 7, 10, 49, 50] {
            let (days, pages, keys) = try await readAll(store, "US.HIST", num: num)
            #expect(days == expected, "num \(num)")
            #expect(pages == max(1, (historyLength + num - 1) / num), "num \(num): no empty page after a full last page")
            #expect(Set(keys.dropLast()).count == keys.count - 1 && keys.last == "-1")
        }
        await store.close()
    }

    @Test func synchronousReadsFromManyThreadsAgreeAndStopAtClose() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        var day = TradingDay(year: 2020, month: 1, day: 1)!
        var lines = [finraHeader]
        for index in 0..<123 {
            for symbol in ["AAA", "BBB", "CCC"] {
                lines.append(finraLine(symbol, day.description, short: UInt64(index)))
            }
            day = day.adding(days: 15)!
        }
        try await store.ingestFINRA(files: [try scratch.file("many.csv", lines.joined(separator: "\n"))])
        let expected = try await readAll(store, "US.BBB", num: 7).days
        #expect(expected.count == 123)

        let results = Mutex<[[String]]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            var days: [String] = []
            var request = try! PageRequest(code: ["US.AAA", "US.BBB", "US.CCC"][thread % 3], num: 7)
            repeat {
                let page = try! store.pageSynchronously(request)
                days += page.usRows.compactMap(\.timestampString)
                request = try! PageRequest(code: request.code.description, nextKey: page.nextKey, num: 7)
            } while !request.isPastEnd
            results.withLock { $0.append(days) }
        }
        #expect(results.withLock { $0 } == Array(repeating: expected, count: 8))

        await store.close()
        #expect(throws: ShortInterestError.disconnected("the store \(scratch.storePath) is closed")) {
            try store.pageSynchronously(PageRequest(code: "US.AAA"))
        }
    }

    @Test func aReaderSeesWhatIsIngestedAfterItsFirstRead() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        try await store.ingestFINRA(files: [try scratch.file("a.csv", [finraHeader, finraLine("AAA", "2026-04-15", short: 100)].joined(separator: "\n"))])
        #expect(try store.pageSynchronously(PageRequest(code: "US.AAA")).usRows.map(\.sharesShort) == [100])
        try await store.ingestFINRA(files: [try scratch.file("b.csv", [finraHeader, finraLine("AAA", "2026-04-30", short: 150)].joined(separator: "\n"))])
        #expect(try store.pageSynchronously(PageRequest(code: "US.AAA")).usRows.map(\.sharesShort) == [150, 100])
        await store.close()
    }

    @Test func readsDuringAnIngestSeeTheStoreBeforeOrAfterItNeverBetween() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        var day = TradingDay(year: 2020, month: 1, day: 1)!
        var before = [finraHeader], during = [finraHeader]
        for index in 0..<15 {
            defer { day = day.adding(days: 15)! }
            let line = finraLine("AAA", day.description, short: UInt64(index))
            if index < 10 {
                before.append(line)
                continue
            }
            // New settlement days only: a file replaces the settlements it holds.
            during.append(line)
            for filler in 0..<6_000 {
                during.append(finraLine("F\(filler)", day.description, short: 1))
            }
        }
        try await store.ingestFINRA(files: [try scratch.file("before.csv", before.joined(separator: "\n"))])
        let duringFile = try scratch.file("during.csv", during.joined(separator: "\n"))

        // A reader on its own thread reads the history over and over; the
        // ingest starts once it has read the old state.
        let stop = Atomic<Bool>(false)
        let counts = Mutex<[Int]>([])
        let failures = Mutex<[ShortInterestError]>([])
        let firstRead = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            while !stop.load(ordering: .relaxed) {
                do throws(ShortInterestError) {
                    let rows = try store.pageSynchronously(PageRequest(code: "US.AAA", num: 50)).usRows.count
                    counts.withLock { $0.append(rows) }
                } catch {
                    failures.withLock { $0.append(error) }
                }
                if counts.withLock({ $0.count }) + failures.withLock({ $0.count }) == 1 { firstRead.signal() }
            }
            stopped.signal()
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { firstRead.wait(); continuation.resume() }
        }
        var ingestError: (any Error)?
        do { try await store.ingestFINRA(files: [duringFile]) } catch { ingestError = error }
        stop.store(true, ordering: .relaxed)
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { stopped.wait(); continuation.resume() }
        }
        let afterwards = Result { () throws(ShortInterestError) in
            try store.pageSynchronously(PageRequest(code: "US.AAA", num: 50)).usRows.count
        }
        await store.close()

        #expect(ingestError == nil, "\(String(describing: ingestError))")
        let failed = failures.withLock { $0 }
        #expect(failed.isEmpty, "\(failed.count) failed reads, the first: \(String(describing: failed.first))")
        let seen = counts.withLock { $0 }
        let states = Set(seen)
        let neverBackToTheOldState = seen == seen.sorted()
        #expect(states.contains(10))
        #expect(states.isSubset(of: [10, 15]))
        #expect(neverBackToTheOldState)
        #expect(try afterwards.get() == 15)
    }

    @Test func keysTheStoreDidNotIssueAreRefused() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        for key in ["abc", "10", "2026-4-30", "2026-04-30x", "'; DROP TABLE reference; --"] {
            await #expect(throws: ShortInterestError.invalidArgument("next_key \"\(key)\" was not issued by this store")) {
                try await store.page(code: "US.AAPL", nextKey: key)
            }
        }
        await store.close()
    }

    @Test func aVersion1StoreGainsItsDayIndexesAndKeepsItsRows() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try await scratch.store()
        try await store.ingestFINRA(files: [try scratch.file("a.csv", [finraHeader, finraLine("AAA", "2026-04-30", short: 100)].joined(separator: "\n"))])
        await store.close()
        func rewrite(_ statements: [String]) async throws -> [SQLiteRow] {
            let connection = try await SQLiteConnection.open(storage: .file(path: scratch.storePath))
            var rows: [SQLiteRow] = []
            for statement in statements {
                rows = try await connection.query(statement)
            }
            try await connection.close()
            return rows
        }
        // As the previous release left it.
        _ = try await rewrite(["DROP INDEX us_short_interest_day", "DROP INDEX hk_short_interest_day", "PRAGMA user_version = 1"])

        let reopened = try await ShortInterestStore.open(path: scratch.storePath)
        #expect(try await reopened.page(code: "US.AAA").usRows.map(\.sharesShort) == [100])
        await reopened.close()
        let indexes = try await rewrite(["SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_day' ORDER BY name"])
        #expect(indexes.compactMap { $0.column("name")?.string } == ["hk_short_interest_day", "us_short_interest_day"])
        #expect(try await rewrite(["PRAGMA user_version"]).first?.column("user_version")?.integer == 2)

        _ = try await rewrite(["PRAGMA user_version = 3"])
        await #expect(throws: ShortInterestError.store("store \(scratch.storePath) has schema version 3; this library reads version 2")) {
            try await ShortInterestStore.open(path: scratch.storePath)
        }
    }

    @Test func aMissingStoreIsAClearErrorNotAnEmptyOne() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        await #expect(throws: ShortInterestError.store("no store at \(scratch.storePath) (create one with `shortinterest ingest`)")) {
            try await ShortInterestStore.open(path: scratch.storePath)
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.storePath))
    }
}

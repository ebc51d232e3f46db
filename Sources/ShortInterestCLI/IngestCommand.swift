import ArgumentParser
import ShortInterest
import ShortInterestStore

#if canImport(Glibc)
import Glibc
#endif

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Store free public short-interest files (or reference data) in a local store.",
        discussion: """
            finra: FINRA consolidated short-interest files (shrtYYYYMMDD.csv, pipe-delimited).
            sfc: SFC aggregated reportable short-position files (CSV).
            reference: a CSV `date,code,close,shares_outstanding,float` (date YYYY-MM-DD, code \
            like HK.00700; any number may be empty). It supplies the fields the public files lack.
            Each file is one transaction: a malformed file changes nothing.
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case finra, sfc, reference
    }

    @Argument(help: "finra, sfc or reference.")
    var kind: Kind

    @Argument(help: "The files to store.")
    var files: [String]

    @Option(help: "The store to fill; created if missing.")
    var store: String

    func run() async throws {
        let store = try await ShortInterestStore.open(path: store, create: true)
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
        let show: @Sendable (IngestProgress) -> Void = { progress in
            let name = progress.file.split(separator: "/").last.map(String.init) ?? progress.file
            bar.show(done: progress.filesDone, of: progress.fileCount, label: "\(name) (\(progress.rows) rows)")
        }
        let rows: Int
        do throws(ShortInterestError) {
            switch kind {
            case .finra: rows = try await store.ingestFINRA(files: files, progress: show)
            case .sfc: rows = try await store.ingestSFC(files: files, progress: show)
            case .reference: rows = try await store.ingestReference(files: files, progress: show)
            }
        } catch {
            bar.finish()
            await store.close()
            throw CleanExit.message("error: \(error)")
        }
        bar.finish()
        await store.close()
        print("stored \(rows) rows from \(files.count) \(kind.rawValue) file\(files.count == 1 ? "" : "s") in \(store.path)")
    }
}


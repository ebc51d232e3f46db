import ArgumentParser
import ShortInterest

#if canImport(Glibc)
import Glibc
#endif

struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print a page (or, with --all, the whole) of a stock's short-interest history.",
        discussion: "With --all, several codes may be given: a code that fails is reported and the others still printed."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @Argument(help: "MARKET.SYMBOL, e.g. HK.00700 or US.AAPL; several with --all.")
    var codes: [String]

    @Option(help: "Rows per page, 1...50.")
    var num: Int = PageRequest.defaultPageSize

    @Option(name: .customLong("next-key"), help: "Continue from this page key.")
    var nextKey: String?

    @Flag(help: "Follow next keys to the end of the history.")
    var all = false

    @Option(name: .customLong("max-pages"), help: "With --all: stop after this many pages (and say so).")
    var maxPages = 10_000

    @Option(help: "table, json or csv.")
    var format: Format = .table

    @OptionGroup var source: SourceOptions

    func validate() throws {
        if codes.count > 1 && !all { throw ValidationError("several codes need --all") }
        if all && nextKey != nil { throw ValidationError("--all reads from the newest page: leave out --next-key") }
    }

    func run() async throws {
        let source = try await source.makeSource()
        let results: [Result<ShortInterestPage, ShortInterestError>]
        if all {
            let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1 && codes.count > 1)
            results = await source.wholeHistories(codes: codes, maxPages: maxPages) { progress in
                bar.show(done: progress.codesDone, of: progress.codeCount, label: progress.code)
            }
            bar.finish()
        } else {
            do throws(ShortInterestError) {
                results = [.success(try await source.page(code: codes[0], nextKey: nextKey, num: num))]
            } catch {
                results = [.failure(error)]
            }
        }
        await source.close()
        var failures = 0
        for (code, result) in zip(codes, results) {
            switch result {
            case let .success(page):
                if codes.count > 1 && format != .json { print("== \(code)") }
                switch format {
                case .json: print(page.json)
                case .csv: print(PageTable(page).csv, terminator: "")
                case .table: print(PageTable(page).aligned, terminator: "")
                }
                if all && !page.isLast {
                    failures += 1
                    printError("\(code): stopped after \(maxPages) pages; the history goes on from next_key \(page.nextKey)")
                }
            case let .failure(error):
                failures += 1
                printError("\(code): \(error)")
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

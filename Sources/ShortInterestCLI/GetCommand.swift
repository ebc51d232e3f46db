import ArgumentParser
import ShortInterest

struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print a page (or, with --all, the whole) of a stock's short-interest history."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @Argument(help: "MARKET.SYMBOL, e.g. HK.00700 or US.AAPL.")
    var code: String

    @Option(help: "Rows per page, 1...50.")
    var num: Int = PageRequest.defaultPageSize

    @Option(name: .customLong("next-key"), help: "Continue from this page key.")
    var nextKey: String?

    @Flag(help: "Follow next keys to the end of the history.")
    var all = false

    @Option(help: "table, json or csv.")
    var format: Format = .table

    @OptionGroup var source: SourceOptions

    func run() async throws {
        let source = try await source.makeSource()
        let page: ShortInterestPage
        do throws(ShortInterestError) {
            if all {
                page = try await source.wholeHistory(code: SecurityCode(code), pageSize: 50)
            } else {
                page = try await source.page(code: code, nextKey: nextKey, num: num)
            }
        } catch {
            await source.close()
            throw CleanExit.message("error: \(error)")
        }
        await source.close()
        switch format {
        case .json: print(page.json)
        case .csv: print(PageTable(page).csv, terminator: "")
        case .table: print(PageTable(page).aligned, terminator: "")
        }
    }
}

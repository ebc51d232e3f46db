import ArgumentParser

@main
struct ShortInterestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortinterest",
        abstract: "Short-interest history of HK and US stocks, from OpenD or local data.",
        subcommands: [GetCommand.self, IngestCommand.self, ServeCommand.self]
    )
}

import FoundationEssentials
import ShortInterestFuzzing
import Testing

/// Every committed input of every fuzz target, through the same function
/// libFuzzer calls: the corpus (fuzz/corpus/TARGET) keeps the coverage the
/// long runs reached, and fuzz/regressions/TARGET holds each input that once
/// crashed or broke an invariant, so the bug it found stays fixed. A
/// regression that comes back crashes this test process. Serialized: the C
/// ABI target's calls block their thread, as C callers' do.
@Suite(.serialized) struct FuzzReplayTests {
    private static let fuzzFolder = String(#filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
        .joined(separator: "/")) + "/fuzz"

    @Test(arguments: FuzzTarget.allCases)
    func corpusReplays(target: FuzzTarget) throws {
        let inputs = try Self.inputs(in: "corpus", for: target)
        #expect(inputs.count >= 5, "the committed corpus of \(target) has \(inputs.count) inputs")
        try replay(inputs, on: target)
    }

    @Test(arguments: FuzzTarget.allCases)
    func regressionsReplay(target: FuzzTarget) throws {
        try replay(Self.inputs(in: "regressions", for: target), on: target)
    }

    private func replay(_ inputs: [String], on target: FuzzTarget) throws {
        try target.prepare()
        for path in inputs {
            let bytes = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
            bytes.withUnsafeBytes { target.run($0) }
        }
    }

    /// The files of fuzz/FOLDER/TARGET; none when the folder does not exist.
    private static func inputs(in folder: String, for target: FuzzTarget) throws -> [String] {
        let directory = "\(fuzzFolder)/\(folder)/\(target.rawValue)"
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted()
            .map { "\(directory)/\($0)" }
    }
}

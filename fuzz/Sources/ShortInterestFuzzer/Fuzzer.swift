import ShortInterestFuzzing
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// libFuzzer's two entry points. The target is chosen once per process, by
// the environment (SHORTINTEREST_FUZZ_TARGET=frames, ...; see
// scripts/fuzz.sh), because libFuzzer owns the command line.

/// Set by LLVMFuzzerInitialize, before the first input: its setup (and
/// whatever process-wide singletons that starts) must not be charged to an
/// input, or LeakSanitizer calls it a leak of that input.
private let chosenTarget = Mutex<FuzzTarget?>(nil)

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    guard let name = getenv("SHORTINTEREST_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        exitWithUsageError("set SHORTINTEREST_FUZZ_TARGET to one of: \(names)")
    }
    do {
        try target.prepare()
    } catch {
        exitWithUsageError("cannot prepare fuzz target \(name): \(error)")
    }
    chosenTarget.withLock { $0 = target }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let target = chosenTarget.withLock { $0 }!
    target.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

private func exitWithUsageError(_ message: String) -> Never {
    var line = message + "\n"
    line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(2)
}

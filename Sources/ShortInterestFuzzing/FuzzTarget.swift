/// The libFuzzer targets, each a function of one input's bytes.
///
/// They live in a library of the main package rather than in the fuzzer, so
/// that `swift test` replays the committed corpus and every regression
/// through the very code libFuzzer ran (Tests/ShortInterestFuzzingTests).
/// fuzz/Package.swift only wraps them in `LLVMFuzzerTestOneInput`: that
/// executable has no `main` of its own (libFuzzer brings one), and this
/// package's products are all built by a plain `swift build`.
///
/// A target returns for every input. Refusing a bad input with an error is
/// the expected outcome; a crash, a broken invariant (a failed precondition
/// here), a hang or an unbounded allocation is a finding.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// OpenDFrameDecoder in a channel, fed in chunks, in clear or AES-encrypted.
    case frames
    /// OpenD's replies as the client decodes them, and requests as the gateway does.
    case replies
    /// FINRA short-interest files.
    case finra
    /// SFC short-position files.
    case sfc
    /// The reference CSV (closes, shares outstanding).
    case reference
    /// The C ABI's arguments, on a client over a store built from samples/.
    case cabi

    /// Sets up what the target needs once per process (the C ABI's store).
    public func prepare() throws {
        if self == .cabi {
            try CABITarget.prepare()
        }
    }

    /// Runs one input; `prepare()` must have succeeded first.
    public func run(_ bytes: UnsafeRawBufferPointer) {
        var input = FuzzInput(bytes)
        switch self {
        case .frames: FrameDecodingTarget.run(&input)
        case .replies: OpenDMessageTarget.run(&input)
        case .finra: PublicFileTargets.finra(input.remainingBytes())
        case .sfc: PublicFileTargets.sfc(input.remainingBytes())
        case .reference: PublicFileTargets.reference(input.remainingBytes())
        case .cabi: CABITarget.run(&input)
        }
    }
}

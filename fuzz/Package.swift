// swift-tools-version: 6.0
import PackageDescription

// The libFuzzer executable, a package of its own: built with
// `--sanitize=fuzzer --sanitize=address`, it gets its `main` from libFuzzer,
// so it cannot sit in the main package, whose products `swift build` builds
// whole. The targets themselves are in ShortInterestFuzzing (the main
// package), where `swift test` replays the corpus. Run it with
// scripts/fuzz.sh.
/// The main package's identity is its folder's name (a clone may have any).
let mainPackage = String(Context.packageDirectory.split(separator: "/").dropLast().last!)

let package = Package(
    name: "shortinterest-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "ShortInterestFuzzer",
            dependencies: [.product(name: "ShortInterestFuzzing", package: mainPackage)]
        ),
    ],
    swiftLanguageModes: [.v6]
)

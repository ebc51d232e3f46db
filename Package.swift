// swift-tools-version: 6.0
import PackageDescription

/// Foundation members must be imported to be used: SwiftProtobuf imports
/// Foundation, and without this its extensions (String.contains, say) leak
/// into our code and link ICU into the static library (21 MB → 68 MB).
let strictImports: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "shortinterest",
    products: [
        .library(name: "ShortInterest", targets: ["ShortInterest"]),
        // libshortinterest.so: `make lib` builds the release artifact (static
        // Swift runtime, si_* exports only, SONAME, stripped).
        .library(name: "shortinterest", type: .dynamic, targets: ["ShortInterestCABI"]),
        .executable(name: "shortinterest-cli", targets: ["ShortInterestCLI"]),
        // The libFuzzer targets as plain functions of bytes, for fuzz/Package.swift
        // (the fuzzer executable, which has no `main` of its own, so it cannot
        // be built here) and for the test that replays the corpus. Not in the .so.
        .library(name: "ShortInterestFuzzing", targets: ["ShortInterestFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // The OpenD wire format: generated protobuf messages and the frame codec.
        // Shared by the client and, later, the gateway.
        .target(
            name: "OpenDProtocol",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictImports
        ),
        // The Swift API: codes, pages, errors, and the sources that answer them.
        .target(
            name: "ShortInterest",
            dependencies: [
                "OpenDProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictImports
        ),
        // The embedded store: SQLite through sqlite-nio, filled from public files.
        .target(
            name: "ShortInterestStore",
            dependencies: [
                "ShortInterest", "PublicData",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictImports
        ),
        .testTarget(
            name: "ShortInterestStoreTests",
            dependencies: ["ShortInterestStore", "ShortInterest", "PublicData", .product(name: "SQLiteNIO", package: "sqlite-nio")]
        ),
        // `shortinterest serve`: an OpenD-compatible server over any source.
        .target(
            name: "ShortInterestGateway",
            dependencies: [
                "ShortInterest", "OpenDProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictImports
        ),
        .testTarget(
            name: "ShortInterestGatewayTests",
            dependencies: [
                "ShortInterestGateway", "ShortInterest", "OpenDProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The `shortinterest` command (`make` installs it as build/bin/shortinterest).
        .executableTarget(
            name: "ShortInterestCLI",
            dependencies: [
                "ShortInterest", "ShortInterestGateway", "ShortInterestStore", "OpenDProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictImports
        ),
        // include/shortinterest.h as a Swift module.
        .systemLibrary(name: "CShortInterest", path: "Sources/CShortInterest"),
        // The C ABI: thin @_cdecl functions over the core.
        .target(
            name: "ShortInterestCABI",
            dependencies: [
                "ShortInterest", "ShortInterestStore", "CShortInterest", "OpenDProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictImports
        ),
        // Parsers for the free public files (FINRA, SFC, reference CSV) and
        // trading-day timestamps. No I/O, no store: bytes in, typed rows out.
        .target(name: "PublicData", swiftSettings: strictImports),
        .testTarget(name: "PublicDataTests", dependencies: ["PublicData"]),
        // What each fuzz target does with an input (see FuzzTarget.swift).
        .target(
            name: "ShortInterestFuzzing",
            dependencies: [
                "OpenDProtocol", "ShortInterest", "ShortInterestStore", "ShortInterestCABI", "PublicData", "CShortInterest",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictImports
        ),
        .testTarget(name: "ShortInterestFuzzingTests", dependencies: ["ShortInterestFuzzing"]),
        .testTarget(
            name: "ShortInterestTests",
            dependencies: [
                "ShortInterest", "OpenDProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

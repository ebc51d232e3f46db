// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "shortinterest",
    products: [
        .library(name: "ShortInterest", targets: ["ShortInterest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
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
            ]
        ),
        // The Swift API: codes, pages, errors, and the sources that answer them.
        .target(
            name: "ShortInterest",
            dependencies: [
                "OpenDProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
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

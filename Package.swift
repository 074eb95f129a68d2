// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Portico",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "portico", targets: ["portico"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit", from: "6.4.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // Already there through Hummingbird; named for NIOEmbedded, which the handler tests drive a pipeline with.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        // Debian's libcmark-gfm and its extensions, seen through pkg-config.
        .systemLibrary(name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // jemalloc, linked into the portico binary only (see PorticoCLI/Support/Allocator.swift).
        .systemLibrary(name: "CJemalloc", providers: [.apt(["libjemalloc-dev"])]),
        // The default theme: the top-level templates/ folder, shipped inside the binary's bundle.
        .target(name: "PorticoTheme", path: "templates",
                exclude: ["README.md"],
                sources: ["PorticoTheme.swift"],
                resources: [.copy("theme")]),
        .target(name: "PorticoCore", dependencies: [
            "CCmarkGFM",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "PorticoGate", dependencies: [
            "PorticoCore",
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        // gate.js is the source (the node tests run it too); the build ships gate.min.js, made from it by
        // scripts/minify-gate.sh and checked against it by `make test-js`.
        exclude: ["Resources/gate.js"], resources: [.copy("Resources/gate.min.js")]),
        .target(name: "PorticoFeedback", dependencies: [
            "PorticoCore", "PorticoGate", "PorticoTheme",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "PorticoPreview", dependencies: [
            "PorticoCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "PorticoCLI", dependencies: [
            "PorticoCore", "PorticoGate", "PorticoFeedback", "PorticoPreview", "PorticoTheme", "CJemalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], linkerSettings: [.linkedLibrary(":libjemalloc_pic.a", .when(platforms: [.linux]))]),
        .executableTarget(name: "portico", dependencies: ["PorticoCLI"]),
        // What the test targets share; never linked into portico.
        .target(name: "PorticoTestSupport"),
        // swift-mustache is the reference the template engine is checked against, tag for tag.
        .testTarget(name: "PorticoCoreTests", dependencies: [
            "PorticoCore", "PorticoTheme", "PorticoTestSupport",
            .product(name: "Mustache", package: "swift-mustache"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "PorticoGateTests", dependencies: ["PorticoGate", "PorticoCore", "PorticoTestSupport"]),
        .testTarget(name: "PorticoPreviewTests", dependencies: [
            "PorticoPreview", "PorticoCore", "PorticoTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "PorticoFeedbackTests", dependencies: [
            "PorticoFeedback", "PorticoGate", "PorticoCore",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
    ]
)

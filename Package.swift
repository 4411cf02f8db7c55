// swift-tools-version: 6.1
import PackageDescription

/// Preflight: audits fine-tuning datasets before training starts.
///
/// Dependencies point one way: preflight -> Reporters, Checks, Readers -> Core.
/// The three C libraries are Debian system libraries (libyaml-dev, libxml2-dev, zlib1g-dev).
let package = Package(
    name: "Preflight",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "preflight", targets: ["preflight"]),
        .library(name: "PreflightCore", targets: ["PreflightCore"]),
        // For the fuzz targets in Fuzz/ (a separate package).
        .library(name: "PreflightReaders", targets: ["PreflightReaders"]),
        .library(name: "PreflightChecks", targets: ["PreflightChecks"]),
        .library(name: "PreflightReporters", targets: ["PreflightReporters"]),
    ],
    dependencies: [
        // Command-line parsing for the `preflight` executable only.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),

        // MARK: - C code of our own
        // SHA-256 blocks with the Intel SHA extensions, chosen at run time (CPUID); the
        // instruction sets are enabled per function, so no compiler flags are needed.
        .target(name: "CSHA256"),

        // MARK: - Libraries
        .target(name: "PreflightCore", dependencies: ["CYAML", "CSHA256"]),
        .target(name: "PreflightReaders", dependencies: ["PreflightCore", "CYAML", "CZlib"]),
        .target(name: "PreflightChecks", dependencies: ["PreflightCore"]),
        .target(name: "PreflightReporters", dependencies: ["PreflightCore", "CLibXML2"]),

        // MARK: - Executable
        .executableTarget(
            name: "preflight",
            dependencies: [
                "PreflightCore", "PreflightReaders", "PreflightChecks", "PreflightReporters",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Tests
        .target(
            name: "PreflightTestSupport",
            dependencies: [
                "PreflightCore", "PreflightReaders", "PreflightChecks", "CLibXML2", "CZlib",
            ],
            path: "Tests/PreflightTestSupport"),
        .testTarget(
            name: "PreflightCoreTests", dependencies: ["PreflightCore", "PreflightTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "PreflightReadersTests",
            dependencies: ["PreflightReaders", "PreflightTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "PreflightChecksTests",
            dependencies: ["PreflightChecks", "PreflightReaders", "PreflightTestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "PreflightReportersTests",
            dependencies: ["PreflightReporters", "PreflightTestSupport", "CLibXML2"],
            exclude: ["Golden"]),
        .testTarget(
            name: "PreflightCLITests",
            dependencies: ["preflight", "PreflightTestSupport"],
            exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)

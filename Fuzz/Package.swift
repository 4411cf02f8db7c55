// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer targets for Preflight's input parsers. A separate package so that `swift build`
/// and `swift test` of the root package never build it. Build and run with `scripts/fuzz.sh`
/// (see README.md here): it needs `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library`
/// and `--product <Target>`, one target at a time.
let package = Package(
    name: "PreflightFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Preflight", path: "..")
    ],
    targets: [
        // The libFuzzer glue and the dataset-reading body the targets share.
        .target(name: "FuzzSupport", dependencies: readers),
        .executableTarget(name: "FuzzJSONL", dependencies: ["FuzzSupport"] + readers),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport"] + readers),
        .executableTarget(name: "FuzzYAML", dependencies: ["FuzzSupport"] + readers),
        .executableTarget(name: "FuzzJSONArray", dependencies: ["FuzzSupport"] + readers),
        .executableTarget(name: "FuzzGzip", dependencies: ["FuzzSupport"] + readers),
        .executableTarget(name: "FuzzPredictions", dependencies: ["FuzzSupport"] + readers),
        .executableTarget(
            name: "FuzzAudit",
            dependencies: [
                "FuzzSupport", .product(name: "PreflightChecks", package: "Preflight"),
                .product(name: "PreflightReporters", package: "Preflight"),
            ] + readers),
        .executableTarget(
            name: "FuzzReport",
            dependencies: [
                "FuzzSupport", .product(name: "PreflightReporters", package: "Preflight"),
            ] + readers),
        .executableTarget(
            name: "FuzzRules",
            dependencies: ["FuzzSupport", .product(name: "PreflightCore", package: "Preflight")]),
    ],
    swiftLanguageModes: [.v6]
)

var readers: [Target.Dependency] {
    [
        .product(name: "PreflightCore", package: "Preflight"),
        .product(name: "PreflightReaders", package: "Preflight"),
    ]
}

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
        .executableTarget(name: "FuzzJSONL", dependencies: readers),
        .executableTarget(name: "FuzzCSV", dependencies: readers),
        .executableTarget(name: "FuzzYAML", dependencies: readers),
        .executableTarget(name: "FuzzJSONArray", dependencies: readers),
        .executableTarget(name: "FuzzGzip", dependencies: readers),
        .executableTarget(name: "FuzzPredictions", dependencies: readers),
        .executableTarget(
            name: "FuzzRules",
            dependencies: [.product(name: "PreflightCore", package: "Preflight")]),
    ],
    swiftLanguageModes: [.v6]
)

var readers: [Target.Dependency] {
    [
        .product(name: "PreflightCore", package: "Preflight"),
        .product(name: "PreflightReaders", package: "Preflight"),
    ]
}

// SHA-256 benchmark: the Swift rounds against the SHA-NI kernel, built by Benchmarks/sha.sh
// with SHA256.swift itself (so `init(allowingSHANI:)` is reachable); not a test.
import Foundation

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let megabytes = arguments.first ?? 256
let runs = arguments.dropFirst().first ?? 3

var state: UInt64 = 0x5EED
let bytes = (0..<megabytes << 20).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return UInt8(truncatingIfNeeded: state >> 56)
}

/// Best seconds of `runs` digests of `bytes` in 4 MiB updates (the reader's chunk size).
func measure(sha: Bool) -> (seconds: Double, digest: String) {
    var best = Double.infinity
    var digest = ""
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        var hasher = SHA256(allowingSHANI: sha)
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + 4 << 20, all.count)
                hasher.update(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                offset = end
            }
        }
        digest = SHA256.hexString(hasher.finalize())
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return (best, digest)
}

print("SHA-256 of \(megabytes) MiB, best of \(runs), one core")
print("")
print("| path | seconds | MB/s |")
print("|---|---:|---:|")
let swift = measure(sha: false)
print(
    String(
        format: "| Swift rounds | %.3f | %.0f |", swift.seconds,
        Double(bytes.count) / 1e6 / swift.seconds))
if SHA256.isSHANIAvailable {
    let ni = measure(sha: true)
    print(
        String(
            format: "| SHA-NI (CSHA256) | %.3f | %.0f |", ni.seconds,
            Double(bytes.count) / 1e6 / ni.seconds))
    print("")
    print(
        ni.digest == swift.digest
            ? "digests agree: \(ni.digest)" : "DIGESTS DIFFER: \(swift.digest) vs \(ni.digest)")
    if ni.digest != swift.digest { exit(1) }
} else {
    print("| SHA-NI (CSHA256) | not available on this CPU | |")
}

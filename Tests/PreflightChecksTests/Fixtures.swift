import Foundation
import PreflightTestSupport
import Testing

/// Reads `Fixtures/<folder>/<name>` of this test target; a missing fixture fails the test.
func fixture(_ folder: String, _ name: String) throws -> String {
    let url = RepositoryPaths.tests("PreflightChecksTests").appendingPathComponent("Fixtures")
        .appendingPathComponent(folder).appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
        Issue.record("missing fixture \(url.path)")
        throw FixtureMissing(path: url.path)
    }
    return try String(contentsOf: url, encoding: .utf8)
}

struct FixtureMissing: Error { let path: String }

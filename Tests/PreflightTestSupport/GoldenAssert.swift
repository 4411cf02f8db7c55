import Foundation
import Testing

/// Whether goldens are being re-recorded: `PREFLIGHT_RECORD=1 swift test`.
public var isRecordingGoldens: Bool {
    ProcessInfo.processInfo.environment["PREFLIGHT_RECORD"] == "1"
}

/// Compares output with a committed golden file, byte for byte.
///
/// A `.json` golden is parsed first and compared as values, so a content change is reported
/// as such; the bytes must then match too (key order, indentation, number text).
/// With `PREFLIGHT_RECORD=1` the golden is written **and the test fails**, so a recording
/// run is never mistaken for a passing one (CI never sets it). A missing golden fails with
/// the command that records it.
/// - Parameters:
///   - data: The rendered output.
///   - path: The golden file, e.g. `Tests/PreflightReportersTests/Golden/canonical.txt`.
public func assertGolden(
    _ data: Data, path: URL, sourceLocation: SourceLocation = #_sourceLocation
) {
    let name = path.lastPathComponent
    if isRecordingGoldens {
        do {
            try FileManager.default.createDirectory(
                at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: path)
            fail(
                "recorded golden \(path.path); review it, commit it, and run again without "
                    + "PREFLIGHT_RECORD", sourceLocation)
        } catch {
            Issue.record(
                "could not record golden \(path.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let expected = FileManager.default.contents(atPath: path.path) else {
        fail(
            "missing golden \(path.path); record it with `PREFLIGHT_RECORD=1 swift test`, "
                + "then review and commit it", sourceLocation)
        return
    }
    if expected == data { return }

    if path.pathExtension == "json" {
        do {
            let want = try JSONValue.parse(expected)
            let got = try JSONValue.parse(data)
            if want != got {
                Issue.record(
                    "golden \(name): JSON content differs at \(firstDifference(want, got, "$"))",
                    sourceLocation: sourceLocation)
                return
            }
        } catch {
            Issue.record("golden \(name): not JSON: \(error)", sourceLocation: sourceLocation)
            return
        }
    }
    fail(
        "golden \(name) differs (\(path.pathExtension == "json" ? "same JSON values, " : "")"
            + "bytes): \(firstLineDifference(expected, data)); re-record with PREFLIGHT_RECORD=1 "
            + "if the change is intended", sourceLocation)
}

private func fail(_ message: String, _ sourceLocation: SourceLocation) {
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}

/// `line N: expected "…", got "…"`, with escapes visible.
private func firstLineDifference(_ expected: Data, _ actual: Data) -> String {
    let a = String(decoding: expected, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false)
    let b = String(decoding: actual, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(a.count, b.count) {
        let x = index < a.count ? String(a[index]) : "<end of file>"
        let y = index < b.count ? String(b[index]) : "<end of file>"
        if x != y {
            return "line \(index + 1): expected \(x.debugDescription), got \(y.debugDescription)"
        }
    }
    return "same lines, different bytes"
}

/// The JSON path of the first difference between two values.
private func firstDifference(_ a: JSONValue, _ b: JSONValue, _ path: String) -> String {
    switch (a, b) {
    case (.object(let x), .object(let y)):
        for key in Set(x.keys).union(y.keys).sorted() {
            guard let xv = x[key] else { return "\(path).\(key) (unexpected key)" }
            guard let yv = y[key] else { return "\(path).\(key) (missing key)" }
            if xv != yv { return firstDifference(xv, yv, "\(path).\(key)") }
        }
    case (.array(let x), .array(let y)):
        for index in 0..<min(x.count, y.count) where x[index] != y[index] {
            return firstDifference(x[index], y[index], "\(path)[\(index)]")
        }
        if x.count != y.count { return "\(path) (\(x.count) items expected, \(y.count) found)" }
    default: break
    }
    return "\(path): expected \(a), got \(b)"
}

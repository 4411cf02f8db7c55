import Foundation
import Testing

/// `--max-findings-per-code`: reports list a bounded number of each check's findings of one
/// code and count the rest, with the same counts, verdict and exit code as a full listing.
@Suite struct FindingLimitCommandTests {
    /// A training file of 28 copies of one record among 42 distinct ones: 27 duplicates.
    func withCopies(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines: [String] = []
        for i in 0..<70 {
            let text = i % 7 == 3 || i >= 49 ? "the same request" : "request number \(i)"
            lines.append(#"{"text": "\#(text)", "label": "\#(i % 2 == 0 ? "a" : "b")"}"#)
        }
        let train = folder.appendingPathComponent("train.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: train)
        try body(train)
    }

    func audit(_ train: URL, limit: String) throws -> (code: Int32, stdout: String, json: Any) {
        let report = train.deletingLastPathComponent().appendingPathComponent("r-\(limit).json")
        let result = runCLI([
            "audit", "--train", train.path, "--max-findings-per-code", limit, "--max-findings",
            "100", "--report", "json=\(report.path)",
        ])
        return (
            result.code, result.stdout,
            try JSONSerialization.jsonObject(with: Data(contentsOf: report))
        )
    }

    func duplicates(_ json: Any) -> [[String: Any]] {
        let findings = (json as? [String: Any])?["findings"] as? [[String: Any]] ?? []
        return findings.filter { $0["check"] as? String == "exact_duplicates" }
    }

    @Test func listsTheFirstAndCountsTheRestWithExactTotals() throws {
        try withCopies { train in
            let all = try audit(train, limit: "0")
            let capped = try audit(train, limit: "5")
            #expect(duplicates(all.json).count == 27)
            func omitted(_ finding: [String: Any]) -> Int? {
                (finding["metrics"] as? [String: Any])?["omitted_findings"] as? Int
            }
            let listed = duplicates(capped.json).filter { omitted($0) == nil }
            #expect(listed.count == 5)
            // The first five in file order: lines 11, 18, 25, 32, 39 (line 4 is the first copy).
            #expect(
                listed.compactMap { ($0["location"] as? [String: Any])?["line"] as? Int }
                    == [11, 18, 25, 32, 39])
            let summary = try #require(duplicates(capped.json).first { omitted($0) != nil })
            #expect(omitted(summary) == 22)
            #expect((summary["location"] as? [String: Any])?["line"] == nil)
            #expect(
                (summary["message"] as? String)?.hasPrefix(
                    "22 more 'duplicate_input' errors in '\(train.path)' not listed one by one")
                    == true)
            let allSummary = (all.json as? [String: Any])?["summary"] as? [String: Int]
            let cappedSummary = (capped.json as? [String: Any])?["summary"] as? [String: Int]
            #expect(allSummary != nil && allSummary == cappedSummary)
            #expect(all.code == capped.code)
            // The terminal report's headline and check table are the same.
            #expect(
                all.stdout.split(separator: "\n").first
                    == capped.stdout.split(separator: "\n").first)
            #expect(
                capped.stdout.contains("27 duplicate records in 1 group (train 27) · 27 errors"))
        }
    }

    @Test func aNegativeLimitIsAUsageError() {
        let result = runCLI(["audit", "samples/clean-intents", "--max-findings-per-code=-1"])
        #expect(result.code == 2)
        #expect(result.stderr.contains("--max-findings-per-code must be 0 (list all) or more"))
    }
}

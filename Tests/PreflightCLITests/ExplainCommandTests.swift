import Foundation
import PreflightTestSupport
import Testing

/// `preflight explain`.
@Suite struct ExplainCommandTests {
    @Test func explainsNearDuplicatesOfTheSample() {
        let result = runCLI(["explain", "near_duplicates", "samples/near-duplicates"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        let out = result.stdout
        #expect(out.hasPrefix("near_duplicates: how 'threshold' 0.8 falls on this data\n"))
        for heading in [
            "SHINGLES", "SEARCH", "LSH DETECTION PROBABILITY", "VERIFIED SIMILARITIES",
            "JUST ABOVE THE THRESHOLD", "JUST BELOW THE THRESHOLD",
        ] {
            #expect(out.contains("\n\(heading)"), "missing \(heading)")
        }
        #expect(out.contains("scheme: words:1 (shingle: auto)"))
        #expect(out.contains("◀ threshold 0.8"))
        // The sample's pair just below the threshold: two words substituted.
        #expect(
            out.contains(
                "samples/near-duplicates/train.jsonl:16: how can my partner get access to our shared family plan"
            ))
        #expect(out.contains("samples/near-duplicates/train.jsonl:30: how can my sister"))
    }

    @Test func explainHonoursRulesAndSplitFlags() throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-explain-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "version: 1\nchecks:\n  near_duplicates: { threshold: 0.9, shingle: chars:4 }\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let result = runCLI([
            "explain", "near_duplicates", "--train", "samples/near-duplicates/train.jsonl",
            "--rules", file.path,
        ])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("how 'threshold' 0.9 falls"))
        #expect(result.stdout.contains("scheme: chars:4 (shingle: chars:4)"))
    }

    @Test func unknownCheckIsAUsageErrorWithSuggestion() {
        let result = runCLI(["explain", "near_duplicate", "samples/near-duplicates"])
        #expect(result.code == 2)
        #expect(
            result.stderr.contains(
                "unknown check 'near_duplicate'; did you mean 'near_duplicates'?"))
        #expect(result.stdout == "")
    }

    @Test func checkWithoutExplanationIsAUsageError() {
        let result = runCLI(["explain", "exact_duplicates", "samples/near-duplicates"])
        #expect(result.code == 2)
        #expect(
            result.stderr.contains(
                "check 'exact_duplicates' has no explanation; explainable checks: near_duplicates"))
    }

    @Test func missingInputsAreAUsageError() {
        #expect(runCLI(["explain", "near_duplicates"]).code == 2)
        #expect(runCLI(["explain", "near_duplicates", "samples/nothing-here"]).code == 3)
    }
}

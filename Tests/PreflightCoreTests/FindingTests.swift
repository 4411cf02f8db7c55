import PreflightTestSupport
import Testing

@testable import PreflightCore

struct FindingTests {
    func finding(
        _ check: CheckID = "exact_duplicates", code: String = "duplicate_input",
        severity: Severity = .error, message: String = "record repeats line 3",
        path: String? = "data/train.jsonl", line: Int? = 12, id: String? = nil,
        related: [DataLocation] = []
    ) -> Finding {
        Finding(
            checkID: check, code: code, severity: severity, message: message,
            location: path.map {
                DataLocation(path: $0, split: "train", line: line, record: line, id: id)
            },
            related: related)
    }

    @Test func fingerprintIgnoresMessageAndSeverity() {
        let a = finding()
        #expect(a.fingerprint == finding(message: "a reworded message").fingerprint)
        #expect(a.fingerprint == finding(severity: .warning).fingerprint)
        #expect(a.fingerprint.count == 32)
        #expect(a.fingerprint.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func fingerprintDiffersByLocationCheckAndCode() {
        let base = finding().fingerprint
        #expect(base != finding(line: 13).fingerprint)
        #expect(base != finding(path: "data/test.jsonl").fingerprint)
        #expect(base != finding("near_duplicates").fingerprint)
        #expect(base != finding(code: "duplicate_example").fingerprint)
        #expect(base != finding(path: nil).fingerprint)
        let related = DataLocation(path: "data/train.jsonl", split: "train", line: 3, record: 3)
        #expect(base != finding(related: [related]).fingerprint)
    }

    @Test func fingerprintUsesTheRecordIDOverTheLine() {
        // A record keeps its identity when lines move above it.
        #expect(finding(line: 12, id: "r7").fingerprint == finding(line: 40, id: "r7").fingerprint)
        #expect(finding(line: 12, id: "r7").fingerprint != finding(line: 12, id: "r8").fingerprint)
    }

    @Test func datasetLevelFindingsAreTellApartByMessage() {
        // No record to identify them: two dataset-level findings of one code differ by message.
        let a = finding(message: "label 'a' has 1 record", path: nil)
        let b = finding(message: "label 'b' has 1 record", path: nil)
        #expect(a.fingerprint != b.fingerprint)
    }

    @Test func reportOrderPutsDatasetLevelFirstThenFileLineCheckCodeMessage() {
        let expected = [
            finding("class_balance", message: "b", path: nil),
            finding("volume", message: "a", path: nil),
            finding("pii", path: "a.jsonl", line: 50),
            finding("exact_duplicates", path: "b.jsonl", line: 2),
            finding("exact_duplicates", path: "b.jsonl", line: 10),
            finding("exact_duplicates", code: "x", message: "b", path: "b.jsonl", line: 11),
            finding("exact_duplicates", code: "y", message: "a", path: "b.jsonl", line: 11),
            finding("pii", message: "a", path: "b.jsonl", line: 11),
            finding("pii", message: "b", path: "b.jsonl", line: 11),
        ]
        for seed in 0..<10 {
            var shuffled = expected
            var generator = SplitMix(seed: UInt64(seed))
            shuffled.shuffle(using: &generator)
            #expect(shuffled.sorted(by: Finding.reportOrder) == expected)
        }
    }

    @Test func sortedForReportGivesTheReportOrder() {
        // Many ties on path and line (several checks at one record), findings without a
        // location or a line, field-level locations, 0…5,000 findings.
        var rng = SplitMix(seed: 41)
        for count in [0, 1, 2, 50, 5_000] {
            let findings = (0..<count).map { _ -> Finding in
                let path = ["a.jsonl", "b.jsonl", "data/c.csv", nil][rng.int(0..<4)]
                var f = finding(
                    ["pii", "exact_duplicates", "near_duplicates"][rng.int(0..<3)],
                    code: ["x", "y"][rng.int(0..<2)], message: "m\(rng.int(0..<3))", path: path,
                    line: rng.int(0..<4) == 0 ? nil : rng.int(1..<40))
                if rng.int(0..<3) == 0 { f.location?.field = ["text", "label"][rng.int(0..<2)] }
                if rng.int(0..<3) == 0 {
                    f.related = [
                        DataLocation(path: "a.jsonl", split: "train", line: rng.int(1..<9))
                    ]
                }
                return f
            }
            #expect(Finding.sortedForReport(findings) == findings.sorted(by: Finding.reportOrder))
        }
    }

    @Test func reportOrderIsAStrictOrderWhenLocationsDifferOnlyByID() {
        // Same path and line, different ids: the locations tie, so check ids decide.
        let a = finding("b_check", id: "x")
        let b = finding("a_check", id: "y")
        #expect(Finding.reportOrder(b, a))
        #expect(!Finding.reportOrder(a, b))
        #expect(!Finding.reportOrder(a, a))
    }
}

import Testing

@testable import PreflightCore

struct FindingComparisonTests {
    func finding(
        _ check: CheckID = "exact_duplicates", code: String = "duplicate_input",
        line: Int? = 12, severity: Severity = .error, message: String = "record repeats line 3"
    ) -> Finding {
        Finding(
            checkID: check, code: code, severity: severity, message: message,
            location: line.map {
                DataLocation(path: "data/train.jsonl", split: "train", line: $0, record: $0)
            })
    }

    @Test func pairsByFingerprintAndRatesSeverityChanges() {
        let baseline = [
            finding(line: 4), finding(line: 9, severity: .warning),
            finding(line: 20, severity: .error), finding(line: 30),
        ]
        let current = [
            finding(line: 4, message: "reworded"), finding(line: 9, severity: .error),
            finding(line: 20, severity: .warning), finding(line: 40),
        ]
        let comparison = FindingComparison(baseline: baseline, current: current)
        #expect(comparison.changes == [.unchanged, .worse, .improved, .new])
        #expect(comparison.matches == [0, 1, 2, nil])
        #expect(comparison.fixed == [baseline[3]])
        #expect(comparison.counts == [.unchanged: 1, .worse: 1, .improved: 1, .new: 1])
        #expect(comparison.changes.filter(\.isRegression) == [.worse, .new])
    }

    @Test func summariesPairByFileAndRateTheirCount() {
        func summary(_ count: Int, limit: Int = 100) -> Finding {
            FindingLimit.summary(
                checkID: "exact_duplicates", code: "duplicate_input", severity: .error,
                file: DataLocation(path: "data/train.jsonl", split: "train"), count: count,
                limit: limit)
        }
        let baseline = [summary(500), finding(line: 4)]
        for (count, change) in [(500, FindingChange.unchanged), (501, .worse), (20, .improved)] {
            let comparison = FindingComparison(
                baseline: baseline, current: [finding(line: 4), summary(count, limit: 50)])
            #expect(comparison.changes == [.unchanged, change], "\(count)")
            #expect(comparison.fixed.isEmpty)
        }
    }

    @Test func repeatedFingerprintsPairOneToOne() {
        // Two identical findings before, three now: one is new.
        let baseline = [finding(), finding()]
        let current = [finding(), finding(), finding()]
        let comparison = FindingComparison(baseline: baseline, current: current)
        #expect(comparison.changes == [.unchanged, .unchanged, .new])
        #expect(comparison.fixed.isEmpty)
        let fewer = FindingComparison(baseline: current, current: baseline)
        #expect(fewer.fixed.count == 1)
    }

    @Test func datasetLevelFindingsPairByMessageWithNumbersMasked() {
        let baseline = [
            finding(
                "class_balance", code: "minority_class", line: nil, severity: .warning,
                message: "class 'spam' has 3 records (0.2%), below min_share 1%"),
            finding(
                "volume", code: "too_few", line: nil, message: "1,200 records, below 2000"),
        ]
        let current = [
            finding(
                "class_balance", code: "minority_class", line: nil, severity: .error,
                message: "class 'spam' has 41 records (2.7%), below min_share 1%"),
            finding(
                "class_balance", code: "minority_class", line: nil, severity: .warning,
                message: "class 'ham2' has 3 records (0.2%), below min_share 1%"),
            finding("volume", code: "too_few", line: nil, message: "1,900 records, below 2000"),
        ]
        let comparison = FindingComparison(baseline: baseline, current: current)
        #expect(comparison.changes == [.worse, .new, .unchanged])
        #expect(comparison.fixed.isEmpty)
    }

    @Test func maskedMessageKeepsQuotedNames() {
        #expect(
            FindingComparison.maskedMessage("label 'v2' has 12 records (0.5%)")
                == "label 'v2' has # records (#%)")
        #expect(FindingComparison.maskedMessage("1,234.5 tokens") == "# tokens")
        #expect(FindingComparison.maskedMessage("no digits") == "no digits")
    }

    @Test func emptyRuns() {
        let onlyNow = FindingComparison(baseline: [], current: [finding()])
        #expect(onlyNow.changes == [.new])
        let onlyBefore = FindingComparison(baseline: [finding()], current: [])
        #expect(onlyBefore.changes.isEmpty)
        #expect(onlyBefore.fixed.count == 1)
    }
}

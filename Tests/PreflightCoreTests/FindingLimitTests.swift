import PreflightTestSupport
import Testing

@testable import PreflightCore

struct FindingLimitTests {
    /// A finding of `code` at `line` of `path`.
    func finding(
        _ code: String, _ severity: Severity = .error, line: Int, path: String = "train.jsonl"
    ) -> Finding {
        Finding(
            checkID: "x", code: code, severity: severity, message: "\(code) at \(line)",
            location: DataLocation(path: path, split: "train", line: line, record: line))
    }

    func shuffled(_ findings: [Finding], seed: UInt64) -> [Finding] {
        var rng = SplitMix(seed: seed)
        var out = findings
        for i in stride(from: out.count - 1, to: 0, by: -1) {
            out.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return out
    }

    func summaries(_ findings: [Finding]) -> [Finding] {
        Finding.sortedForReport(findings.filter { $0.weight > 1 })
    }

    @Test func keepsTheFirstOfEachCodeInReportOrderWhateverTheInputOrder() {
        let all =
            (1...30).map { finding("a", line: $0) }
            + (1...12).map { finding("a", line: $0, path: "more.jsonl") }
            + (1...4).map { finding("b", .warning, line: $0) }
        let expected = Finding.sortedForReport(all.filter { $0.code == "a" }).prefix(10)
        for seed in 1...5 {
            let capped = FindingLimit.apply(shuffled(all, seed: UInt64(seed)), limit: 10)
            let listed = Finding.sortedForReport(capped.filter { $0.weight == 1 })
            #expect(Array(listed.filter { $0.code == "a" }) == Array(expected))
            // Under the limit: untouched.
            #expect(listed.filter { $0.code == "b" }.count == 4)
            // "more.jsonl" sorts first: its 12 fill 10 places; 2 of it and all 30 of train
            // are counted, in one summary per file.
            let counted = summaries(capped)
            #expect(counted.map(\.location?.path) == ["more.jsonl", "train.jsonl"])
            #expect(counted.map(\.weight) == [2, 30])
            #expect(counted.allSatisfy { $0.code == "a" && $0.severity == .error })
            #expect(counted.allSatisfy { $0.location?.line == nil })
            #expect(capped.weightedCount == all.count)
            #expect(capped.severityCounts == all.severityCounts)
        }
    }

    @Test func oneSummaryPerSeverityAndFile() {
        let all =
            (1...5).map { finding("a", .error, line: $0) }
            + (6...9).map { finding("a", .warning, line: $0) }
            + (10...12).map { finding("a", .info, line: $0) }
        let capped = FindingLimit.apply(all, limit: 3)
        let counted = summaries(capped)
        #expect(counted.count == 3)
        #expect(
            Dictionary(uniqueKeysWithValues: counted.map { ($0.severity, $0.weight) })
                == [.error: 2, .warning: 4, .info: 3])
        #expect(capped.severityCounts == [.error: 5, .warning: 4, .info: 3])
        #expect(Verdict(findings: capped) == .notReady)
        let error = counted.first { $0.severity == .error }!
        #expect(
            error.message
                == "2 more 'a' errors in 'train.jsonl' not listed one by one: reports list the first 3 findings of each check and code"
        )
        #expect(error.metrics == [FindingLimit.omittedMetric: 2])
    }

    @Test func datasetLevelFindingsAreCountedWithoutAFile() {
        let all = (1...4).map {
            Finding(checkID: "x", code: "d", severity: .warning, message: "dataset \($0)")
        }
        let counted = summaries(FindingLimit.apply(all, limit: 1))
        #expect(counted.count == 1)
        #expect(counted[0].location == nil)
        #expect(counted[0].weight == 3)
        #expect(counted[0].message.hasPrefix("3 more 'd' warnings not listed"))
    }

    @Test func summariesPassThroughAndDoNotCountTowardTheLimit() {
        let earlier = FindingLimit.summary(
            checkID: "x", code: "a", severity: .error,
            file: DataLocation(path: "train.jsonl", split: "train"), count: 500, limit: 2)
        let all = [earlier, finding("a", line: 1), finding("a", line: 2)]
        #expect(FindingLimit.apply(all, limit: 2) == all)
        #expect(all.weightedCount == 502)
    }

    @Test func noLimitOrUnderTheLimitChangesNothing() {
        let all = (1...50).map { finding("a", line: $0) }
        #expect(FindingLimit.apply(all, limit: 0) == all)
        #expect(FindingLimit.apply(all, limit: 50) == all)
        #expect(FindingLimit.apply(all, limit: 49).count == 50)
    }

    @Test func weightIsOneUnlessTheFindingIsASummary() {
        #expect(finding("a", line: 1).weight == 1)
        var odd = finding("a", line: 1)
        odd.metrics[FindingLimit.omittedMetric] = 0
        #expect(odd.weight == 1)
        odd.metrics[FindingLimit.omittedMetric] = 7
        #expect(odd.weight == 7)
        // Values a hostile report read back could hold.
        for value: Double in [.nan, -.infinity, -3, 0.5] {
            odd.metrics[FindingLimit.omittedMetric] = value
            #expect(odd.weight == 1, "\(value)")
        }
        for value in [Double.infinity, 1e300, 9.3e18] {
            odd.metrics[FindingLimit.omittedMetric] = value
            #expect(odd.weight == 1_000_000_000_000, "\(value)")
        }
    }
}

/// The auditor caps each check's findings and keeps every count exact.
struct AuditorFindingLimitTests {
    func audit(_ rules: String, limit: Int, suppressions: SuppressionFile? = nil) throws
        -> AuditReport
    {
        let checks = try configure(rules)
        return try Auditor.run(
            AuditRequest(
                dataset: sampleDataset(), checks: checks, failOn: .warning,
                metadata: ReportMetadata(), suppressions: suppressions, findingLimit: limit))
    }

    /// Six errors at lines 6…1 and two infos.
    let rules = """
        version: 1
        checks:
          scripted:
            severity: error
            emit: [error, error, error, error, error, error, info, info]
            lines: [6, 5, 4, 3, 2, 1, 8, 7]
        """

    @Test func countsStatusAndVerdictStayExact() throws {
        let all = try audit(rules, limit: 0)
        let capped = try audit(rules, limit: 2)
        #expect(all.findings.count == 8)
        #expect(capped.findings.count == 2 + 1 + 2)  // two errors, their summary, two infos
        #expect(capped.counts == all.counts)
        #expect(capped.counts == [.error: 6, .info: 2])
        let check = try #require(capped.checks.first { $0.id == "scripted" })
        #expect(check.counts == [.error: 6, .info: 2])
        #expect(check.status == .fail)
        #expect(capped.verdict == all.verdict)
        #expect(capped.fails == all.fails)
        #expect(
            capped.findings.filter { $0.weight == 1 && $0.severity == .error }
                .map(\.location?.line) == [1, 2])
        let summary = try #require(capped.findings.first { $0.weight > 1 })
        #expect(summary.weight == 4)
        #expect(summary.code == "scripted_error")
        #expect(capped.readiness.map(\.counts) == all.readiness.map(\.counts))
    }

    @Test func aSuppressedSummaryHidesTheFindingsItStandsFor() throws {
        let file = try SuppressionFile.parse(
            """
            version: 1
            suppressions:
              - code: scripted_error
                reason: known
            """, path: ".preflight-ignore.yaml", checkIDs: ["scripted"])
        let capped = try audit(rules, limit: 2, suppressions: file)
        let all = try audit(rules, limit: 0, suppressions: file)
        #expect(capped.suppressions?.suppressedCount == 6)
        #expect(all.suppressions?.suppressedCount == 6)
        #expect(capped.counts == [.info: 2])
        #expect(capped.suppressions?.entries.first?.suppressed == 6)
    }
}

@Test func diffListsCountWhatSummariesStandFor() {
    let summary = FindingLimit.summary(
        checkID: "exact_duplicates", code: "duplicate_input", severity: .error,
        file: DataLocation(path: "train.jsonl", split: "train"), count: 40, limit: 2)
    let one = Finding(
        checkID: "exact_duplicates", code: "duplicate_input", severity: .error, message: "copy",
        location: DataLocation(path: "train.jsonl", split: "train", line: 3, record: 3))
    let list = ReportDiff.FindingList([summary, one, one])
    #expect(list.total == 42)
    #expect(list.findings.count == 3)
}

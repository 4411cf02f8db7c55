import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

/// A fixed pair of reports for the diff goldens, built from `CanonicalReport`.
///
/// Old: the canonical report without its errors (so "ready with warnings"), plus a
/// near-duplicate finding that is gone in the new report; inputs: train (another sha256),
/// validation, and `data/old.jsonl` (removed); record sketches: train estimated (> k distinct
/// records), validation exact, regression none (as from an older build).
/// New: the canonical report ("not ready": its errors, duplicates and the leak are new),
/// another rules digest, an added `data/test.jsonl` and its split, and labels that moved.
enum DiffFixture {
    static let oldPath = "reports/main.json"
    static let newPath = "reports/pr-42.json"

    static var pair: (old: AuditReport, new: AuditReport) {
        var generator = SplitMix(seed: 42)
        let trainShared = generator.values(1_150)
        let trainOld = RecordSketch(hashes: trainShared + generator.values(50))
        let trainNew = RecordSketch(hashes: trainShared + generator.values(90))
        let validationShared = generator.values(140)
        let validationOld = RecordSketch(hashes: validationShared + generator.values(10))
        let validationNew = RecordSketch(hashes: validationShared + generator.values(12))
        let testNew = RecordSketch(hashes: generator.values(30))
        let regressionNew = RecordSketch(hashes: generator.values(40))

        var new = CanonicalReport.report
        new.metadata.rulesDigest = String(repeating: "ab", count: 32)
        new.metadata.generatedAt = "2025-01-16T10:00:00Z"
        new.inputs[0].sha256 = String(repeating: "4", count: 64)
        var test = new.inputs[1]
        test.path = "data/test.jsonl"
        test.split = "test"
        test.compression = nil
        test.records = 30
        new.inputs.append(test)
        new.statistics = [
            SplitStatistics(
                split: "train", files: 1, records: 1_240, malformed: 2,
                labels: [("billing", 690), ("café", 530), ("日本語", 20)],
                distinctRecords: trainNew.distinct, recordSketch: trainNew.hashes),
            SplitStatistics(
                split: "validation", files: 1, records: 152, malformed: 0,
                labels: [("billing", 90), ("café", 62)],
                distinctRecords: validationNew.distinct, recordSketch: validationNew.hashes),
            SplitStatistics(
                split: "test", files: 1, records: 30, malformed: 0,
                labels: [("billing", 20), ("café", 10)], distinctRecords: testNew.distinct,
                recordSketch: testNew.hashes),
            SplitStatistics(
                split: "regression", files: 1, records: 40, malformed: 0,
                labels: [("billing", 20), ("café", 15), ("日本語", 5)],
                distinctRecords: regressionNew.distinct, recordSketch: regressionNew.hashes),
        ]

        var old = CanonicalReport.report
        old.findings = old.findings.filter { $0.severity != .error }
        old.findings.append(
            Finding(
                checkID: "near_duplicates", code: "near_duplicate", severity: .warning,
                message: "record is 92% similar to an earlier record, above threshold 80%",
                location: DataLocation(path: CanonicalReport.train, split: "train", line: 77),
                related: [DataLocation(path: CanonicalReport.train, split: "train", line: 12)]))
        old.findings.sort(by: Finding.reportOrder)
        old.verdict = Verdict(findings: old.findings)
        var removed = old.inputs[0]
        removed.path = "data/old.jsonl"
        old.inputs.append(removed)
        old.statistics = [
            SplitStatistics(
                split: "train", files: 2, records: 1_200, malformed: 2,
                labels: [("billing", 700), ("café", 480), ("日本語", 20)],
                distinctRecords: trainOld.distinct, recordSketch: trainOld.hashes),
            SplitStatistics(
                split: "validation", files: 1, records: 150, malformed: 0,
                labels: [("billing", 90), ("café", 60)],
                distinctRecords: validationOld.distinct, recordSketch: validationOld.hashes),
            SplitStatistics(
                split: "regression", files: 1, records: 40, malformed: 0,
                labels: [("billing", 20), ("café", 15), ("日本語", 5)]),
        ]
        return (old, new)
    }

    static var diff: ReportDiff { ReportDiff(old: pair.old, new: pair.new) }

    static func render(_ format: DiffFormat, maxLength: Int = MarkdownReporter.gitHubCommentLimit)
        -> Data
    {
        DiffReporter(format: format, oldPath: oldPath, newPath: newPath, maxLength: maxLength)
            .render(diff)
    }
}

struct DiffReporterTests {
    @Test func textGolden() {
        assertGolden(DiffFixture.render(.text), path: Goldens.url("diff.txt"))
    }

    @Test func markdownGolden() {
        assertGolden(DiffFixture.render(.markdown), path: Goldens.url("diff.md"))
    }

    @Test func jsonGolden() {
        assertGolden(DiffFixture.render(.json), path: Goldens.url("diff.json"))
    }

    @Test func jsonMatchesTheDiffSchema() throws {
        let validator = try JSONSchemaValidator(
            contentsOf: RepositoryPaths.root.appendingPathComponent("schemas/diff-v1.schema.json"))
        let errors = validator.validate(DiffFixture.render(.json))
        #expect(errors.isEmpty, "\(errors)")
        let empty = AuditReport(
            metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [], checks: [],
            statistics: [], findings: [])
        let emptyDiff = DiffReporter(format: .json, oldPath: "a.json", newPath: "b.json")
            .render(ReportDiff(old: empty, new: empty))
        #expect(validator.validate(emptyDiff).isEmpty)
    }

    @Test func diffOfTheFixtureHasTheExpectedNumbers() throws {
        let diff = DiffFixture.diff
        #expect(diff.verdict == .init(old: .readyWithWarnings, new: .notReady))
        #expect(diff.rulesChanged)
        let validation = try #require(diff.splits.first { $0.split == "validation" })
        #expect(validation.change?.added == 12)
        #expect(validation.change?.removed == 10)
        #expect(validation.change?.isExact == true)
        let train = try #require(diff.splits.first { $0.split == "train" })
        #expect(train.change?.isExact == false)
        let trainChange = try #require(train.change)
        #expect(Double(abs(trainChange.added - 90)) <= 3 * trainChange.standardError)
        let test = try #require(diff.splits.first { $0.split == "test" })
        #expect(
            test.change
                == .init(
                    added: 30, removed: 0, common: 0, isExact: true, jaccardStandardError: 0,
                    standardError: 0))
        let regression = try #require(diff.splits.first { $0.split == "regression" })
        #expect(regression.change == nil)
        #expect(regression.unknownReason == "the old report has no record sketch")
        #expect(diff.newDuplicates.total > 0)
        #expect(diff.newLeaks.total == 1)
        #expect(diff.fixedDuplicates.total == 1)
        #expect(diff.files.map(\.status).contains(.removed))
        #expect(diff.files.first { $0.path == "data/test.jsonl" }?.status == .added)
        #expect(diff.files.first { $0.path == CanonicalReport.train }?.status == .changed)
    }

    @Test func markdownStaysWithinItsLimit() {
        let text = DiffFixture.render(.markdown, maxLength: 1_500)
        #expect(text.count <= 1_500)
        #expect(String(decoding: text, as: UTF8.self).hasSuffix("has everything.\n"))
    }

    @Test func jensenShannonDivergence() {
        #expect(ReportDiff.jensenShannon([0.5, 0.5], [0.5, 0.5]) == 0)
        #expect(ReportDiff.jensenShannon([1, 0], [0, 1]) == 1)
        let d = ReportDiff.jensenShannon([0.7, 0.3], [0.6, 0.4])
        #expect(d > 0.007 && d < 0.008)
    }
}

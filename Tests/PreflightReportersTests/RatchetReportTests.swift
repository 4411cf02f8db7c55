import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

/// The canonical report run with a baseline and a suppression file, in every format.
enum RatchetReport {
    /// The canonical findings, some suppressed, compared with a baseline that had one of
    /// them at a lower severity, missed two, and had one finding that is now gone.
    static var report: AuditReport {
        let canonical = CanonicalReport.report
        let file = SuppressionFile(
            path: ".preflight-ignore.yaml",
            entries: [
                Suppression(
                    mark: YAMLMark(file: ".preflight-ignore.yaml", line: 3, column: 5),
                    check: "pii", reason: "addresses are synthetic, <checked> & \"signed off\"",
                    expires: "2027-06-30"),
                Suppression(
                    mark: YAMLMark(file: ".preflight-ignore.yaml", line: 7, column: 5),
                    check: "class_balance", code: "imbalanced",
                    reason: "the rare class is collected next quarter", expires: "2026-01-31"),
                Suppression(
                    mark: YAMLMark(file: ".preflight-ignore.yaml", line: 11, column: 5),
                    path: "data/old/*.jsonl", message: "*café*", reason: "old export, ignored"),
            ])
        let applied = SuppressionOutcome.apply(file, to: canonical.findings, today: "2026-11-25")
        let findings = (applied.kept + applied.findings).sorted(by: Finding.reportOrder)
        // The baseline: the kept findings but the last two, the first error at warning, and
        // one finding that is fixed now.
        var baseline = Array(applied.kept.dropLast(2))
        if let i = baseline.firstIndex(where: { $0.severity == .error }) {
            baseline[i].severity = .warning
        }
        baseline.append(
            Finding(
                checkID: "exact_duplicates", code: "duplicate_input", severity: .error,
                message: "record repeats line 4 <b>\"quoted\"</b>",
                location: DataLocation(
                    path: CanonicalReport.train, split: "train", line: 9, record: 9),
                related: [
                    DataLocation(path: CanonicalReport.train, split: "train", line: 4, record: 4)
                ]))
        let comparison = FindingComparison(baseline: baseline, current: findings)
        var report = canonical
        report.findings = findings
        report.verdict = Verdict(findings: findings)
        report.suppressions = applied.outcome
        report.baseline = BaselineOutcome(
            path: "reports/last-week.json", changes: comparison.changes,
            fixed: comparison.fixed.sorted(by: Finding.reportOrder))
        return report
    }
}

struct RatchetReportTests {
    @Test(arguments: ReportFormat.allCases)
    func golden(format: ReportFormat) throws {
        assertGolden(
            try format.reporter.render(RatchetReport.report),
            path: Goldens.url("canonical-ratchet.\(format.fileExtension)"))
    }

    @Test func theReportHasEveryKindOfChange() throws {
        let report = RatchetReport.report
        let counts = try #require(report.baseline?.counts)
        #expect(counts[.new, default: 0] > 0)
        #expect(counts[.worse, default: 0] > 0)
        #expect(counts[.unchanged, default: 0] > 0)
        #expect(report.baseline?.fixed.count == 1)
        let outcome = try #require(report.suppressions)
        #expect(outcome.entries.map(\.expired) == [false, true, false])
        #expect(outcome.suppressed.count > 0)
        #expect(
            report.findings.filter { $0.checkID == SuppressionOutcome.checkID }.map(\.code)
                == ["expired_suppression", "unmatched_suppression"])
    }

    @Test func jsonMatchesTheSchema() throws {
        let validator = try JSONSchemaValidator(contentsOf: Goldens.schema)
        let errors = validator.validate(try JSONReporter().render(RatchetReport.report))
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func jsonReadsBackToTheSameBytes() throws {
        let data = try JSONReporter().render(RatchetReport.report)
        let read = try JSONReportReader.read(data, path: "ratchet.json")
        #expect(read.baseline?.changes == RatchetReport.report.baseline?.changes)
        #expect(read.suppressions?.entries.map(\.expired) == [false, true, false])
        #expect(try JSONReporter().render(read) == data)
        // A report with a baseline whose findings lack a 'change' is not one we wrote.
        let text = String(decoding: data, as: UTF8.self)
        let broken = text.replacingOccurrences(of: "\"change\" : \"new\",", with: "")
        #expect(throws: ReportReadError.self) {
            try JSONReportReader.read(Data(broken.utf8), path: "broken.json")
        }
    }

    @Test func sarifMatchesTheOASISSchemaAndMarksSuppressions() throws {
        let validator = try JSONSchemaValidator(contentsOf: SARIFReporterTests.schema)
        let data = try SARIFReporter().render(RatchetReport.report)
        #expect(validator.validate(data).isEmpty, "\(validator.validate(data))")
        let log = try JSONValue.parse(data)
        guard case .array(let results)? = log["runs"]?[0]?["results"] else {
            Issue.record("no results")
            return
        }
        let report = RatchetReport.report
        let suppressed = results.filter { $0["suppressions"] != nil }
        #expect(suppressed.count == report.suppressions?.suppressed.count)
        #expect(
            suppressed.first?["suppressions"]?[0]?["justification"]
                == .string("addresses are synthetic, <checked> & \"signed off\""))
        let states = results.compactMap { $0["baselineState"] }
        #expect(states.count == report.findings.count)
        #expect(states.contains(.string("new")) && states.contains(.string("updated")))
    }

    @Test func junitMatchesTheSchema() throws {
        let validator = try XMLSchemaValidator(contentsOf: JUnitReporterTests.schema)
        let errors = validator.validate(try JUnitReporter().render(RatchetReport.report))
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func textSaysWhatTheRatchetDecided() throws {
        let text = String(decoding: try TextReporter().render(RatchetReport.report), as: UTF8.self)
        #expect(text.contains("Against the baseline reports/last-week.json:"))
        #expect(text.contains("[new]"))
        #expect(text.contains("SUPPRESSED"))
        #expect(text.contains("FIXED"))
    }
}

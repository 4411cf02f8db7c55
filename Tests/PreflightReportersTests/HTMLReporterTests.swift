import Foundation
import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct HTMLReporterTests {
    private func render(_ report: AuditReport = CanonicalReport.reportWithCharts) throws -> Data {
        try HTMLReporter().render(report)
    }

    @Test func canonicalGolden() throws {
        assertGolden(try render(), path: Goldens.url("canonical.html"))
    }

    @Test func sameReportSameBytes() throws {
        #expect(try render() == render())
    }

    @Test func startsWithDoctypeAndPolicy() throws {
        let text = String(decoding: try render(), as: UTF8.self)
        #expect(
            text.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"))
        #expect(text.hasSuffix("</html>\n"))
        #expect(text.contains("Not ready"))
    }

    @Test func canonicalPageIsInert() throws {
        let page = try HTMLPage(try render())
        page.expectInert()
        for hostile in CanonicalReport.hostile {
            #expect(page.text.contains(hostile), "missing as text: \(hostile)")
        }
        // Non-ASCII and the line break reach the page as they are.
        #expect(page.text.contains("日本語のテキスト\nsecond line 😀"))
        #expect(page.text.contains("Not ready"))
    }

    @Test func chartsAreDrawnWithLabels() throws {
        let page = try HTMLPage(try render())
        // Class distribution (3 splits), length histograms (3 splits), coverage, leakage.
        #expect(page.count("svg") == 8)
        #expect(page.text.contains("Class distribution per split"))
        #expect(page.text.contains("Input length per split"))
        #expect(page.text.contains("Coverage per split"))
        #expect(page.text.contains("Leakage between splits"))
        #expect(page.text.contains("refund <requests> & \"returns\""))
        // Leakage cells carry their count and share of the row's split.
        #expect(page.text.contains("3 · 2.0%"))
    }

    @Test func chartsAreLeftOutWithoutData() throws {
        var report = CanonicalReport.report
        report.statistics = []
        let page = try HTMLPage(try render(report))
        #expect(page.count("svg") == 0)
        #expect(page.text.contains("No chart applies to this report."))
    }

    @Test func manyLabelsEndInAnOtherRow() throws {
        var report = CanonicalReport.report
        report.statistics = [
            SplitStatistics(
                split: "train", files: 1, records: 465, malformed: 0,
                labels: (1...30).map { (String(format: "label_%02d", $0), $0) })
        ]
        let page = try HTMLPage(try render(report))
        #expect(page.count("svg") == 1)
        // The 20 largest labels, then the other 10 (1 + … + 10 = 55 records) in one row.
        #expect(page.text.contains("label_30"))
        #expect(page.text.contains("label_11"))
        #expect(!page.text.contains("label_10"))
        #expect(page.text.contains("other (10 labels)55 · 11.8%"))
    }

    @Test func findingsShowTheirRecordsText() throws {
        let page = try HTMLPage(try render())
        #expect(page.text.contains("<script>alert(1)</script> please refund my order"))
        // The excerpt of a record no finding names is not shown.
        #expect(!page.text.contains("not named by any finding"))
    }

    /// ~50,000 findings across 20 checks: the page lists 25 per check, counts the rest,
    /// and stays small.
    @Test func largeReportStaysBounded() throws {
        let checkIDs = (0..<20).map { CheckID(rawValue: "check_\($0)") }
        var findings: [Finding] = []
        var excerpts: [RecordExcerptKey: String] = [:]
        let long = String(repeating: "x", count: 240) + "…"
        for (c, id) in checkIDs.enumerated() {
            for r in 0..<2_500 {
                let path = "data/train.jsonl"
                findings.append(
                    Finding(
                        checkID: id, code: "code", severity: r % 3 == 0 ? .error : .warning,
                        message: "finding \(r) of check \(c) with a message of moderate length",
                        hint: "do something about it",
                        location: DataLocation(
                            path: path, split: "train", line: r + 1, record: r + 1),
                        related: [DataLocation(path: path, split: "train", line: 1, record: 1)]))
                excerpts[RecordExcerptKey(path: path, record: r + 1)] = long
            }
        }
        excerpts[RecordExcerptKey(path: "data/train.jsonl", record: 1)] = long
        findings.sort(by: Finding.reportOrder)
        let checks = checkIDs.map { id in
            CheckSummary(
                id: id, title: "Check \(id)", category: .content, status: .fail, severity: .error,
                summary: "2,500 findings", metrics: [:],
                counts: [.error: 834, .warning: 1_666])
        }
        let report = AuditReport(
            metadata: ReportMetadata(), verdict: Verdict(findings: findings), failOn: .error,
            inputs: [], checks: checks, statistics: [], findings: findings,
            excerpts: excerpts)
        let data = try render(report)
        #expect(data.count < 1_500_000, "HTML is \(data.count) bytes")
        let page = try HTMLPage(data)
        #expect(page.text.contains("49,500 findings not shown on this page"))
        #expect(page.text.contains("2,475 more in the JSON report."))
    }

    /// A hostile dataset through the real pipeline (reader, checks, excerpts, reporter).
    @Test func hostileDatasetPageIsInert() throws {
        let hostile = [
            "<script>alert(1)</script> refund please", #"" onmouseover="alert(1) refund please"#,
            "]]> refund please", "' & <b> refund please", "<iframe src=\"http://x\"></iframe>",
            "<a href=\"javascript:alert(1)\">click</a> refund",
        ]
        func line(_ text: String, _ label: String) -> String {
            let data = try? JSONSerialization.data(withJSONObject: ["text": text, "label": label])
            return String(decoding: data ?? Data(), as: UTF8.self)
        }
        let train = (hostile.map { line($0, "a") } + hostile.map { line($0, "b") })
            .joined(separator: "\n")
        let validation = hostile.map { line($0, "a") }.joined(separator: "\n")
        let dataset = FixtureDataset.make([
            ("train.jsonl", .train, train), ("validation.jsonl", .validation, validation),
        ])
        let checks = try Auditor.configure(RuleSet(), registry: BuiltInChecks.all)
        var report = try Auditor.run(
            AuditRequest(dataset: dataset, checks: checks, metadata: ReportMetadata()))
        report.excerpts = ReportExcerpts.collect(for: report, dataset: dataset)
        #expect(!report.excerpts.isEmpty)
        let page = try HTMLPage(try render(report))
        page.expectInert()
        for text in hostile {
            #expect(page.text.contains(text), "missing as text: \(text)")
        }
    }
}

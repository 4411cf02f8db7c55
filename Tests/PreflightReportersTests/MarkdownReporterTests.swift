import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct MarkdownReporterTests {
    private func render(_ report: AuditReport = CanonicalReport.report) -> String {
        MarkdownReporter().renderText(report)
    }

    @Test func canonicalGolden() throws {
        assertGolden(
            try MarkdownReporter().render(CanonicalReport.report),
            path: Goldens.url("canonical.md"))
    }

    @Test func verdictComesFirst() {
        let text = render()
        #expect(text.hasPrefix("## ❌ Not ready: 12 errors, 1,240 warnings, 3 infos\n"))
        #expect(text.hasSuffix("</sub>\n"))
    }

    @Test func readinessIsAListAndChecksATable() {
        let lines = render().split(separator: "\n", omittingEmptySubsequences: false)
        let readiness = lines.filter { $0.hasPrefix("- ") }
        #expect(readiness.count == CanonicalReport.report.readiness.count)
        #expect(lines.contains("| status | check | summary | errors | warnings | infos |"))
        #expect(
            lines.contains {
                $0.hasPrefix("| ❌ fail | `malformed_record` | 2 malformed records (0.2%), ")
                    && $0.hasSuffix(" | 2 | 0 | 0 |")
            })
    }

    @Test func everyFindingFitsAndNoneIsCounted() {
        let text = render()
        // 22 rows, one of them standing for 1,234 findings not listed one by one.
        #expect(text.contains("_all 1,255, most severe first_"))
        #expect(!text.contains("not shown"))
    }

    @Test func findingsAreMostSevereFirst() {
        let rows = render().split(separator: "\n").filter {
            $0.hasPrefix("| ❌ error") || $0.hasPrefix("| ⚠️ warning") || $0.hasPrefix("| ℹ️ info")
        }
        #expect(rows.count == 22)
        let ranks = rows.map { $0.hasPrefix("| ❌") ? 2 : $0.hasPrefix("| ⚠️") ? 1 : 0 }
        #expect(ranks == ranks.sorted(by: >))
    }

    @Test func dataTextIsEscaped() {
        let text = render()
        // `< & "` and the line break of the markup finding, inside a table cell.
        #expect(
            text.contains(
                #"text contains markup '&lt;b&gt;' &amp; quotes "x", commas<br>and a line break"#))
        // The regression path: HTML characters become entities.
        #expect(text.contains(#"data/regression "v2", &lt;a&amp;b&gt;.csv record 7"#))
        // Non-ASCII is kept.
        #expect(text.contains("data/日本語/validation.jsonl.gz:12"))
        #expect(!text.contains("<b>"))
    }

    @Test(arguments: [
        ("plain text", "plain text"),
        ("a | b", #"a \| b"#),
        ("*bold* _it_ `code` ~x~", #"\*bold\* \_it\_ \`code\` \~x\~"#),
        ("[link](http://x) ![img](y)", #"\[link\](http://x) \!\[img\](y)"#),
        ("# heading @user $x$ \\", ##"\# heading \@user \$x\$ \\"##),
        ("<script>&amp;</script>", "&lt;script&gt;&amp;amp;&lt;/script&gt;"),
        ("line\nbreak\r\nwindows\rmac", "line<br>break<br>windows<br>mac"),
        ("tab\there\u{1B}[31m", "tab here\u{FFFD}\\[31m"),
        ("café 日本語 😀", "café 日本語 😀"),
    ])
    func escapes(input: String, output: String) {
        #expect(MarkdownText.escape(input) == output)
    }

    @Test func checkIDsAreCodeSpansOnlyWhenSafe() {
        #expect(MarkdownText.code("exact_duplicates") == "`exact_duplicates`")
        #expect(MarkdownText.code("a|b") == #"a\|b"#)
        #expect(MarkdownText.code("a`b") == #"a\`b"#)
    }

    @Test func longMessagesAreCut() {
        let long = String(repeating: "é", count: 1_000)
        let cut = MarkdownReporter.cut(long)
        #expect(cut.count == MarkdownReporter.cellLimit)
        #expect(cut.hasSuffix("…"))
    }

    @Test func fiftyThousandFindingsStayWithinGitHubsLimit() throws {
        var report = CanonicalReport.report
        report.findings = (1...50_000).map { i in
            Finding(
                checkID: i % 3 == 0 ? "exact_duplicates" : "pii", code: "c",
                severity: i % 7 == 0 ? .error : .warning,
                message: "record \(i) repeats <an> earlier | record & more, with text "
                    + String(repeating: "x", count: 120),
                hint: "remove the later copy",
                location: DataLocation(path: "data/train.jsonl", split: "train", line: i))
        }
        let reporter = MarkdownReporter(maxFindings: 50_000)
        let data = try reporter.render(report)
        #expect(data.count <= MarkdownReporter.gitHubCommentLimit)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.count <= MarkdownReporter.gitHubCommentLimit)
        #expect(text.utf16.count <= MarkdownReporter.gitHubCommentLimit)
        let shown =
            text.split(separator: "\n").filter { $0.hasPrefix("| ❌ error") }.count
            + text.split(separator: "\n").filter { $0.hasPrefix("| ⚠️ warning") }.count
        #expect(shown > 100)
        #expect(
            text.contains(
                "_\(ReportNumbers.count(50_000 - shown, "more finding")) not shown; "
                    + "see the JSON report (`--report json=PATH`)._"))
        #expect(text.hasSuffix("</sub>\n"))
    }

    @Test func maxFindingsLimitsTheTable() {
        let text = MarkdownReporter(maxFindings: 5).renderText(CanonicalReport.report)
        #expect(text.contains("_5 of 1,255, most severe first_"))
        #expect(
            text.contains(
                "_1,250 more findings not shown; the JSON report (`--report json=PATH`) lists "
                    + "them up to `--max-findings-per-code` of each check and code._"))
    }

    @Test func aSmallLimitShowsFewerRowsAndCountsTheRest() {
        let text = MarkdownReporter(maxLength: 4_000).renderText(CanonicalReport.report)
        #expect(text.utf8.count <= 4_000)
        #expect(text.contains("more findings not shown; the JSON report"))
        #expect(text.hasSuffix("</sub>\n"))
    }

    @Test func emptyReportHasNoFindingsTable() {
        let report = AuditReport(
            metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [], checks: [],
            statistics: [], findings: [])
        let text = render(report)
        #expect(text.hasPrefix("## ✅ Ready: no findings\n"))
        #expect(text.contains("No findings."))
    }
}

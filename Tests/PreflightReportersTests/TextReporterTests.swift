import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct TextReporterTests {
    private func text(_ report: AuditReport, _ reporter: TextReporter = TextReporter()) -> String {
        reporter.renderText(report)
    }

    /// Removes ANSI SGR sequences.
    private func stripANSI(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    private func finding(
        _ check: CheckID, _ severity: Severity, line: Int? = nil, _ message: String = "problem"
    ) -> Finding {
        Finding(
            checkID: check, code: "code", severity: severity, message: message,
            location: line.map { DataLocation(path: "train.jsonl", split: "train", line: $0) })
    }

    private func report(_ findings: [Finding]) -> AuditReport {
        let sorted = findings.sorted(by: Finding.reportOrder)
        return AuditReport(
            metadata: ReportMetadata(toolVersion: "0.1.0"), verdict: Verdict(findings: sorted),
            failOn: .error, inputs: [], checks: [], statistics: [], findings: sorted)
    }

    // MARK: - Goldens

    @Test func canonicalGolden() throws {
        assertGolden(
            try TextReporter().render(CanonicalReport.report), path: Goldens.url("canonical.txt"))
    }

    @Test func canonicalColorGolden() throws {
        assertGolden(
            try TextReporter(color: true).render(CanonicalReport.report),
            path: Goldens.url("canonical-color.txt"))
    }

    // MARK: - Properties

    @Test func rendersTheSameBytesTwice() throws {
        let reporter = TextReporter(color: true)
        #expect(
            try reporter.render(CanonicalReport.report) == reporter.render(CanonicalReport.report))
    }

    @Test(arguments: [100, 80, 60, 40])
    func linesFitTheWidth(width: Int) {
        let output = text(CanonicalReport.report, TextReporter(width: width))
        for line in output.split(separator: "\n") {
            #expect(
                TerminalText.displayWidth(String(line)) <= width, "too wide: \(line)")
        }
    }

    @Test func colourOnlyWhenAskedAndLayoutIsTheSame() {
        let plain = text(CanonicalReport.report)
        let colored = text(CanonicalReport.report, TextReporter(color: true))
        #expect(!plain.contains("\u{1B}"))
        #expect(colored.contains("\u{1B}[1;31mNOT READY\u{1B}[0m"))
        #expect(stripANSI(colored) == plain)
    }

    @Test func headlineNamesVerdictAndCounts() {
        let lines = text(CanonicalReport.report).split(separator: "\n")
        #expect(lines[0] == "NOT READY  12 errors, 1,240 warnings, 3 infos")
        let advice = text(CanonicalReport.report, TextReporter(width: 200))
            .split(separator: "\n")[1]
        #expect(
            advice
                == "Do not train yet: fix the 12 errors from malformed_record, exact_duplicates "
                + "and split_leakage first, then run the audit again.")
    }

    // MARK: - Readiness

    @Test func readinessFollowsTheVerdict() {
        let lines = text(CanonicalReport.report, TextReporter(width: 200)).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[3] == "READINESS  2 not met, 2 at risk, 1 met, 1 not checked")
        var expected: [String] = []
        expected.append(
            "  ✖ not met      Enough high-quality labeled examples: 11 errors from "
                + "malformed_record (2) and exact_duplicates (9); also 1,238 warnings")
        expected.append(
            "  ▲ at risk      A representative set across common and edge cases: label "
                + "'日本語' has 20 records (1.7%), below min_share 5% in 'train' (class_balance)")
        expected.append(
            "  ▲ at risk      An explicit failure taxonomy: no failure taxonomy declared in "
                + "the rules (failure_taxonomy)")
        expected.append(
            "  ✖ not met      Held-out validation and regression sets: validation record "
                + "repeats training record 'train/17' (café order) (split_leakage)")
        expected.append(
            "  ○ not checked  Clear task boundaries: no check for it ran: none of this "
                + "build's checks covers it yet")
        expected.append(
            "  ✔ met          Consistent targets: no warnings or errors from token_budget")
        #expect(lines[4...9].map(String.init) == expected)
        #expect(lines[10] == "" && lines[11].hasPrefix("INPUTS"))
    }

    @Test func readinessIsColouredByStatus() {
        let colored = text(CanonicalReport.report, TextReporter(color: true))
        #expect(colored.contains("\u{1B}[31m✖ not met\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[33m▲ at risk\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[32m✔ met\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[2m○ not checked\u{1B}[0m"))
    }

    @Test func noReadinessSectionWithoutReadiness() {
        #expect(!text(report([])).contains("READINESS"))
    }

    @Test func readinessSummaryFromDataIsEscaped() {
        var r = report([])
        r.readiness = [
            PrerequisiteStatus(
                prerequisite: .enoughExamples, status: .atRisk,
                summary: "label 'a\u{1B}[31m\nb' is rare")
        ]
        let output = text(r)
        #expect(output.contains(#"label 'a\u{1B}[31m\nb' is rare"#))
        #expect(!output.contains("\u{1B}"))
    }

    // MARK: - Tables

    private func tableReport(_ tables: [ReportTable]) -> AuditReport {
        var r = report([])
        r.checks = [
            CheckSummary(
                id: "coverage", title: "Coverage", category: .coverage, status: .pass,
                severity: .error, summary: "ok", metrics: [:], counts: [:], tables: tables)
        ]
        return r
    }

    private func section(_ output: String, _ title: String) -> [Substring] {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(title) }) else { return [] }
        let end = lines[(start + 1)...].firstIndex { !$0.isEmpty && !$0.hasPrefix(" ") }
        return Array(lines[start..<(end ?? lines.endIndex)]).filter { !$0.isEmpty }
    }

    @Test func tableColumnsAreAlignedAndFormatted() {
        let table = ReportTable(
            id: "coverage_by_split", title: "Slice coverage per split",
            columns: ["slice", "train", "share", "p"],
            rows: [
                [.text("short"), .count(1_200), .share(0.1234), .number(0.000_123_45)],
                [.text("日本語 text"), .count(3), .share(1), .number(12_345.6)],
                [.text("none"), .empty, .share(0), .number(.nan)],
            ],
            note: "records per split")
        #expect(
            section(text(tableReport([table])), "TABLES") == [
                "TABLES  1 table from coverage",
                "  coverage · Slice coverage per split",
                "    slice        train   share          p",
                "    short        1,200   12.3%  0.0001234",
                "    日本語 text      3  100.0%     12,346",
                "    none             –    0.0%        n/a",
                "    records per split",
            ])
    }

    @Test func noTablesSectionWithoutTables() {
        #expect(!text(tableReport([])).contains("TABLES"))
        #expect(!text(CanonicalReport.report).isEmpty)
    }

    @Test func longTablesAreCapped() {
        let rows: [[ReportCell]] = (1...40).map { [.text("row \($0)"), .count($0)] }
        let table = ReportTable(id: "t", title: "Long", columns: ["name", "n"], rows: rows)
        let lines = section(text(tableReport([table])), "TABLES")
        #expect(lines.count == 2 + 1 + TextTable.maxRows + 1)
        #expect(lines[3] == "    row 1    1")
        #expect(lines.last == "    … 15 more rows (all in the JSON report)")
    }

    @Test(arguments: [100, 80, 60, 40])
    func wideTablesFitTheWidth(width: Int) {
        let columns = ["record"] + (1...12).map { "neighbour \($0)" }
        let row: [ReportCell] =
            [.text(String(repeating: "long text ", count: 8))] + (1...12).map { .count($0 * 1_000) }
        let table = ReportTable(id: "t", title: "Wide", columns: columns, rows: [row, row])
        let output = text(tableReport([table]), TextReporter(width: width))
        for line in output.split(separator: "\n") {
            #expect(TerminalText.displayWidth(String(line)) <= width, "too wide: \(line)")
        }
        let lines = section(output, "TABLES")
        let joined = lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(joined.contains("more columns (all in the JSON report)"))
        // The first column is narrowed, not dropped, and cut cells end with an ellipsis.
        #expect(lines[3].hasPrefix("    long text long"))
        #expect(lines[3].contains("…"))
    }

    @Test func cellsFromDataCannotDriveTheTerminal() {
        let table = ReportTable(
            id: "t", title: "T\u{1B}[2J", columns: ["a\nb"], rows: [[.text("x\u{1B}[31my\tz")]],
            note: "n\r")
        let output = text(tableReport([table]))
        #expect(!output.contains("\u{1B}"))
        #expect(output.contains(#"x\u{1B}[31my\tz"#))
        #expect(output.contains(#"a\nb"#))
    }

    @Test func significantDigits() {
        #expect(ReportNumbers.significant(0) == "0")
        #expect(ReportNumbers.significant(-0.0) == "0")
        #expect(ReportNumbers.significant(0.5) == "0.5")
        #expect(ReportNumbers.significant(37.25) == "37.25")
        #expect(ReportNumbers.significant(1.23456) == "1.235")
        #expect(ReportNumbers.significant(9_999.4) == "9999")
        #expect(ReportNumbers.significant(-123_456.7) == "-123,457")
        #expect(ReportNumbers.significant(2.5e-8) == "2.5e-08")
        #expect(ReportNumbers.significant(1e20) == "1e+20")
        #expect(ReportNumbers.significant(.infinity) == "n/a")
    }

    @Test func truncateKeepsWideCharactersWithinTheWidth() {
        #expect(TerminalText.truncate("日本語テキスト", toWidth: 7) == "日本語…")
        #expect(TerminalText.truncate("abc", toWidth: 3) == "abc")
        #expect(TerminalText.truncate("abcd", toWidth: 1) == "…")
        #expect(TerminalText.truncate("abcd", toWidth: 0) == "")
    }

    @Test func readyReportWithoutFindings() {
        let output = text(report([]))
        #expect(output.hasPrefix("READY  no findings\nThe data meets every prerequisite"))
        #expect(output.contains("FINDINGS  none"))
    }

    @Test func failOnWarningIsExplained() {
        var r = report([finding("volume", .warning)])
        r.failOn = .warning
        let output = text(r, TextReporter(width: 200))
        #expect(output.hasPrefix("READY WITH WARNINGS  1 warning\n"))
        #expect(output.contains("review the 1 warning from volume: each one costs"))
        #expect(output.contains("This run fails because --fail-on is warning."))
    }

    @Test func findingsAreListedMostSevereFirst() {
        let output = text(
            report([
                finding("a_check", .info, line: 1), finding("b_check", .warning, line: 2),
                finding("c_check", .error, line: 3), finding("d_check", .error),
            ]))
        let listed = output.split(separator: "\n").filter {
            $0.hasPrefix("  error") || $0.hasPrefix("  warning") || $0.hasPrefix("  info")
        }
        #expect(
            listed == [
                "  error    d_check  problem",
                "  error    train.jsonl:3  c_check  problem",
                "  warning  train.jsonl:2  b_check  problem",
                "  info     train.jsonl:1  a_check  problem",
            ])
    }

    @Test func findingsAreCappedWithAPointerToTheJSONReport() {
        let findings =
            (1...30).map { finding("exact_duplicates", .error, line: $0) }
            + [finding("volume", .warning)]
        let output = text(report(findings), TextReporter(maxFindings: 10))
        #expect(output.contains("FINDINGS  10 of 31, most severe first"))
        #expect(
            output.contains(
                "  … 21 more findings not shown (21 errors); --report json=PATH lists all of them."
            ))
        // The per-check cap lets the warning in although 30 errors come first.
        #expect(output.contains("  warning  volume  problem"))
    }

    @Test func zeroMaxFindingsListsNone() {
        let output = text(report([finding("volume", .warning)]), TextReporter(maxFindings: 0))
        #expect(output.contains("  … 1 more finding not shown (1 warning);"))
        #expect(!output.contains("  warning  volume"))
    }

    @Test func selectionCapsEachCheckThenFillsBySeverity() {
        let findings =
            (1...8).map { finding("noisy", .error, line: $0) }
            + (1...3).map { finding("quiet", .warning, line: 100 + $0) }
            + [finding("other", .info, line: 200)]
        let chosen = TextReporter.select(findings, limit: 10, perCheck: 5)
        #expect(chosen.count == 10)
        // The warnings of 'quiet' get their slots before the last errors of 'noisy'; the info
        // of 'other' does not take a slot from an error.
        #expect(chosen.filter { $0.checkID == "noisy" }.count == 7)
        #expect(chosen.filter { $0.checkID == "quiet" }.count == 3)
        #expect(chosen.filter { $0.checkID == "other" }.count == 0)
        let roomy = TextReporter.select(findings, limit: 12, perCheck: 5)
        #expect(roomy.filter { $0.checkID == "other" }.count == 1)
        #expect(chosen.map(\.severity) == chosen.map(\.severity).sorted(by: >))
        #expect(TextReporter.select(findings, limit: 100, perCheck: 5).count == findings.count)
    }

    @Test func dataCannotDriveTheTerminal() {
        let output = text(
            report([finding("pii", .error, line: 1, "evil \u{1B}[2J\nfake line\u{202E}txt")]))
        #expect(!output.contains("\u{1B}"))
        #expect(!output.contains("\u{202E}"))
        #expect(output.contains(#"evil \u{1B}[2J\nfake line\u{202E}txt"#))
    }

    // MARK: - Helpers

    @Test func numbersAreLocaleIndependent() {
        #expect(ReportNumbers.integer(0) == "0")
        #expect(ReportNumbers.integer(999) == "999")
        #expect(ReportNumbers.integer(15_100) == "15,100")
        #expect(ReportNumbers.integer(-1_234_567) == "-1,234,567")
        #expect(ReportNumbers.percent(0.1234) == "12.3%")
        #expect(ReportNumbers.percent(1) == "100.0%")
        #expect(ReportNumbers.percent(0.00049) == "0.0%")
        #expect(ReportNumbers.count(1, "error") == "1 error")
        #expect(ReportNumbers.count(2_000, "record") == "2,000 records")
    }

    @Test func displayWidthCountsWideAndCombiningCharacters() {
        #expect(TerminalText.displayWidth("café") == 4)
        #expect(TerminalText.displayWidth("cafe\u{301}") == 4)
        #expect(TerminalText.displayWidth("日本語") == 6)
    }

    @Test func wrapBreaksWordsLongerThanALine() {
        let lines = TerminalText.wrap(
            StyledWord.words("a abcdefghij b"), firstWidth: 4, restWidth: 4)
        #expect(
            lines.map { TerminalText.render($0, color: false) } == ["a", "abcd", "efgh", "ij b"])
    }

    /// A one-record split used to read "1 records"; the share column stays aligned.
    @Test func oneRecordSplitIsSingular() {
        let statistics = [
            SplitStatistics(
                split: "train", files: 1, records: 12, malformed: 0, labels: [("a", 12)]),
            SplitStatistics(split: "test", files: 1, records: 1, malformed: 0, labels: [("a", 1)]),
        ]
        let report = AuditReport(
            metadata: ReportMetadata(toolVersion: "0.1.0"), verdict: Verdict(findings: []),
            failOn: .error, inputs: [], checks: [], statistics: statistics, findings: [])
        let lines = text(report).split(separator: "\n").map(String.init)
        #expect(lines.contains("  train  12 records  92.3%  1 label"))
        #expect(lines.contains("  test    1 record    7.7%  1 label"))
    }
}

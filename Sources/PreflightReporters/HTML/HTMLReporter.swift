import Foundation
import PreflightCore

/// Renders the report as one self-contained HTML page: for reading in a browser, offline or
/// as a mail attachment.
///
/// The page has, in order: the verdict (with counts and `--fail-on`), the readiness
/// prerequisites, the inputs, the check table, charts (class distribution and input lengths
/// per split, the coverage heatmap, the leakage matrix), and one section per check with its
/// tables and its first `AuditReport.detailedFindingsPerCheck` findings, each with the text
/// of its record and of its first related record (`AuditReport.excerpts`). Findings beyond
/// that are counted, not listed, so the page stays small on large datasets; the JSON report
/// has them all.
///
/// The page loads nothing: no script, no external style, font or image. A
/// Content-Security-Policy `<meta>` forbids everything but inline styles and `data:` images.
/// It is built with libxml2's tree API and written by its HTML serializer, so every piece of
/// report data is a text node or an attribute value, escaped by construction. Same report,
/// same bytes: the only time in it is `metadata.generatedAt`.
public struct HTMLReporter: Reporter {
    /// The most rows of a check's table the page shows; the rest are counted.
    public static let tableRowLimit = 200

    /// The Content-Security-Policy of the page.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

    /// Creates an HTML reporter.
    public init() {}

    /// Renders the report as a UTF-8 HTML document ending with a newline.
    /// - Throws: `ReportError.renderFailed` when libxml2 cannot build or write the document.
    /// - Complexity: O(f + c · k) for f findings and c checks of at most k shown findings.
    public func render(_ report: AuditReport) throws -> Data {
        let document = try HTMLDocument()
        let head = document.root.add("head")
        head.add("meta", ["charset": "utf-8"])
        head.add(
            "meta",
            ["http-equiv": "Content-Security-Policy", "content": Self.contentSecurityPolicy])
        head.add("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
        head.add("meta", ["name": "generator", "content": generator(report)])
        head.add("title", text: "Preflight: \(report.verdict.phrase) – \(inputNames(report))")
        head.add("style", text: HTMLStyle.css)

        let main = document.root.add("body").add("main")
        header(report, in: main)
        let detailed = report.detailedFindings
        readiness(report, in: main)
        inputs(report, in: main)
        checkTable(report, in: main)
        HTMLCharts(report: report).render(in: main)
        checkSections(report, detailed: detailed, in: main)
        suppressions(report, in: main)
        footer(report, in: main)
        return try document.serialize()
    }

    private func generator(_ report: AuditReport) -> String {
        "\(report.metadata.toolName) \(report.metadata.toolVersion)"
    }

    /// The input paths, shortened for the page title.
    private func inputNames(_ report: AuditReport) -> String {
        let names = report.inputs.map(\.path)
        guard let first = names.first else { return "no inputs" }
        return names.count == 1 ? first : "\(first) and \(names.count - 1) more"
    }
}

// MARK: - Verdict and overview

extension HTMLReporter {
    private func header(_ report: AuditReport, in main: HTMLElement) {
        main.add("h1", text: "Preflight report")
        let records = report.inputs.reduce(0) { $0 + $1.records }
        let splits = report.statistics.map(\.split)
        main.add(
            "p",
            text: "\(ReportNumbers.count(report.inputs.count, "input")), "
                + "\(ReportNumbers.count(records, "record"))"
                + (splits.isEmpty ? "" : " in " + splits.joined(separator: ", ")))
        let meta = report.metadata
        var parts = ["\(meta.toolName) \(meta.toolVersion)"]
        if let at = meta.generatedAt { parts.append("generated \(at)") }
        if !meta.rulesSources.isEmpty {
            parts.append("rules " + meta.rulesSources.joined(separator: ", "))
        }
        main.add("p", ["class": "meta"], text: parts.joined(separator: " · "))

        let box = main.add(
            "section", ["class": "verdict \(report.verdict.rawValue)", "id": "verdict"])
        box.add("div", ["class": "label"], text: Self.verdictTitle(report.verdict))
        let counts = report.counts
        let total = report.findings.weightedCount
        box.add(
            "p",
            text: total == 0
                ? "No findings."
                : "\(ReportNumbers.count(total, "finding")): "
                    + Severity.allCases.reversed().map {
                        ReportNumbers.count(counts[$0] ?? 0, $0.rawValue)
                    }.joined(separator: ", ") + ".")
        box.add(
            "p",
            text: "Fails on \(report.failOn.rawValue) and above: "
                + (report.fails
                    ? "the audit fails (exit code 1)." : "the audit passes (exit code 0)."))
        if let baseline = report.baseline {
            box.add("p", text: TextReporter.baselineSentence(report, baseline))
        }
        if let outcome = report.suppressions, !outcome.suppressed.isEmpty {
            let line = box.add(
                "p",
                text: "\(ReportNumbers.count(outcome.suppressedCount, "finding")) suppressed by ")
            line.add("span", ["class": "mono"], text: outcome.path)
            line.text(" (see ")
            line.add("a", ["href": "#suppressions"], text: "Suppressions")
            line.text(").")
        }
        let hidden = Self.hiddenFindings(report)
        if hidden > 0 {
            box.add(
                "p", ["class": "meta"],
                text: "\(ReportNumbers.count(hidden, "finding")) not shown on this page "
                    + "(at most \(AuditReport.detailedFindingsPerCheck) per check); "
                    + "\(report.whereAllFindingsAre).")
        }

        let nav = main.add("nav")
        var sections = [
            ("readiness", "Readiness"), ("inputs", "Inputs"), ("checks", "Checks"),
            ("charts", "Charts"), ("details", "Check details"),
        ]
        if report.suppressions.map({ !$0.entries.isEmpty }) == true {
            sections.append(("suppressions", "Suppressions"))
        }
        if report.baseline.map({ !$0.fixed.isEmpty }) == true {
            sections.append(("fixed", "Fixed"))
        }
        for (id, title) in sections {
            nav.add("a", ["href": "#\(id)"], text: title)
            nav.text(" ")  // so the links stay apart without the style sheet
        }
    }

    /// "Ready", "Ready with warnings", "Not ready".
    static func verdictTitle(_ verdict: Verdict) -> String {
        let phrase = verdict.phrase
        return phrase.prefix(1).uppercased() + phrase.dropFirst()
    }

    /// Findings beyond each check's shown ones.
    static func hiddenFindings(_ report: AuditReport) -> Int {
        let shown = report.detailedFindings.values.reduce(0) { $0 + $1.weightedCount }
        return report.findings.weightedCount - shown
    }

    private func readiness(_ report: AuditReport, in main: HTMLElement) {
        guard !report.readiness.isEmpty else { return }
        main.add("h2", ["id": "readiness"], text: "Readiness")
        let table = main.add("table", ["class": "wide"])
        Self.headerRow(["prerequisite", "status", "what drives it"], in: table)
        for entry in report.readiness {
            let row = table.add("tr")
            row.add("td", text: entry.prerequisite.title)
            row.add("td").add(
                "span", ["class": "badge \(entry.status.rawValue)"], text: entry.status.phrase)
            let cell = row.add("td")
            cell.add("div", text: entry.summary)
            // A summary that quotes the only driving finding, a dataset-level one, says it all.
            let quoted =
                entry.topFindings.count == 1 && entry.topFindings[0].location == nil
                && entry.summary.hasPrefix(entry.topFindings[0].message)
            if !entry.topFindings.isEmpty && !quoted {
                let list = cell.add("ul", ["class": "compact"])
                for finding in entry.topFindings {
                    let item = list.add("li")
                    item.add(
                        "span", ["class": "badge \(finding.severity.rawValue)"],
                        text: finding.severity.rawValue)
                    item.text(" ")
                    if let location = finding.location {
                        item.add("span", ["class": "mono"], text: Self.describe(location))
                        item.text(": ")
                    }
                    item.text("\(finding.message) (\(finding.checkID))")
                }
            }
        }
    }

    private func inputs(_ report: AuditReport, in main: HTMLElement) {
        main.add("h2", ["id": "inputs"], text: "Inputs")
        guard !report.inputs.isEmpty else {
            main.add("p", text: "No inputs.")
            return
        }
        let scroll = main.add("div", ["class": "scroll"])
        let table = scroll.add("table", ["class": "wide"])
        Self.headerRow(
            ["path", "split", "format", "shape", "records", "malformed", "bytes", "sha256"],
            numeric: [4, 5, 6], in: table)
        for input in report.inputs {
            let row = table.add("tr")
            row.add("td", ["class": "mono"], text: input.path)
            let split = row.add("td", text: input.split)
            split.add("div", ["class": "hint"], text: input.splitSource)
            row.add(
                "td",
                text: input.format.rawValue + (input.compression.map { " (\($0))" } ?? ""))
            let shape = row.add("td", text: input.shape.rawValue)
            shape.add("div", ["class": "hint"], text: input.shapeSource)
            row.add("td", ["class": "num"], text: ReportNumbers.integer(input.records))
            row.add("td", ["class": "num"], text: ReportNumbers.integer(input.malformed))
            row.add("td", ["class": "num"], text: ReportNumbers.integer(input.bytes))
            row.add(
                "td", ["class": "mono", "title": input.sha256], text: "\(input.sha256.prefix(12))…")
        }
    }

    private func checkTable(_ report: AuditReport, in main: HTMLElement) {
        main.add("h2", ["id": "checks"], text: "Checks")
        let table = main.add("table", ["class": "wide"])
        Self.headerRow(
            ["status", "check", "severity", "summary", "errors", "warnings", "infos"],
            numeric: [4, 5, 6], in: table)
        for check in report.checks {
            let row = table.add("tr")
            row.add("td").add(
                "span", ["class": "badge \(check.status.rawValue)"], text: check.status.rawValue)
            let name = row.add("td")
            name.add("a", ["href": "#check-\(Self.anchor(check.id))"], text: check.title)
            name.add("div", ["class": "hint mono"], text: check.id.rawValue)
            row.add("td", text: check.severity.rawValue)
            row.add("td", text: check.summary)
            for severity in Severity.allCases.reversed() {
                row.add(
                    "td", ["class": "num"], text: ReportNumbers.integer(check.counts[severity] ?? 0)
                )
            }
        }
    }

    /// The suppression file's entries with what each hid, and the baseline's fixed findings.
    private func suppressions(_ report: AuditReport, in main: HTMLElement) {
        if let outcome = report.suppressions, !outcome.entries.isEmpty {
            main.add("h2", ["id": "suppressions"], text: "Suppressions")
            let intro = main.add("p", text: "Entries of ")
            intro.add("span", ["class": "mono"], text: outcome.path)
            intro.text(
                "; hidden findings leave the verdict and the counts, and the JSON report keeps them."
            )
            let table = main.add("table", ["class": "wide"])
            Self.headerRow(
                ["line", "selects", "reason", "expires", "hid"], numeric: [4], in: table)
            for entry in outcome.entries {
                let s = entry.suppression
                let row = table.add("tr")
                row.add("td", ["class": "mono"], text: String(s.mark.line))
                row.add("td", ["class": "mono"], text: s.selectorDescription)
                row.add("td", text: s.reason)
                let expires = row.add("td", text: s.expires ?? "never")
                if entry.expired {
                    expires.text(" ")
                    expires.add("span", ["class": "badge warning"], text: "expired")
                }
                row.add("td", ["class": "num"], text: ReportNumbers.integer(entry.suppressed))
            }
        }
        if let baseline = report.baseline, !baseline.fixed.isEmpty {
            main.add(
                "h2", ["id": "fixed"],
                text: "Fixed since the baseline (\(ReportNumbers.integer(baseline.fixed.count)))")
            let shown = Array(baseline.fixed.prefix(AuditReport.detailedFindingsPerCheck))
            let table = main.add("table", ["class": "wide"])
            Self.headerRow(["check", "record", "finding"], in: table)
            for finding in shown {
                let row = table.add("tr")
                row.add("td", ["class": "mono"], text: finding.checkID.rawValue)
                row.add(
                    "td", ["class": "mono"], text: finding.location.map(Self.describe) ?? "dataset")
                row.add("td", text: finding.message)
            }
            if baseline.fixed.count > shown.count {
                main.add(
                    "p", ["class": "more"],
                    text: "\(ReportNumbers.integer(baseline.fixed.count - shown.count)) more in "
                        + "the JSON report.")
            }
        }
    }

    private func footer(_ report: AuditReport, in main: HTMLElement) {
        let meta = report.metadata
        var parts = ["\(meta.toolName) \(meta.toolVersion)"]
        if !meta.rulesDigest.isEmpty { parts.append("rules digest \(meta.rulesDigest)") }
        if let at = meta.generatedAt { parts.append("generated \(at)") }
        parts.append("fail-on \(report.failOn.rawValue)")
        main.add("footer", text: parts.joined(separator: " · "))
    }
}

// MARK: - Shared pieces

extension HTMLReporter {
    /// `path:line`, or `path record N` when the line is unknown.
    static func describe(_ location: DataLocation) -> String {
        if let line = location.line { return "\(location.path):\(line)" }
        if let record = location.record { return "\(location.path) record \(record)" }
        return location.path
    }

    /// A check id as a fragment identifier (ids are snake_case; anything else becomes `_`).
    static func anchor(_ id: CheckID) -> String {
        String(
            id.rawValue.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
                    ? Character(scalar) : "_"
            })
    }
}

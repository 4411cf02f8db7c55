import Foundation
import PreflightCore

/// Renders the report as GitHub-flavoured Markdown for a pull-request comment or
/// `$GITHUB_STEP_SUMMARY`: the verdict first, the readiness prerequisites as a list, the
/// check table, then the findings that matter most (most severe first, a few per check before
/// other checks get their turn, as in the text report) and a footer.
///
/// The document never exceeds `maxLength` UTF-8 bytes (GitHub caps a comment at 65,536
/// characters; a byte is never less than a character, so the byte count is the safe measure).
/// Findings that do not fit, or exceed `maxFindings`, are counted in one line pointing at the
/// JSON report. Text from the data is escaped (`MarkdownText.escape`) so it renders as text:
/// Markdown punctuation and `|` are backslash-escaped, `<`, `>` and `&` become entities, line
/// breaks become `<br>`, control characters are replaced; non-ASCII is kept.
public struct MarkdownReporter: Reporter {
    /// GitHub's limit on a comment body.
    public static let gitHubCommentLimit = 65_536

    /// The most findings listed; the JSON report has all of them.
    public var maxFindings: Int
    /// The most UTF-8 bytes the document may take.
    public var maxLength: Int

    /// The longest message or hint quoted in a table cell, in characters; longer ones are cut
    /// with `…` (the JSON report has them in full).
    static let cellLimit = 300

    /// Creates a Markdown reporter.
    /// - Parameters:
    ///   - maxFindings: The most findings listed (negative counts as 0).
    ///   - maxLength: The most UTF-8 bytes in the document; GitHub's comment limit by default.
    public init(maxFindings: Int = 50, maxLength: Int = MarkdownReporter.gitHubCommentLimit) {
        self.maxFindings = maxFindings
        self.maxLength = maxLength
    }

    /// Renders the report as UTF-8 Markdown ending with a newline.
    /// - Complexity: O(n log n) in the number of findings.
    public func render(_ report: AuditReport) throws -> Data {
        Data(renderText(report).utf8)
    }

    /// The report as a string.
    func renderText(_ report: AuditReport) -> String {
        var head: [String] = []
        headline(report, &head)
        readiness(report, &head)
        checks(report, &head)
        let foot = footer(report)
        var text = head.joined(separator: "\n") + "\n"
        let tail = "\n" + foot + "\n"
        // What the findings section may take: the rest, less the head and the footer.
        let budget = maxLength - text.utf8.count - tail.utf8.count
        text += findings(report, budget: budget)
        text += tail
        return text
    }

    // MARK: - Sections

    private func headline(_ report: AuditReport, _ out: inout [String]) {
        let counts = report.counts
        let tally = [(Severity.error, "error"), (.warning, "warning"), (.info, "info")]
            .compactMap { severity, noun in
                counts[severity].map { ReportNumbers.count($0, noun) }
            }.joined(separator: ", ")
        let marker =
            switch report.verdict {
            case .notReady: "❌"
            case .readyWithWarnings: "⚠️"
            case .ready: "✅"
            }
        out.append(
            "## \(marker) \(report.verdict.phrase.capitalizedFirst): "
                + (tally.isEmpty ? "no findings" : tally))
        if let baseline = report.baseline {
            out.append("")
            out.append(MarkdownText.escape(TextReporter.baselineSentence(report, baseline)))
        } else if report.fails && report.verdict != .notReady {
            out.append("")
            out.append("This run fails because `--fail-on` is \(report.failOn.rawValue).")
        }
        if let outcome = report.suppressions, !outcome.suppressed.isEmpty {
            out.append("")
            out.append(
                "\(ReportNumbers.count(outcome.suppressedCount, "finding")) suppressed by "
                    + MarkdownText.code(outcome.path) + " (reasons in the JSON report).")
        }
    }

    private func readiness(_ report: AuditReport, _ out: inout [String]) {
        guard !report.readiness.isEmpty else { return }
        out.append("")
        out.append("### Readiness")
        out.append("")
        for entry in report.readiness {
            let marker =
                switch entry.status {
                case .met: "✅"
                case .atRisk: "⚠️"
                case .notMet: "❌"
                case .notChecked: "⚪"
                }
            out.append(
                "- \(marker) **\(MarkdownText.escape(entry.prerequisite.title))** "
                    + "(\(entry.status.phrase)): "
                    + MarkdownText.escape(Self.cut(entry.summary)))
        }
    }

    private func checks(_ report: AuditReport, _ out: inout [String]) {
        guard !report.checks.isEmpty else { return }
        out.append("")
        out.append("### Checks")
        out.append("")
        out.append("| status | check | summary | errors | warnings | infos |")
        out.append("|---|---|---|--:|--:|--:|")
        for check in report.checks {
            let status =
                switch check.status {
                case .fail: "❌ fail"
                case .warn: "⚠️ warn"
                case .pass: "✅ pass"
                case .skipped: "⚪ skip"
                }
            let counts = [Severity.error, .warning, .info].map {
                ReportNumbers.integer(check.counts[$0] ?? 0)
            }
            let cells =
                [
                    status, MarkdownText.code(check.id.rawValue),
                    MarkdownText.escape(Self.cut(check.summary)),
                ] + counts
            out.append("| " + cells.joined(separator: " | ") + " |")
        }
    }

    /// The findings table, as many rows as fit `budget` bytes, and the line counting the rest.
    private func findings(_ report: AuditReport, budget: Int) -> String {
        guard !report.findings.isEmpty else { return "\n### Findings\n\nNo findings.\n" }
        let selected = TextReporter.select(
            report.findings, limit: max(0, maxFindings), perCheck: TextReporter.findingsPerCheck)
        let total = report.findings.weightedCount
        // Reserve room for the heading and the "more findings" line at their longest.
        let reserve =
            Self.heading(shown: total, total: total).utf8.count
            + Self.moreLine(total, report).utf8.count + Self.tableHeader.utf8.count + 8
        var remaining = budget - reserve
        var rows: [String] = []
        var shown = 0  // the findings the rows stand for (`Finding.weight`)
        for finding in selected {
            let row = Self.row(finding) + "\n"
            guard row.utf8.count <= remaining else { break }
            rows.append(row)
            shown += finding.weight
            remaining -= row.utf8.count
        }
        var text = Self.heading(shown: shown, total: total)
        if !rows.isEmpty { text += Self.tableHeader + rows.joined() }
        if shown < total {
            text += "\n" + Self.moreLine(total - shown, report) + "\n"
        }
        return text
    }

    private static let tableHeader =
        "| severity | location | check | message |\n|---|---|---|---|\n"

    private static func heading(shown: Int, total: Int) -> String {
        let detail =
            shown == total
            ? "all \(ReportNumbers.integer(total)), most severe first"
            : "\(ReportNumbers.integer(shown)) of \(ReportNumbers.integer(total)), "
                + "most severe first"
        return "\n### Findings\n\n_\(detail)_\n\n"
    }

    /// The line that counts the findings left out.
    static func moreLine(_ hidden: Int, _ report: AuditReport) -> String {
        report.hasUnlistedFindings
            ? "_\(ReportNumbers.count(hidden, "more finding")) not shown; the JSON report "
                + "(`--report json=PATH`) lists them up to `--max-findings-per-code` of each check and "
                + "code._"
            : "_\(ReportNumbers.count(hidden, "more finding")) not shown; see the JSON report "
                + "(`--report json=PATH`)._"
    }

    private static func row(_ finding: Finding) -> String {
        let severity =
            switch finding.severity {
            case .error: "❌ error"
            case .warning: "⚠️ warning"
            case .info: "ℹ️ info"
            }
        var message = MarkdownText.escape(cut(finding.message))
        if let hint = finding.hint, !hint.isEmpty {
            message += "<br>**Fix:** " + MarkdownText.escape(cut(hint))
        }
        if !finding.related.isEmpty {
            var places = finding.related.prefix(TextReporter.relatedShown).map(describe)
                .joined(separator: ", ")
            let more = finding.related.count - TextReporter.relatedShown
            if more > 0 { places += " and \(ReportNumbers.integer(more)) more" }
            message += "<br>also at " + places
        }
        let location = finding.location.map(describe) ?? "dataset"
        let cells = [severity, location, MarkdownText.code(finding.checkID.rawValue), message]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    private func footer(_ report: AuditReport) -> String {
        let meta = report.metadata
        var parts = ["\(meta.toolName) \(meta.toolVersion)"]
        if !meta.rulesSources.isEmpty {
            parts.append("rules " + meta.rulesSources.joined(separator: ", "))
        }
        if !meta.rulesDigest.isEmpty { parts.append("digest \(meta.rulesDigest.prefix(12))") }
        if let at = meta.generatedAt { parts.append("generated \(at)") }
        parts.append("fail-on \(report.failOn.rawValue)")
        return "<sub>" + parts.map { MarkdownText.escape(Self.cut($0)) }.joined(separator: " · ")
            + "</sub>"
    }

    // MARK: - Pieces

    /// `path:line`, or `path record N` when the line is unknown; escaped.
    private static func describe(_ location: DataLocation) -> String {
        var text = MarkdownText.escape(cut(location.path))
        if let line = location.line {
            text += ":\(line)"
        } else if let record = location.record {
            text += " record \(record)"
        }
        return text
    }

    /// At most `cellLimit` characters, cut with `…`.
    static func cut(_ text: String) -> String {
        text.count <= cellLimit ? text : String(text.prefix(cellLimit - 1)) + "…"
    }
}

/// Escaping of untrusted text for GitHub-flavoured Markdown. Internal so tests can check it.
enum MarkdownText {
    /// `text` as inline Markdown that renders as the text itself, also inside a table cell.
    ///
    /// Backslash-escapes the punctuation that could start emphasis, a link, a heading, code,
    /// math, a strikethrough, a mention or a table cell (`` \ ` * _ [ ] # | ~ @ $ ! ``);
    /// writes `<`, `>` and `&` as entities so no HTML or entity is interpreted; turns line
    /// breaks into `<br>` and other control characters into U+FFFD. Non-ASCII is kept.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "#", "|", "~", "@", "$", "!":
                out.unicodeScalars.append("\\")
                out.unicodeScalars.append(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n": if !previousWasCR { out += "<br>" }
            case "\r": out += "<br>"
            case "\t": out += " "
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                    || scalar == "\u{2028}" || scalar == "\u{2029}"
                {
                    out.unicodeScalars.append("\u{FFFD}")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// An identifier of ours (a check id) as a code span, or escaped text when it contains a
    /// character a code span cannot hold in a table.
    static func code(_ identifier: String) -> String {
        let safe = identifier.unicodeScalars.allSatisfy {
            $0.value >= 0x20 && $0.value < 0x7F && $0 != "`" && $0 != "|" && $0 != "\\"
        }
        return safe && !identifier.isEmpty ? "`\(identifier)`" : escape(identifier)
    }
}

extension String {
    /// The string with its first character uppercased: "not ready" gives "Not ready".
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

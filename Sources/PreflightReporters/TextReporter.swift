import Foundation
import PreflightCore

/// Renders the terminal report a data engineer reads: the verdict and what to do first,
/// readiness per prerequisite, the inputs, the check table, the findings that matter most,
/// then the checks' tables (reference material: what to fix comes first) and the split
/// statistics.
///
/// Lines are at most `width` columns (wide characters count two). Text that comes from the
/// data (paths, messages, labels) is escaped so control characters cannot break the layout
/// or drive the terminal. ANSI colours appear only when `color` is true: the CLI decides
/// (TTY, `NO_COLOR`), the reporter never looks.
public struct TextReporter: Reporter {
    /// Whether to emit ANSI colour and bold.
    public var color: Bool
    /// The most findings listed; the JSON report has all of them.
    public var maxFindings: Int
    /// The line width in terminal columns; values below 40 are treated as 40.
    public var width: Int

    /// Findings listed per check before other checks get their turn, so one noisy check
    /// does not hide the rest. Unused slots are filled afterwards, most severe first.
    public static let findingsPerCheck = 5

    /// Related records shown per finding; the rest are counted.
    static let relatedShown = 3

    /// Creates a text reporter.
    /// - Parameters:
    ///   - color: Emit ANSI colours.
    ///   - maxFindings: The most findings listed (negative counts as 0).
    ///   - width: The line width in terminal columns, at least 40.
    public init(color: Bool = false, maxFindings: Int = 20, width: Int = 100) {
        self.color = color
        self.maxFindings = maxFindings
        self.width = width
    }

    /// Renders the report as UTF-8 text ending with a newline.
    /// - Complexity: O(n log n) in the number of findings.
    public func render(_ report: AuditReport) throws -> Data {
        Data(renderText(report).utf8)
    }

    /// The report as a string.
    func renderText(_ report: AuditReport) -> String {
        var out = Layout(width: max(width, 40), color: color)
        headline(report, &out)
        readiness(report, &out)
        inputs(report, &out)
        checks(report, &out)
        findings(report, &out)
        suppressed(report, &out)
        fixed(report, &out)
        tables(report, &out)
        splits(report, &out)
        footer(report, &out)
        return out.lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Sections

    private func headline(_ report: AuditReport, _ out: inout Layout) {
        let counts = report.counts
        let errors = counts[.error] ?? 0
        let warnings = counts[.warning] ?? 0
        let infos = counts[.info] ?? 0
        let style: TerminalStyle =
            switch report.verdict {
            case .notReady: .boldRed
            case .readyWithWarnings: .boldYellow
            case .ready: .boldGreen
            }
        var tally = [(errors, "error"), (warnings, "warning"), (infos, "info")]
            .filter { $0.0 > 0 }.map { ReportNumbers.count($0.0, $0.1) }.joined(separator: ", ")
        if tally.isEmpty { tally = "no findings" }
        out.paragraph(
            [StyledWord(report.verdict.phrase.uppercased(), style: style)]
                + StyledWord.words(tally, gap: 2), hang: 2)

        var advice: String
        switch report.verdict {
        case .notReady:
            advice =
                "Do not train yet: fix the \(ReportNumbers.count(errors, "error")) from "
                + "\(checkList(report, .error)) first, then run the audit again."
        case .readyWithWarnings:
            advice =
                "Training can start, but review the \(ReportNumbers.count(warnings, "warning")) "
                + "from \(checkList(report, .warning)): each one costs model quality."
        case .ready:
            advice = "The data meets every prerequisite the rules check."
            if infos > 0 {
                advice += " The \(ReportNumbers.count(infos, "info")) below are for review only."
            }
        }
        if let baseline = report.baseline {
            advice += " " + Self.baselineSentence(report, baseline)
        } else if report.fails && report.verdict != .notReady {
            advice += " This run fails because --fail-on is \(report.failOn.rawValue)."
        }
        out.paragraph(StyledWord.words(advice), hang: 0)
    }

    /// What the ratchet decided: the changes against the baseline and the exit they give.
    static func baselineSentence(_ report: AuditReport, _ baseline: BaselineOutcome) -> String {
        let counts = baseline.counts
        let parts = [
            "\(ReportNumbers.integer(counts[.new] ?? 0)) new",
            "\(ReportNumbers.integer(counts[.worse] ?? 0)) worse",
            "\(ReportNumbers.integer(counts[.unchanged] ?? 0)) unchanged",
            "\(ReportNumbers.integer(counts[.improved] ?? 0)) improved",
            "\(ReportNumbers.integer(baseline.fixed.count)) fixed",
        ].joined(separator: ", ")
        let regressions = zip(report.findings, baseline.changes).filter {
            $0.severity >= report.failOn && $1.isRegression
        }.count
        let gate =
            regressions > 0
            ? "the run fails on the \(ReportNumbers.count(regressions, "finding")) at or above \(report.failOn.rawValue) that \(regressions == 1 ? "is" : "are") new or worse."
            : "the run passes: no finding at or above \(report.failOn.rawValue) is new or worse."
        return "Against the baseline \(TerminalText.sanitize(baseline.path)): \(parts); " + gate
    }

    /// One line per prerequisite: a status marker, the prerequisite, and what drives it.
    private func readiness(_ report: AuditReport, _ out: inout Layout) {
        guard !report.readiness.isEmpty else { return }
        let byStatus = Dictionary(grouping: report.readiness, by: \.status).mapValues(\.count)
        let tally = [ReadinessStatus.notMet, .atRisk, .met, .notChecked].compactMap { status in
            byStatus[status].map { "\(ReportNumbers.integer($0)) \(status.phrase)" }
        }.joined(separator: ", ")
        out.section("READINESS", detail: tally)
        let markers = report.readiness.map { Self.marker($0.status) }
        let markerWidth = markers.map { TerminalText.displayWidth($0.text) }.max() ?? 0
        for (entry, marker) in zip(report.readiness, markers) {
            let pad = markerWidth - TerminalText.displayWidth(marker.text)
            let title = StyledWord.words(
                entry.prerequisite.title + ":", style: .bold, gap: 2 + pad)
            let words =
                [StyledWord(marker.text, style: marker.style)] + title
                + StyledWord.words(TerminalText.sanitize(entry.summary))
            out.paragraph(words, indent: 2, hang: 2 + markerWidth + 2)
        }
    }

    /// The readiness marker and its colour, in the style of the check table's markers.
    private static func marker(_ status: ReadinessStatus) -> (text: String, style: TerminalStyle) {
        switch status {
        case .met: ("✔ met", .green)
        case .atRisk: ("▲ at risk", .yellow)
        case .notMet: ("✖ not met", .red)
        case .notChecked: ("○ not checked", .dim)
        }
    }

    private func inputs(_ report: AuditReport, _ out: inout Layout) {
        out.section("INPUTS", detail: ReportNumbers.count(report.inputs.count, "file"))
        for input in report.inputs {
            var first = StyledWord.words(TerminalText.sanitize(input.path), style: .bold)
            first.append(StyledWord(TerminalText.sanitize(input.split), spaceBefore: 2))
            first += StyledWord.words(
                "(" + TerminalText.sanitize(input.splitSource) + ")", style: .dim)
            out.paragraph(first, indent: 2, hang: 6)
            var format = input.format.rawValue
            if let compression = input.compression { format += "+" + compression }
            var malformed = ReportNumbers.integer(input.malformed) + " malformed"
            let total = input.records + input.malformed
            if input.malformed > 0 && total > 0 {
                malformed +=
                    " (" + ReportNumbers.percent(Double(input.malformed) / Double(total)) + ")"
            }
            let parts = [
                format,
                "\(input.shape.rawValue) (\(input.shapeSource))",
                ReportNumbers.count(input.records, "record"),
                malformed,
            ]
            out.paragraph(joinedAtoms(parts), indent: 4, hang: 4)
        }
    }

    private func checks(_ report: AuditReport, _ out: inout Layout) {
        let byStatus = Dictionary(grouping: report.checks, by: \.status).mapValues(\.count)
        let tally = [
            (CheckStatus.fail, "failed"), (.warn, "warned"), (.pass, "passed"),
            (.skipped, "skipped"),
        ].compactMap { status, word in
            byStatus[status].map { "\(ReportNumbers.integer($0)) \(word)" }
        }.joined(separator: ", ")
        out.section("CHECKS", detail: tally.isEmpty ? "none ran" : tally)
        let idWidth = min(
            report.checks.map { TerminalText.displayWidth($0.id.rawValue) }.max() ?? 0, 24)
        for check in report.checks {
            let (marker, style): (String, TerminalStyle) =
                switch check.status {
                case .fail: ("✖ fail", .red)
                case .warn: ("▲ warn", .yellow)
                case .pass: ("✔ pass", .green)
                case .skipped: ("○ skip", .dim)
                }
            let id = TerminalText.sanitize(check.id.rawValue)
            let pad = max(0, idWidth - TerminalText.displayWidth(id))
            var summary = TerminalText.sanitize(check.summary)
            if summary.isEmpty {
                summary = check.status == .skipped ? "skipped, no reason given" : "no summary"
            }
            var words = [StyledWord(marker, style: style), StyledWord(id, spaceBefore: 2)]
            words += StyledWord.words(summary, gap: 2 + pad)
            let counts = [(Severity.error, "error"), (.warning, "warning"), (.info, "info")]
                .compactMap { severity, noun in
                    check.counts[severity].flatMap { $0 > 0 ? ReportNumbers.count($0, noun) : nil }
                }
            if !counts.isEmpty {
                words +=
                    [StyledWord("·", style: .dim)]
                    + StyledWord.words(counts.joined(separator: ", "), style: .dim)
            }
            out.paragraph(words, indent: 2, hang: 2 + 6 + 2 + idWidth + 2)
        }
    }

    /// The checks' tables, in check order: a title line, aligned columns, the note.
    private func tables(_ report: AuditReport, _ out: inout Layout) {
        let owners = report.checks.filter { !$0.tables.isEmpty }
        guard !owners.isEmpty else { return }
        let count = owners.reduce(0) { $0 + $1.tables.count }
        let names = owners.map { TerminalText.sanitize($0.id.rawValue) }
        let from =
            names.count <= 3
            ? Self.andList(names)
            : names.prefix(3).joined(separator: ", ") + " and "
                + ReportNumbers.count(names.count - 3, "more check")
        out.section("TABLES", detail: ReportNumbers.count(count, "table") + " from " + from)
        var first = true
        for check in owners {
            for table in check.tables {
                if !first { out.blank() }
                first = false
                out.paragraph(
                    [StyledWord(TerminalText.sanitize(check.id.rawValue), style: .dim)]
                        + [StyledWord("·", style: .dim)]
                        + StyledWord.words(TerminalText.sanitize(table.title), style: .bold),
                    indent: 2, hang: 4)
                let layout = TextTable(table, width: out.width - 4)
                for line in layout.lines { out.line(line, indent: 4) }
                if let omitted = layout.omitted {
                    out.paragraph(StyledWord.words(omitted, style: .dim), indent: 4, hang: 6)
                }
                if let note = table.note, !note.isEmpty {
                    out.paragraph(
                        StyledWord.words(TerminalText.sanitize(note), style: .dim), indent: 4,
                        hang: 4)
                }
            }
        }
    }

    private func findings(_ report: AuditReport, _ out: inout Layout) {
        let shown = Self.select(
            report.findings, limit: max(0, maxFindings), perCheck: Self.findingsPerCheck)
        let total = report.findings.weightedCount
        let detail =
            report.findings.isEmpty
            ? "none"
            : shown.weightedCount == total
                ? "all \(ReportNumbers.integer(total)), most severe first"
                : "\(ReportNumbers.integer(shown.weightedCount)) of "
                    + "\(ReportNumbers.integer(total)), most severe first"
        out.section("FINDINGS", detail: detail)
        let hang = 2 + 7 + 2
        let changeOf = report.regressions
        for finding in shown {
            let (label, style): (String, TerminalStyle) =
                switch finding.severity {
                case .error: ("error", .red)
                case .warning: ("warning", .yellow)
                case .info: ("info", .cyan)
                }
            // The label column is 7 wide ("warning"); pad outside the colour.
            let gap = 2 + 7 - label.count
            var words = [StyledWord(label, style: style)]
            if let location = finding.location {
                words.append(StyledWord(describe(location), style: .bold, spaceBefore: gap))
            }
            words.append(
                StyledWord(
                    TerminalText.sanitize(finding.checkID.rawValue), style: .dim,
                    spaceBefore: finding.location == nil ? gap : 2))
            if let change = changeOf[finding] {
                words.append(StyledWord("[\(change.rawValue)]", style: .bold))
            }
            words += StyledWord.words(TerminalText.sanitize(finding.message), gap: 2)
            if !finding.related.isEmpty {
                var places = finding.related.prefix(Self.relatedShown).map(describe)
                    .joined(separator: ", ")
                let more = finding.related.count - Self.relatedShown
                if more > 0 { places += " and \(ReportNumbers.integer(more)) more" }
                words += StyledWord.words("(also at \(places))", style: .dim)
            }
            out.paragraph(words, indent: 2, hang: hang)
            if let hint = finding.hint, !hint.isEmpty {
                out.paragraph(
                    [StyledWord("fix:", style: .cyan)]
                        + StyledWord.words(TerminalText.sanitize(hint)),
                    indent: hang, hang: hang + 5)
            }
        }
        let hidden = total - shown.weightedCount
        if hidden > 0 {
            let shownCounts = shown.severityCounts
            let hiddenCounts = [(Severity.error, "error"), (.warning, "warning"), (.info, "info")]
                .compactMap { severity, noun -> String? in
                    let n = (report.counts[severity] ?? 0) - (shownCounts[severity] ?? 0)
                    return n > 0 ? ReportNumbers.count(n, noun) : nil
                }.joined(separator: ", ")
            let text =
                "… \(ReportNumbers.count(hidden, "more finding")) not shown (\(hiddenCounts)); "
                + (report.hasUnlistedFindings
                    ? "--report json=PATH lists them up to --max-findings-per-code of each check and code."
                    : "--report json=PATH lists all of them.")
            out.paragraph(StyledWord.words(text, style: .dim), indent: 2, hang: 4)
        }
    }

    /// The entries of the suppression file that hid findings, with their reasons.
    private func suppressed(_ report: AuditReport, _ out: inout Layout) {
        guard let outcome = report.suppressions, !outcome.entries.isEmpty else { return }
        out.section(
            "SUPPRESSED",
            detail: ReportNumbers.count(outcome.suppressedCount, "finding") + " by "
                + TerminalText.sanitize(outcome.path))
        for entry in outcome.entries {
            let s = entry.suppression
            let state =
                entry.expired
                ? "expired \(s.expires ?? "")"
                : ReportNumbers.count(entry.suppressed, "finding")
            var words = StyledWord.words("line \(s.mark.line):", style: .bold)
            words += StyledWord.words(state + ",")
            words += StyledWord.words(TerminalText.sanitize(s.selectorDescription), style: .dim)
            words += StyledWord.words("— " + TerminalText.sanitize(s.reason))
            if let expires = s.expires, !entry.expired {
                words += StyledWord.words("(until \(expires))", style: .dim)
            }
            out.paragraph(words, indent: 2, hang: 4)
        }
    }

    /// Baseline findings that are gone, most severe first.
    private func fixed(_ report: AuditReport, _ out: inout Layout) {
        guard let baseline = report.baseline, !baseline.fixed.isEmpty else { return }
        let shown = Self.select(baseline.fixed, limit: 10, perCheck: Self.findingsPerCheck)
        out.section(
            "FIXED",
            detail: ReportNumbers.count(baseline.fixed.count, "finding")
                + " of the baseline no longer found")
        for finding in shown {
            var words: [StyledWord] = []
            if let location = finding.location {
                words.append(StyledWord(describe(location), style: .bold))
            }
            words.append(
                StyledWord(
                    TerminalText.sanitize(finding.checkID.rawValue), style: .dim,
                    spaceBefore: words.isEmpty ? 0 : 2))
            words += StyledWord.words(TerminalText.sanitize(finding.message), gap: 2)
            out.paragraph(words, indent: 2, hang: 4)
        }
        if baseline.fixed.count > shown.count {
            out.paragraph(
                StyledWord.words(
                    "… \(ReportNumbers.count(baseline.fixed.count - shown.count, "more")) in the JSON report",
                    style: .dim), indent: 2, hang: 4)
        }
    }

    private func splits(_ report: AuditReport, _ out: inout Layout) {
        guard !report.statistics.isEmpty else { return }
        let total = report.statistics.reduce(0) { $0 + $1.records }
        out.section(
            "SPLITS",
            detail: "\(ReportNumbers.count(total, "record")) in "
                + ReportNumbers.count(report.statistics.count, "split"))
        let names = report.statistics.map { TerminalText.sanitize($0.split) }
        let nameWidth = min(names.map(TerminalText.displayWidth).max() ?? 0, 20)
        let recordWidth =
            report.statistics.map { ReportNumbers.integer($0.records).count }.max() ?? 0
        let shares = report.statistics.map {
            total > 0 ? ReportNumbers.percent(Double($0.records) / Double(total)) : "n/a"
        }
        let shareWidth = shares.map(\.count).max() ?? 0
        for ((split, name), share) in zip(zip(report.statistics, names), shares) {
            let records = ReportNumbers.integer(split.records)
            var parts = [
                split.labels.isEmpty
                    ? "no labels" : ReportNumbers.count(split.labels.count, "label")
            ]
            if split.files != 1 { parts.append(ReportNumbers.count(split.files, "file")) }
            if split.malformed > 0 {
                parts.append(ReportNumbers.integer(split.malformed) + " malformed")
            }
            let namePad = max(0, nameWidth - TerminalText.displayWidth(name))
            var words = [StyledWord(name, style: .bold)]
            words.append(
                StyledWord(records, spaceBefore: 2 + namePad + recordWidth - records.count))
            // "1 record" is one letter shorter: pad so the share column stays aligned.
            let plural = split.records != 1
            let anyPlural = report.statistics.contains { $0.records != 1 }
            words.append(StyledWord(plural ? "records" : "record"))
            words.append(
                StyledWord(
                    share,
                    spaceBefore: 2 + shareWidth - share.count + (!plural && anyPlural ? 1 : 0)))
            words += parts.map { StyledWord($0, spaceBefore: 2) }
            out.paragraph(words, indent: 2, hang: 4)
        }
    }

    private func footer(_ report: AuditReport, _ out: inout Layout) {
        let meta = report.metadata
        var parts = ["\(meta.toolName) \(meta.toolVersion)"]
        if !meta.rulesSources.isEmpty {
            parts.append("rules " + meta.rulesSources.joined(separator: ", "))
        }
        if !meta.rulesDigest.isEmpty { parts.append("digest \(meta.rulesDigest.prefix(12))") }
        if let at = meta.generatedAt { parts.append("generated \(at)") }
        parts.append("fail-on \(report.failOn.rawValue)")
        out.blank()
        out.paragraph(joinedAtoms(parts.map(TerminalText.sanitize), style: .dim), hang: 2)
    }

    // MARK: - Pieces

    /// Parts separated by a dim `·`, each kept on one line when it fits (spaces inside a part
    /// do not break), so wrapping happens between parts.
    private func joinedAtoms(_ parts: [String], style: TerminalStyle? = nil) -> [StyledWord] {
        parts.enumerated().flatMap { index, part in
            (index == 0 ? [] : [StyledWord("·", style: .dim)]) + [StyledWord(part, style: style)]
        }
    }

    /// The checks with findings at `severity`, in check-table order: `a, b and c`, at most
    /// three named.
    private func checkList(_ report: AuditReport, _ severity: Severity) -> String {
        let ids = Set(report.findings.filter { $0.severity == severity }.map(\.checkID))
        let tableOrder = report.checks.map(\.id).filter(ids.contains)
        let ordered = tableOrder + ids.subtracting(tableOrder).sorted()
        var names = ordered.prefix(3).map { TerminalText.sanitize($0.rawValue) }
        if ordered.count > 3 {
            names.append(ReportNumbers.count(ordered.count - 3, "more check"))
        }
        return Self.andList(names)
    }

    /// `a`, `a and b`, `a, b and c`.
    private static func andList(_ names: [String]) -> String {
        guard names.count > 1, let last = names.last else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + last
    }

    /// `path:line`, or `path record N` when the line is unknown; escaped for the terminal.
    private func describe(_ location: DataLocation) -> String {
        var text = TerminalText.sanitize(location.path)
        if let line = location.line {
            text += ":\(line)"
        } else if let record = location.record {
            text += " record \(record)"
        }
        return text
    }

    /// The findings to list: most severe first, then in report order, at most `limit`.
    ///
    /// A first pass takes at most `perCheck` warnings and errors of each check; a second pass
    /// fills the remaining slots, most severe first, so the cap only bites when other checks
    /// compete, and an info never displaces an error or a warning.
    /// - Complexity: O(n log n) in the number of findings.
    static func select(_ findings: [Finding], limit: Int, perCheck: Int) -> [Finding] {
        let ranked = findings.indices.sorted { a, b in
            findings[a].severity != findings[b].severity
                ? findings[a].severity > findings[b].severity : a < b
        }
        var chosen = Set<Int>()
        var taken: [CheckID: Int] = [:]
        for index in ranked where chosen.count < limit && findings[index].severity > .info {
            let id = findings[index].checkID
            if taken[id, default: 0] < perCheck {
                chosen.insert(index)
                taken[id, default: 0] += 1
            }
        }
        for index in ranked where chosen.count < limit { chosen.insert(index) }
        return ranked.filter(chosen.contains).map { findings[$0] }
    }
}

// MARK: - Layout

/// Accumulates wrapped, optionally coloured lines.
private struct Layout {
    let width: Int
    let color: Bool
    var lines: [String] = []

    mutating func blank() { lines.append("") }

    /// A blank line, then a bold heading with an optional dim detail.
    mutating func section(_ title: String, detail: String?) {
        blank()
        var words = [StyledWord(title, style: .bold)]
        if let detail { words += StyledWord.words(detail, style: .dim, gap: 2) }
        paragraph(words, hang: 2)
    }

    /// One line as laid out by the caller (no wrapping), starting at `indent`.
    mutating func line(_ words: [StyledWord], indent: Int) {
        lines.append(
            String(repeating: " ", count: indent) + TerminalText.render(words, color: color))
    }

    /// Words wrapped to the width: the first line starts at `indent`, the others at `hang`.
    mutating func paragraph(_ words: [StyledWord], indent: Int = 0, hang: Int) {
        let wrapped = TerminalText.wrap(
            words, firstWidth: width - indent, restWidth: width - hang)
        for (index, line) in wrapped.enumerated() {
            let pad = String(repeating: " ", count: index == 0 ? indent : hang)
            lines.append(pad + TerminalText.render(line, color: color))
        }
    }
}

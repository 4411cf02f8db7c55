import Foundation
import PreflightCore

/// The output formats of `preflight diff`.
public enum DiffFormat: String, CaseIterable, Sendable {
    /// Plain text for a terminal (the default).
    case text
    /// GitHub-flavoured Markdown for a pull-request comment, within `maxLength` bytes.
    case markdown
    /// JSON with sorted keys, described by `schemas/diff-v1.schema.json`.
    case json
}

/// Renders a `ReportDiff` as text, Markdown or JSON.
///
/// Pure: the same diff and paths give the same bytes. Lists of findings are bounded by
/// `ReportDiff.listLimit`, labels per split by `labelLimit` in text and Markdown (the JSON
/// has them all), and the Markdown document by `maxLength` UTF-8 bytes.
public struct DiffReporter: Sendable {
    /// The version of the diff JSON contract (`schemas/diff-v1.schema.json`).
    public static let schemaVersion = 1
    /// The most labels per split that text and Markdown show, largest share change first.
    public static let labelLimit = 20
    /// The most input files that text and Markdown list (changed ones first).
    public static let fileLimit = 50

    /// The output format.
    public var format: DiffFormat
    /// The old report as the user named it.
    public var oldPath: String
    /// The new report as the user named it.
    public var newPath: String
    /// The most UTF-8 bytes of a Markdown document; GitHub's comment limit by default.
    public var maxLength: Int

    /// A reporter of `format` for the reports at `oldPath` and `newPath`.
    public init(
        format: DiffFormat, oldPath: String, newPath: String,
        maxLength: Int = MarkdownReporter.gitHubCommentLimit
    ) {
        self.format = format
        self.oldPath = oldPath
        self.newPath = newPath
        self.maxLength = maxLength
    }

    /// Renders the diff as UTF-8 ending with a newline.
    /// - Complexity: O(n) in the size of the diff.
    public func render(_ diff: ReportDiff) -> Data {
        switch format {
        case .text: Data(text(diff).utf8)
        case .markdown: Data(markdown(diff).utf8)
        case .json: json(diff)
        }
    }
}

// MARK: - Wording shared by text and Markdown

extension DiffReporter {
    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// `+3`, `-2`, `0`.
    static func signed(_ value: Int) -> String {
        value > 0 ? "+\(value)" : value < 0 ? "\(value)" : "0"
    }

    /// `12 → 15 (+3)`, or `12` when unchanged.
    static func change(_ change: ReportDiff.Change<Int>) -> String {
        change.changed
            ? "\(change.old) → \(change.new) (\(signed(change.new - change.old)))" : "\(change.old)"
    }

    static func percent(_ share: Double) -> String {
        String(format: "%.1f%%", share * 100)
    }

    /// Added or removed records with their sign: `+5`, `-3`, `0`, or `~+5 ±2` for an
    /// estimate.
    static func records(_ value: Int, sign: String, _ change: RecordSketch.Change) -> String {
        let exact = value == 0 ? "0" : sign + "\(value)"
        let error = Int(change.standardError.rounded(.up))
        return change.isExact ? exact : error == 0 ? "~\(exact)" : "~\(exact) ±\(error)"
    }

    static func findingCounts(_ diff: ReportDiff) -> String {
        Severity.allCases.reversed().map { severity in
            let noun = severity == .info ? "infos" : "\(severity.rawValue)s"
            return "\(noun) "
                + change(
                    ReportDiff.Change(
                        old: diff.counts.old[severity] ?? 0, new: diff.counts.new[severity] ?? 0))
        }.joined(separator: ", ")
    }

    static func paired(_ diff: ReportDiff) -> String {
        "\(diff.totals[.new] ?? 0) new, \(diff.totals[.worse] ?? 0) worse, "
            + "\(diff.totals[.unchanged] ?? 0) unchanged, \(diff.totals[.improved] ?? 0) improved, "
            + "\(diff.fixedCount) fixed"
    }

    static func rulesWarning(_ diff: ReportDiff) -> String {
        "the rules changed (digest \(diff.rulesDigest.old.prefix(12)) → "
            + "\(diff.rulesDigest.new.prefix(12))): findings may differ because the rules did"
    }

    /// The labels shown: the largest share changes first (then by label), at most
    /// `labelLimit`, in label order.
    static func shownLabels(_ split: ReportDiff.SplitChange) -> [ReportDiff.LabelChange] {
        guard split.labels.count > labelLimit else { return split.labels }
        let ranked = split.labels.sorted { a, b in
            let da = abs(a.share.new - a.share.old)
            let db = abs(b.share.new - b.share.old)
            return da != db ? da > db : a.label < b.label
        }
        return ranked.prefix(labelLimit).sorted { $0.label < $1.label }
    }

    /// The files listed: changed, added and removed first, at most `fileLimit`.
    static func shownFiles(_ diff: ReportDiff) -> [ReportDiff.FileChange] {
        let changed = diff.files.filter { $0.status != .unchanged }
        let unchanged = diff.files.filter { $0.status == .unchanged }
        return Array((changed + unchanged).prefix(fileLimit))
    }

    static func fileLine(_ file: ReportDiff.FileChange) -> String {
        switch file.status {
        case .added: return "added, \(plural(file.records.new ?? 0, "record"))"
        case .removed: return "removed, had \(plural(file.records.old ?? 0, "record"))"
        case .unchanged: return "unchanged, \(plural(file.records.new ?? 0, "record"))"
        case .changed:
            let old = file.records.old ?? 0
            let new = file.records.new ?? 0
            return "changed (sha256 \((file.sha256.old ?? "").prefix(12)) → "
                + "\((file.sha256.new ?? "").prefix(12))), "
                + (old == new
                    ? plural(new, "record") : "\(old) → \(new) records (\(signed(new - old)))")
        }
    }

    /// `data/train.jsonl:12`, `data/train.jsonl record 7`, or `dataset` without a location.
    static func place(_ location: DataLocation?) -> String {
        guard let location else { return "dataset" }
        if let line = location.line { return "\(location.path):\(line)" }
        if let record = location.record { return "\(location.path) record \(record)" }
        return location.path
    }

    static func splitNote(_ split: ReportDiff.SplitChange) -> String? {
        guard let reason = split.unknownReason else { return nil }
        return "\(split.split): added/removed unknown: \(reason); records "
            + change(split.records)
    }

    /// The bounded finding lists, titled, in the order shown.
    static func lists(_ diff: ReportDiff) -> [(title: String, list: ReportDiff.FindingList)] {
        [
            ("New duplicates", diff.newDuplicates), ("Fixed duplicates", diff.fixedDuplicates),
            ("New leaks", diff.newLeaks), ("Fixed leaks", diff.fixedLeaks),
        ]
    }
}

// MARK: - Text

extension DiffReporter {
    func text(_ diff: ReportDiff) -> String {
        let s = TerminalText.sanitize
        var lines: [String] = []
        lines.append("preflight diff: \(s(oldPath)) → \(s(newPath))")
        lines.append(
            "verdict: "
                + (diff.verdict.changed
                    ? "\(diff.verdict.old.phrase) → \(diff.verdict.new.phrase)"
                    : "\(diff.verdict.new.phrase) (unchanged)"))
        lines.append("findings: " + Self.findingCounts(diff))
        lines.append("  paired: " + Self.paired(diff))
        if diff.rulesChanged { lines.append("warning: " + Self.rulesWarning(diff)) }

        lines.append("")
        lines.append("Inputs")
        let files = Self.shownFiles(diff)
        if files.isEmpty { lines.append("  none") }
        lines += Self.columns(
            files.map { ["  " + s($0.split), s($0.path), Self.fileLine($0)] }, rightAligned: [])
        if diff.files.count > files.count {
            lines.append("  … \(diff.files.count - files.count) more unchanged files")
        }

        lines.append("")
        lines.append("Records")
        var rows = [["  split", "old", "new", "added", "removed"]]
        var notes: [String] = []
        var estimated = false
        for split in diff.splits {
            if let change = split.change {
                estimated = estimated || !change.isExact
                rows.append([
                    "  " + s(split.split), "\(split.records.old)", "\(split.records.new)",
                    Self.records(change.added, sign: "+", change),
                    Self.records(change.removed, sign: "-", change),
                ])
            } else {
                rows.append([
                    "  " + s(split.split), "\(split.records.old)", "\(split.records.new)", "?",
                    "?",
                ])
                notes.append("  " + s(Self.splitNote(split) ?? ""))
            }
        }
        lines += Self.columns(rows, rightAligned: [1, 2, 3, 4])
        lines += notes
        lines.append(
            "  distinct records by example text and label"
                + (estimated
                    ? "; ~ marks an estimate from the record sketches, ± one standard error" : ""))

        let labelled = diff.splits.filter { !$0.labels.isEmpty }
        if !labelled.isEmpty {
            lines.append("")
            lines.append("Labels")
            for split in labelled {
                let divergence = split.divergence.map { String(format: "%.4f", $0) } ?? "n/a"
                lines.append("  \(s(split.split)): Jensen–Shannon divergence \(divergence)")
                let shown = Self.shownLabels(split)
                lines += Self.columns(
                    [["    label", "old", "", "new", ""]]
                        + shown.map { label in
                            [
                                "    " + s(label.label), "\(label.count.old)",
                                Self.percent(label.share.old), "\(label.count.new)",
                                Self.percent(label.share.new),
                            ]
                        }, rightAligned: [1, 2, 3, 4])
                if split.labels.count > shown.count {
                    lines.append(
                        "    … \(split.labels.count - shown.count) more labels (all in --format json)"
                    )
                }
            }
        }

        lines.append("")
        lines.append("Findings per check")
        if diff.checks.isEmpty {
            lines.append("  none in either report")
        } else {
            lines += Self.columns(
                [["  check", "old", "now", "new", "worse", "unchanged", "improved", "fixed"]]
                    + diff.checks.map { row in
                        [
                            "  " + s(row.check.rawValue), "\(row.counts.old)", "\(row.counts.new)",
                            "\(row.new)", "\(row.worse)", "\(row.unchanged)", "\(row.improved)",
                            "\(row.fixed)",
                        ]
                    }, rightAligned: [1, 2, 3, 4, 5, 6, 7])
        }

        for (title, list) in Self.lists(diff) {
            lines.append("")
            lines.append("\(title): \(list.total == 0 ? "none" : "\(list.total)")")
            for finding in list.findings {
                var line = "  \(s(Self.place(finding.location)))  \(finding.checkID)  "
                line += s(finding.message)
                if let first = finding.related.first {
                    line += "  (with \(s(Self.place(first)))"
                    if finding.related.count > 1 {
                        line += " and \(finding.related.count - 1) more"
                    }
                    line += ")"
                }
                lines.append(line)
            }
            if list.total > list.findings.weightedCount {
                lines.append(
                    "  … \(list.total - list.findings.weightedCount) more (all in --format json)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows laid out in aligned columns, two spaces apart; trailing spaces trimmed.
    static func columns(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        guard let width = rows.map(\.count).max() else { return [] }
        let widths = (0..<width).map { column in
            rows.map { column < $0.count ? TerminalText.displayWidth($0[column]) : 0 }.max() ?? 0
        }
        return rows.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                let pad = String(
                    repeating: " ", count: widths[column] - TerminalText.displayWidth(cell))
                if column > 0 { line += "  " }
                line += rightAligned.contains(column) ? pad + cell : cell + pad
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}

// MARK: - Markdown

extension DiffReporter {
    func markdown(_ diff: ReportDiff) -> String {
        let e = MarkdownText.escape
        var lines: [String] = []
        lines.append("## Preflight diff")
        lines.append("")
        lines.append("`\(Self.fence(oldPath))` → `\(Self.fence(newPath))`")
        lines.append("")
        lines.append(
            "**Verdict:** "
                + (diff.verdict.changed
                    ? "\(diff.verdict.old.phrase) → **\(diff.verdict.new.phrase)**"
                    : "\(diff.verdict.new.phrase) (unchanged)"))
        lines.append("")
        lines.append("**Findings:** " + Self.findingCounts(diff) + " — " + Self.paired(diff))
        if diff.rulesChanged {
            lines.append("")
            lines.append("> [!WARNING]")
            lines.append("> " + e(Self.rulesWarning(diff)))
        }

        lines.append("")
        lines.append("### Inputs")
        lines.append("")
        let files = Self.shownFiles(diff)
        if files.isEmpty {
            lines.append("No inputs.")
        } else {
            lines.append("| split | file | change |")
            lines.append("|---|---|---|")
            for file in files {
                lines.append(
                    "| \(e(file.split)) | \(e(file.path)) | \(e(Self.fileLine(file))) |")
            }
            if diff.files.count > files.count {
                lines.append("")
                lines.append("… \(diff.files.count - files.count) more unchanged files.")
            }
        }

        lines.append("")
        lines.append("### Records")
        lines.append("")
        lines.append("| split | old | new | added | removed |")
        lines.append("|---|---:|---:|---:|---:|")
        var notes: [String] = []
        var estimated = false
        for split in diff.splits {
            if let change = split.change {
                estimated = estimated || !change.isExact
                lines.append(
                    "| \(e(split.split)) | \(split.records.old) | \(split.records.new) | "
                        + "\(Self.records(change.added, sign: "+", change)) | "
                        + "\(Self.records(change.removed, sign: "-", change)) |")
            } else {
                lines.append(
                    "| \(e(split.split)) | \(split.records.old) | \(split.records.new) | ? | ? |")
                notes.append(e(Self.splitNote(split) ?? ""))
            }
        }
        lines.append("")
        lines.append(
            ((notes.isEmpty ? "" : notes.joined(separator: "<br>") + "<br>")
                + "Distinct records by example text and label"
                + (estimated
                    ? "; ~ marks an estimate from the record sketches, ± one standard error"
                    : "") + "."))

        let labelled = diff.splits.filter { !$0.labels.isEmpty }
        if !labelled.isEmpty {
            lines.append("")
            lines.append("### Labels")
            for split in labelled {
                let divergence = split.divergence.map { String(format: "%.4f", $0) } ?? "n/a"
                lines.append("")
                lines.append(
                    "**\(e(split.split))** — Jensen–Shannon divergence \(divergence)")
                lines.append("")
                lines.append("| label | old | new |")
                lines.append("|---|---:|---:|")
                let shown = Self.shownLabels(split)
                for label in shown {
                    lines.append(
                        "| \(e(label.label)) | \(label.count.old) (\(Self.percent(label.share.old))) "
                            + "| \(label.count.new) (\(Self.percent(label.share.new))) |")
                }
                if split.labels.count > shown.count {
                    lines.append("")
                    lines.append("… \(split.labels.count - shown.count) more labels.")
                }
            }
        }

        lines.append("")
        lines.append("### Findings per check")
        lines.append("")
        if diff.checks.isEmpty {
            lines.append("No findings in either report.")
        } else {
            lines.append("| check | old | now | new | worse | unchanged | improved | fixed |")
            lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
            for row in diff.checks {
                lines.append(
                    "| \(MarkdownText.code(row.check.rawValue)) | \(row.counts.old) | "
                        + "\(row.counts.new) | \(row.new) | \(row.worse) | \(row.unchanged) | "
                        + "\(row.improved) | \(row.fixed) |")
            }
        }

        for (title, list) in Self.lists(diff) {
            lines.append("")
            lines.append("### \(title) (\(list.total))")
            guard list.total > 0 else { continue }
            lines.append("")
            lines.append("| record | check | message | with |")
            lines.append("|---|---|---|---|")
            for finding in list.findings {
                let with = finding.related.first.map { e(Self.place($0)) } ?? ""
                let more = finding.related.count > 1 ? " and \(finding.related.count - 1) more" : ""
                lines.append(
                    "| \(e(Self.place(finding.location))) | \(MarkdownText.code(finding.checkID.rawValue)) "
                        + "| \(e(MarkdownReporter.cut(finding.message))) | \(with)\(more) |")
            }
            if list.total > list.findings.weightedCount {
                lines.append("")
                lines.append("… \(list.total - list.findings.weightedCount) more.")
            }
        }
        return Self.fit(lines.joined(separator: "\n") + "\n", maxLength: maxLength)
    }

    /// A path inside a code span: backticks and line breaks replaced.
    static func fence(_ text: String) -> String {
        String(
            text.map { $0 == "`" ? "'" : $0.isNewline ? " " : $0 })
    }

    /// The document cut at a line boundary to at most `maxLength` UTF-8 bytes, with a note.
    static func fit(_ text: String, maxLength: Int) -> String {
        guard text.utf8.count > maxLength else { return text }
        let note =
            "\n… cut to fit \(maxLength) bytes; `preflight diff --format json` has everything.\n"
        let budget = max(0, maxLength - note.utf8.count)
        var kept = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if kept.utf8.count + line.utf8.count + 1 > budget { break }
            kept += line + "\n"
        }
        return kept + note
    }
}

// MARK: - JSON

/// A JSON value with keys sorted when written; the diff document is small enough to build.
private indirect enum Node {
    case object([String: Node])
    case array([Node])
    case string(String?)
    case integer(Int?)
    case number(Double?)
    case bool(Bool)

    func write(to json: inout JSONWriter) {
        switch self {
        case .object(let members):
            json.beginObject()
            for (key, value) in members.sorted(by: {
                $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
            }) {
                json.key(escaping: key)
                value.write(to: &json)
            }
            json.endObject()
        case .array(let items):
            json.beginArray()
            for item in items { item.write(to: &json) }
            json.endArray()
        case .string(let text): json.string(text)
        case .integer(let value):
            if let value { json.integer(value) } else { json.null() }
        case .number(let value):
            guard let value, value.isFinite else {
                json.null()
                return
            }
            if value.rounded(.towardZero) == value, abs(value) < 9_007_199_254_740_992 {
                json.integer(Int(value))
            } else {
                json.real(value)
            }
        case .bool(let value): json.boolean(value)
        }
    }
}

extension DiffReporter {
    func json(_ diff: ReportDiff) -> Data {
        func counts(_ counts: [Severity: Int]) -> Node {
            .object(
                Dictionary(
                    uniqueKeysWithValues: Severity.allCases.map {
                        ($0.rawValue, .integer(counts[$0] ?? 0))
                    }))
        }
        func pair(_ change: ReportDiff.Change<Int>) -> Node {
            .object(["old": .integer(change.old), "new": .integer(change.new)])
        }
        func location(_ location: DataLocation) -> Node {
            var members: [String: Node] = [
                "path": .string(location.path), "split": .string(location.split),
            ]
            if let line = location.line { members["line"] = .integer(line) }
            if let record = location.record { members["record"] = .integer(record) }
            if let id = location.id { members["id"] = .string(id) }
            if let field = location.field { members["field"] = .string(field) }
            return .object(members)
        }
        func list(_ list: ReportDiff.FindingList) -> Node {
            .object([
                "total": .integer(list.total),
                "findings": .array(
                    list.findings.map { finding in
                        var members: [String: Node] = [
                            "check": .string(finding.checkID.rawValue),
                            "code": .string(finding.code),
                            "severity": .string(finding.severity.rawValue),
                            "message": .string(finding.message),
                            "related": .array(finding.related.map(location)),
                            "fingerprint": .string(finding.fingerprint),
                        ]
                        if let place = finding.location { members["location"] = location(place) }
                        return .object(members)
                    }),
            ])
        }
        func report(_ path: String, _ side: KeyPath<ReportDiff.Change<Verdict>, Verdict>, old: Bool)
            -> Node
        {
            .object([
                "path": .string(path),
                "verdict": .string(diff.verdict[keyPath: side].rawValue),
                "tool_version": .string(old ? diff.toolVersion.old : diff.toolVersion.new),
                "rules_digest": .string(old ? diff.rulesDigest.old : diff.rulesDigest.new),
                "generated_at": .string(old ? diff.generatedAt.old : diff.generatedAt.new),
                "findings": counts(old ? diff.counts.old : diff.counts.new),
            ])
        }
        let splits: [Node] = diff.splits.map { split in
            let change = split.change
            return .object([
                "split": .string(split.split),
                "records": pair(split.records),
                "malformed": pair(split.malformed),
                "added": .integer(change?.added),
                "removed": .integer(change?.removed),
                "common": .integer(change?.common),
                "exact": change.map { .bool($0.isExact) } ?? .bool(false),
                "standard_error": .number(change?.standardError),
                "unknown_reason": .string(split.unknownReason),
                "js_divergence": .number(split.divergence),
                "labels": .array(
                    split.labels.map { label in
                        .object([
                            "label": .string(label.label),
                            "count": pair(label.count),
                            "share": .object([
                                "old": .number(label.share.old), "new": .number(label.share.new),
                            ]),
                        ])
                    }),
            ])
        }
        let document: Node = .object([
            "schema_version": .integer(Self.schemaVersion),
            "old": report(oldPath, \.old, old: true),
            "new": report(newPath, \.new, old: false),
            "verdict_changed": .bool(diff.verdict.changed),
            "rules_changed": .bool(diff.rulesChanged),
            "findings": .object([
                "new": .integer(diff.totals[.new] ?? 0),
                "worse": .integer(diff.totals[.worse] ?? 0),
                "unchanged": .integer(diff.totals[.unchanged] ?? 0),
                "improved": .integer(diff.totals[.improved] ?? 0),
                "fixed": .integer(diff.fixedCount),
            ]),
            "inputs": .array(
                diff.files.map { file in
                    .object([
                        "path": .string(file.path), "split": .string(file.split),
                        "status": .string(file.status.rawValue),
                        "sha256": .object([
                            "old": .string(file.sha256.old), "new": .string(file.sha256.new),
                        ]),
                        "records": .object([
                            "old": .integer(file.records.old), "new": .integer(file.records.new),
                        ]),
                    ])
                }),
            "splits": .array(splits),
            "checks": .array(
                diff.checks.map { row in
                    .object([
                        "check": .string(row.check.rawValue),
                        "findings": pair(row.counts),
                        "new": .integer(row.new), "worse": .integer(row.worse),
                        "unchanged": .integer(row.unchanged), "improved": .integer(row.improved),
                        "fixed": .integer(row.fixed),
                    ])
                }),
            "new_duplicates": list(diff.newDuplicates),
            "fixed_duplicates": list(diff.fixedDuplicates),
            "new_leaks": list(diff.newLeaks),
            "fixed_leaks": list(diff.fixedLeaks),
        ])
        var writer = JSONWriter(capacity: 16_384)
        document.write(to: &writer)
        return writer.finish()
    }
}

import Foundation
import PreflightCore

/// Renders the machine-readable report, `schema_version` 1.
///
/// The output is described by `schemas/report-v1.schema.json` and is the public contract
/// for CI users: keys are sorted, slashes are not escaped, the document ends with a newline.
///
/// Absent values follow one rule: a key whose value is absent is present with `null`
/// (`compression`, `label_field`, `hint`, `generated_at`), except that a dataset-level
/// finding has no `location` key and a location object omits the keys it has no value for
/// (`line`, `record`, `id`, `field`).
///
/// Numbers: counts are integers; metric values that are whole numbers are written as
/// integers (`12`, never `12.0` or `1e+16`), other finite values as the shortest decimal
/// that round-trips, and NaN or infinity as `null`.
///
/// The bytes are those Foundation's `JSONEncoder` wrote for this document with
/// `[.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]`, empty containers compacted to
/// `[]` and `{}`; `JSONWriter` writes them directly, which is several times faster and
/// keeps one buffer instead of an encoded tree, a copy and a regex pass.
public struct JSONReporter: Reporter {
    /// The version of the JSON contract this reporter writes.
    public static let schemaVersion = 1

    /// Creates a JSON reporter.
    public init() {}

    /// Renders a report as pretty-printed JSON with sorted keys.
    /// - Throws: `ReportError.renderFailed` when two statistics entries name the same split.
    /// - Complexity: O(n) in the size of the report, plus sorting each dictionary's keys.
    public func render(_ report: AuditReport) throws -> Data {
        let statistics = try Self.statisticsBySplit(report.statistics)
        var json = JSONWriter(capacity: Self.estimatedByteCount(report))
        json.writeDocument(report, statistics: statistics)
        return json.finish()
    }
}

// MARK: - Document

// The contract's field names live here and only here. Members are written in ascending
// UTF-8 byte order of their keys: the order `.sortedKeys` produced, checked in debug builds.
extension JSONWriter {
    fileprivate mutating func writeDocument(
        _ report: AuditReport, statistics: [String: SplitStatistics]
    ) {
        let counts = report.counts
        let changes =
            report.baseline.flatMap { $0.changes.count == report.findings.count ? $0.changes : nil }
        beginObject()
        if let baseline = report.baseline { writeBaseline(baseline) }
        key("checks")
        beginArray()
        for check in report.checks { writeCheck(check) }
        endArray()
        key("fail_on")
        string(report.failOn.rawValue)
        key("findings")
        beginArray()
        for (i, finding) in report.findings.enumerated() {
            writeFinding(finding, change: changes?[i])
        }
        endArray()
        key("generated_at")
        string(report.metadata.generatedAt)
        key("inputs")
        beginArray()
        for input in report.inputs { writeInput(input) }
        endArray()
        key("readiness")
        beginArray()
        for entry in report.readiness { writeReadiness(entry) }
        endArray()
        key("rules")
        beginObject()
        key("digest")
        string(report.metadata.rulesDigest)
        key("sources")
        beginArray()
        for source in report.metadata.rulesSources { string(source) }
        endArray()
        endObject()
        key("schema_version")
        integer(JSONReporter.schemaVersion)
        key("statistics")
        beginObject()
        for (split, stats) in JSONReporter.sortedByKey(statistics) {
            key(escaping: split)
            writeSplit(stats)
        }
        endObject()
        key("summary")
        beginObject()
        key("errors")
        integer(counts[.error] ?? 0)
        key("findings")
        integer(report.findings.weightedCount)
        key("infos")
        integer(counts[.info] ?? 0)
        key("warnings")
        integer(counts[.warning] ?? 0)
        endObject()
        if let suppressions = report.suppressions { writeSuppressions(suppressions) }
        key("tool")
        beginObject()
        key("name")
        string(report.metadata.toolName)
        key("version")
        string(report.metadata.toolVersion)
        endObject()
        key("verdict")
        string(report.verdict.rawValue)
        endObject()
    }

    private mutating func writeCheck(_ check: CheckSummary) {
        beginObject()
        key("category")
        string(check.category.rawValue)
        key("counts")
        writeCounts(check.counts)
        key("id")
        string(check.id.rawValue)
        key("metrics")
        writeMetrics(check.metrics)
        key("prerequisites")
        beginArray()
        for prerequisite in check.prerequisites { string(prerequisite.rawValue) }
        endArray()
        key("severity")
        string(check.severity.rawValue)
        key("status")
        string(check.status.rawValue)
        key("summary")
        string(check.summary)
        key("tables")
        beginArray()
        for table in check.tables { writeTable(table) }
        endArray()
        key("title")
        string(check.title)
        endObject()
    }

    /// A table: cells typed by kind (count: integer, share and number: number, text: string,
    /// empty: null).
    private mutating func writeTable(_ table: ReportTable) {
        beginObject()
        key("columns")
        beginArray()
        for column in table.columns { string(column) }
        endArray()
        key("id")
        string(table.id)
        key("note")
        string(table.note)  // null when absent
        key("rows")
        beginArray()
        for row in table.rows {
            beginArray()
            for cell in row {
                switch cell {
                case .text(let text): string(text)
                case .count(let count): integer(count)
                case .share(let value), .number(let value): metric(value)
                case .empty: null()
                }
            }
            endArray()
        }
        endArray()
        key("title")
        string(table.title)
        endObject()
    }

    private mutating func writeReadiness(_ entry: PrerequisiteStatus) {
        beginObject()
        key("checks")
        beginArray()
        for id in entry.checks { string(id.rawValue) }
        endArray()
        key("counts")
        writeCounts(entry.counts)
        key("prerequisite")
        string(entry.prerequisite.rawValue)
        key("skipped_checks")
        beginArray()
        for id in entry.skippedChecks { string(id.rawValue) }
        endArray()
        key("status")
        string(entry.status.rawValue)
        key("summary")
        string(entry.summary)
        key("title")
        string(entry.prerequisite.title)
        key("top_findings")
        beginArray()
        for finding in entry.topFindings {
            // A reference: the full finding is in `findings`, with the same fingerprint.
            beginObject()
            key("check")
            string(finding.checkID.rawValue)
            key("code")
            string(finding.code)
            key("fingerprint")
            string(finding.fingerprint)
            if let location = finding.location {  // omitted when dataset-level
                key("location")
                writeLocation(location)
            }
            key("message")
            string(finding.message)
            key("severity")
            string(finding.severity.rawValue)
            endObject()
        }
        endArray()
        endObject()
    }

    private mutating func writeCounts(_ counts: [Severity: Int]) {
        beginObject()
        key("error")
        integer(counts[.error] ?? 0)
        key("info")
        integer(counts[.info] ?? 0)
        key("warning")
        integer(counts[.warning] ?? 0)
        endObject()
    }

    /// `baseline`, present only with `--baseline`: the counts of each change and the
    /// baseline findings no longer found.
    private mutating func writeBaseline(_ baseline: BaselineOutcome) {
        let counts = baseline.counts
        key("baseline")
        beginObject()
        key("counts")
        beginObject()
        key("fixed")
        integer(baseline.fixed.count)
        key("improved")
        integer(counts[.improved] ?? 0)
        key("new")
        integer(counts[.new] ?? 0)
        key("unchanged")
        integer(counts[.unchanged] ?? 0)
        key("worse")
        integer(counts[.worse] ?? 0)
        endObject()
        key("fixed")
        beginArray()
        for finding in baseline.fixed { writeFinding(finding) }
        endArray()
        key("path")
        string(baseline.path)
        endObject()
    }

    /// `suppressions`, present only when a suppression file was read: each entry with what
    /// it did, and the findings it hid (with the index of the entry).
    private mutating func writeSuppressions(_ outcome: SuppressionOutcome) {
        key("suppressions")
        beginObject()
        key("entries")
        beginArray()
        for entry in outcome.entries {
            let s = entry.suppression
            beginObject()
            key("check")
            string(s.check?.rawValue)
            key("code")
            string(s.code)
            key("expired")
            boolean(entry.expired)
            key("expires")
            string(s.expires)
            key("fingerprint")
            string(s.fingerprint)
            key("line")
            integer(s.mark.line)
            key("matched_while_expired")
            integer(entry.matchedWhileExpired)
            key("message")
            string(s.message)
            key("path")
            string(s.path)
            key("reason")
            string(s.reason)
            key("suppressed")
            integer(entry.suppressed)
            endObject()
        }
        endArray()
        key("path")
        string(outcome.path)
        key("suppressed")
        beginArray()
        for item in outcome.suppressed {
            beginObject()
            key("entry")
            integer(item.entry)
            key("finding")
            writeFinding(item.finding)
            endObject()
        }
        endArray()
        endObject()
    }

    private mutating func writeFinding(_ finding: Finding, change: FindingChange? = nil) {
        beginObject()
        if let change {  // only with --baseline
            key("change")
            string(change.rawValue)
        }
        key("check")
        string(finding.checkID.rawValue)
        key("code")
        string(finding.code)
        key("fingerprint")
        string(finding.fingerprint)
        key("hint")
        string(finding.hint)  // null when absent
        if let location = finding.location {  // omitted when dataset-level
            key("location")
            writeLocation(location)
        }
        key("message")
        string(finding.message)
        key("metrics")
        writeMetrics(finding.metrics)
        key("related")
        beginArray()
        for location in finding.related { writeLocation(location) }
        endArray()
        key("severity")
        string(finding.severity.rawValue)
        endObject()
    }

    /// A location omits the keys it has no value for.
    private mutating func writeLocation(_ location: DataLocation) {
        beginObject()
        if let field = location.field {
            key("field")
            string(field)
        }
        if let id = location.id {
            key("id")
            string(id)
        }
        if let line = location.line {
            key("line")
            integer(line)
        }
        key("path")
        string(location.path)
        if let record = location.record {
            key("record")
            integer(record)
        }
        key("split")
        string(location.split)
        endObject()
    }

    private mutating func writeInput(_ input: InputSummary) {
        beginObject()
        key("bytes")
        integer(input.bytes)
        key("compression")
        string(input.compression)
        key("format")
        string(input.format.rawValue)
        key("label_field")
        string(input.labelField)
        key("malformed")
        integer(input.malformed)
        key("path")
        string(input.path)
        key("records")
        integer(input.records)
        key("sha256")
        string(input.sha256)
        key("shape")
        string(input.shape.rawValue)
        key("shape_source")
        string(input.shapeSource)
        key("split")
        string(input.split)
        key("split_source")
        string(input.splitSource)
        key("text_fields")
        beginArray()
        for field in input.textFields { string(field) }
        endArray()
        endObject()
    }

    private mutating func writeSplit(_ split: SplitStatistics) {
        // Labels that are equal as Swift strings (canonically equivalent) count as one.
        let labels = Dictionary(split.labels.map { ($0.label, $0.count) }, uniquingKeysWith: +)
        beginObject()
        if let distinct = split.distinctRecords {  // omitted in reports built without it
            key("distinct_records")
            integer(distinct)
        }
        key("files")
        integer(split.files)
        key("labels")
        beginObject()
        for (label, count) in JSONReporter.sortedByKey(labels) {
            key(escaping: label)
            integer(count)
        }
        endObject()
        key("malformed")
        integer(split.malformed)
        if let sketch = split.recordSketch {
            key("record_sketch")
            beginArray()
            for hash in sketch { string(JSONReporter.hex(hash)) }
            endArray()
        }
        key("records")
        integer(split.records)
        endObject()
    }

    private mutating func writeMetrics(_ metrics: [String: Double]) {
        beginObject()
        if metrics.count == 1, let only = metrics.first {
            key(escaping: only.key)
            metric(only.value)
        } else if !metrics.isEmpty {
            for (name, value) in JSONReporter.sortedByKey(metrics) {
                key(escaping: name)
                metric(value)
            }
        }
        endObject()
    }

    /// Whole numbers as integers (`-0.0` as `0`), NaN and infinity as `null`, other values
    /// as the shortest decimal that round-trips.
    private mutating func metric(_ value: Double) {
        // Every whole Double below 2^63 in magnitude is exactly representable as Int64.
        if !value.isFinite {
            null()
        } else if value.rounded(.towardZero) == value, abs(value) < 9_223_372_036_854_775_808.0 {
            integer(Int64(value))
        } else {
            real(value)
        }
    }
}

// MARK: - Helpers

extension JSONReporter {
    /// Statistics keyed by split; a split may appear once.
    fileprivate static func statisticsBySplit(
        _ statistics: [SplitStatistics]
    ) throws(ReportError) -> [String: SplitStatistics] {
        var bySplit: [String: SplitStatistics] = [:]
        for split in statistics {
            guard bySplit[split.split] == nil else {
                throw .renderFailed(
                    format: "json", reason: "split '\(split.split)' appears twice in statistics")
            }
            bySplit[split.split] = split
        }
        return bySplit
    }

    /// A record-sketch hash as 16 lowercase hex digits, zero-padded so that the strings sort
    /// as the numbers do.
    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The entries in ascending UTF-8 byte order of their keys, the order of `.sortedKeys`.
    fileprivate static func sortedByKey<Value>(
        _ dictionary: [String: Value]
    ) -> [(key: String, value: Value)] {
        dictionary.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// An upper estimate of the rendered size, so the buffer rarely grows while writing.
    static func estimatedByteCount(_ report: AuditReport) -> Int {
        var count = 4_096 + report.checks.count * 1_024 + report.inputs.count * 1_024
        count += report.readiness.reduce(0) { total, entry in
            total + 1_024 + entry.summary.utf8.count
                + entry.topFindings.reduce(0) { $0 + 400 + $1.message.utf8.count }
        }
        for table in report.checks.flatMap(\.tables) {
            count += 256 + table.title.utf8.count + (table.note?.utf8.count ?? 0)
            count += table.columns.reduce(0) { $0 + 16 + $1.utf8.count }
            for row in table.rows {
                count += 16
                for cell in row {
                    if case .text(let text) = cell {
                        count += 16 + text.utf8.count
                    } else {
                        count += 40
                    }
                }
            }
        }
        for split in report.statistics {
            count += 256 + split.labels.reduce(0) { $0 + 32 + $1.label.utf8.count }
            count += (split.recordSketch?.count ?? 0) * 32
        }
        for finding in report.findings {
            count += 400 + finding.message.utf8.count + (finding.hint?.utf8.count ?? 0)
            count += finding.metrics.reduce(0) { $0 + 48 + $1.key.utf8.count }
            if let location = finding.location { count += Self.estimatedByteCount(location) }
            for location in finding.related { count += Self.estimatedByteCount(location) }
        }
        return count
    }

    private static func estimatedByteCount(_ location: DataLocation) -> Int {
        240 + location.path.utf8.count + location.split.utf8.count
            + (location.id?.utf8.count ?? 0) + (location.field?.utf8.count ?? 0)
    }
}

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
public struct JSONReporter: Reporter {
    /// The version of the JSON contract this reporter writes.
    public static let schemaVersion = 1

    /// Creates a JSON reporter.
    public init() {}

    /// Renders a report as pretty-printed JSON with sorted keys.
    /// - Throws: `ReportError.renderFailed` when two statistics entries name the same split
    ///   or encoding fails.
    /// - Complexity: O(n log n) in the number of findings (key sorting).
    public func render(_ report: AuditReport) throws -> Data {
        let document = try ReportDocument(report)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            let text = String(decoding: try encoder.encode(document), as: UTF8.self)
            return Data((Self.compactEmptyContainers(text) + "\n").utf8)
        } catch {
            throw ReportError.renderFailed(format: "json", reason: "\(error)")
        }
    }
}

extension JSONReporter {
    /// Writes empty arrays and objects as `[]` and `{}`: Foundation's pretty printer puts a
    /// blank line inside them, which is noisy and differs between Foundation versions.
    ///
    /// Safe on encoder output: a raw newline never occurs inside a JSON string (it is
    /// escaped), so an opening bracket followed by a newline is always structural.
    static func compactEmptyContainers(_ json: String) -> String {
        json.replacingOccurrences(of: #"\[\n *\n *\]"#, with: "[]", options: .regularExpression)
            .replacingOccurrences(of: #"\{\n *\n *\}"#, with: "{}", options: .regularExpression)
    }
}

// MARK: - DTO

/// The JSON document. Field names are the contract; never encode domain types directly.
private struct ReportDocument: Encodable {
    var schemaVersion: Int
    var tool: Tool
    var verdict: String
    var failOn: String
    var generatedAt: String?
    var rules: Rules
    var summary: Summary
    var inputs: [Input]
    var checks: [Check]
    var statistics: [String: SplitStats]
    var findings: [FindingDTO]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case tool, verdict
        case failOn = "fail_on"
        case generatedAt = "generated_at"
        case rules, summary, inputs, checks, statistics, findings
    }

    struct Tool: Encodable {
        var name: String
        var version: String
    }

    struct Rules: Encodable {
        var digest: String
        var sources: [String]
    }

    struct Summary: Encodable {
        var errors: Int
        var warnings: Int
        var infos: Int
        var findings: Int
    }

    struct Input: Encodable {
        var path: String
        var split: String
        var splitSource: String
        var format: String
        var compression: String?
        var shape: String
        var shapeSource: String
        var textFields: [String]
        var labelField: String?
        var records: Int
        var malformed: Int
        var bytes: Int
        var sha256: String

        enum CodingKeys: String, CodingKey {
            case path, split
            case splitSource = "split_source"
            case format, compression, shape
            case shapeSource = "shape_source"
            case textFields = "text_fields"
            case labelField = "label_field"
            case records, malformed, bytes, sha256
        }

        // Written by hand so nil optionals become `null` rather than a missing key.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(path, forKey: .path)
            try c.encode(split, forKey: .split)
            try c.encode(splitSource, forKey: .splitSource)
            try c.encode(format, forKey: .format)
            try c.encode(compression, forKey: .compression)
            try c.encode(shape, forKey: .shape)
            try c.encode(shapeSource, forKey: .shapeSource)
            try c.encode(textFields, forKey: .textFields)
            try c.encode(labelField, forKey: .labelField)
            try c.encode(records, forKey: .records)
            try c.encode(malformed, forKey: .malformed)
            try c.encode(bytes, forKey: .bytes)
            try c.encode(sha256, forKey: .sha256)
        }
    }

    struct Counts: Encodable {
        var error: Int
        var warning: Int
        var info: Int
    }

    struct Check: Encodable {
        var id: String
        var title: String
        var category: String
        var status: String
        var severity: String
        var summary: String
        var metrics: [String: MetricValue]
        var counts: Counts
    }

    struct SplitStats: Encodable {
        var files: Int
        var records: Int
        var malformed: Int
        var labels: [String: Int]
    }

    struct Location: Encodable {
        var path: String
        var split: String
        var line: Int?
        var record: Int?
        var id: String?
        var field: String?
        // Synthesized encoding uses encodeIfPresent: nil keys are omitted, as documented.
    }

    struct FindingDTO: Encodable {
        var check: String
        var code: String
        var severity: String
        var message: String
        var hint: String?
        var location: Location?
        var related: [Location]
        var metrics: [String: MetricValue]
        var fingerprint: String

        enum CodingKeys: String, CodingKey {
            case check, code, severity, message, hint, location, related, metrics, fingerprint
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(check, forKey: .check)
            try c.encode(code, forKey: .code)
            try c.encode(severity, forKey: .severity)
            try c.encode(message, forKey: .message)
            try c.encode(hint, forKey: .hint)  // null when absent
            try c.encodeIfPresent(location, forKey: .location)  // omitted when dataset-level
            try c.encode(related, forKey: .related)
            try c.encode(metrics, forKey: .metrics)
            try c.encode(fingerprint, forKey: .fingerprint)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(tool, forKey: .tool)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(failOn, forKey: .failOn)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(rules, forKey: .rules)
        try c.encode(summary, forKey: .summary)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(checks, forKey: .checks)
        try c.encode(statistics, forKey: .statistics)
        try c.encode(findings, forKey: .findings)
    }
}

/// A metric value with deterministic text: whole numbers as integers, NaN and infinity as null.
private enum MetricValue: Encodable, Equatable {
    case integer(Int64)
    case real(Double)
    case notFinite

    /// Every whole Double below 2^63 in magnitude is exactly representable as Int64.
    private static let int64Bound = 9_223_372_036_854_775_808.0

    init(_ value: Double) {
        if !value.isFinite {
            self = .notFinite
        } else if value.rounded(.towardZero) == value, abs(value) < Self.int64Bound {
            self = .integer(Int64(value))  // also turns -0.0 into 0
        } else {
            self = .real(value)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .integer(let v): try c.encode(v)
        case .real(let v): try c.encode(v)
        case .notFinite: try c.encodeNil()
        }
    }

    static func map(_ metrics: [String: Double]) -> [String: MetricValue] {
        metrics.mapValues(MetricValue.init)
    }
}

// MARK: - Mapping

extension ReportDocument {
    init(_ report: AuditReport) throws(ReportError) {
        let counts = report.counts
        var statistics: [String: SplitStats] = [:]
        for split in report.statistics {
            guard statistics[split.split] == nil else {
                throw .renderFailed(
                    format: "json", reason: "split '\(split.split)' appears twice in statistics")
            }
            statistics[split.split] = SplitStats(
                files: split.files, records: split.records, malformed: split.malformed,
                labels: Dictionary(split.labels.map { ($0.label, $0.count) }, uniquingKeysWith: +))
        }
        self.init(
            schemaVersion: JSONReporter.schemaVersion,
            tool: Tool(name: report.metadata.toolName, version: report.metadata.toolVersion),
            verdict: report.verdict.rawValue,
            failOn: report.failOn.rawValue,
            generatedAt: report.metadata.generatedAt,
            rules: Rules(
                digest: report.metadata.rulesDigest, sources: report.metadata.rulesSources),
            summary: Summary(
                errors: counts[.error] ?? 0, warnings: counts[.warning] ?? 0,
                infos: counts[.info] ?? 0, findings: report.findings.count),
            inputs: report.inputs.map(Input.init),
            checks: report.checks.map(Check.init),
            statistics: statistics,
            findings: report.findings.map(FindingDTO.init))
    }
}

extension ReportDocument.Input {
    init(_ input: InputSummary) {
        self.init(
            path: input.path, split: input.split, splitSource: input.splitSource,
            format: input.format.rawValue, compression: input.compression,
            shape: input.shape.rawValue, shapeSource: input.shapeSource,
            textFields: input.textFields, labelField: input.labelField, records: input.records,
            malformed: input.malformed, bytes: input.bytes, sha256: input.sha256)
    }
}

extension ReportDocument.Check {
    init(_ check: CheckSummary) {
        self.init(
            id: check.id.rawValue, title: check.title, category: check.category.rawValue,
            status: check.status.rawValue, severity: check.severity.rawValue,
            summary: check.summary, metrics: MetricValue.map(check.metrics),
            counts: ReportDocument.Counts(
                error: check.counts[.error] ?? 0, warning: check.counts[.warning] ?? 0,
                info: check.counts[.info] ?? 0))
    }
}

extension ReportDocument.Location {
    init(_ location: DataLocation) {
        self.init(
            path: location.path, split: location.split, line: location.line,
            record: location.record, id: location.id, field: location.field)
    }
}

extension ReportDocument.FindingDTO {
    init(_ finding: Finding) {
        self.init(
            check: finding.checkID.rawValue, code: finding.code,
            severity: finding.severity.rawValue, message: finding.message, hint: finding.hint,
            location: finding.location.map(ReportDocument.Location.init),
            related: finding.related.map(ReportDocument.Location.init),
            metrics: MetricValue.map(finding.metrics), fingerprint: finding.fingerprint)
    }
}

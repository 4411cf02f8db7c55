import Foundation
import PreflightCore

/// Renders the report as a SARIF 2.1.0 log, for code-scanning views (GitHub, Azure DevOps,
/// IDE viewers).
///
/// The log has one run. `tool.driver.rules` lists every check of the report (every registered
/// check: the report has one row per check, skipped ones included), each with its id, a
/// PascalCase name, `shortDescription` from the check's purpose (`CheckSummary.purpose`, the
/// title when that is empty), `defaultConfiguration.level` from the severity the rules gave the
/// check, and `helpUri` at the check catalog of the README when an `informationURI` is given. Every finding is a `result`:
/// `ruleId` and `ruleIndex`, `level` (`error`, `warning`, `note` for info), `message.text`
/// (the message, then the hint as "Fix: …"), the dataset file as
/// `physicalLocation.artifactLocation` (the path as given, percent-encoded, relative to
/// `%SRCROOT%`; an absolute path becomes a `file://` URI), `region.startLine` when the line is
/// known, `partialFingerprints["preflight/v1"]` with `Finding.fingerprint` (the baseline key),
/// and `relatedLocations` for `related`. A dataset-level finding is anchored at the file
/// without a region (the first training input, else the first input) and marked
/// `datasetLevel` in the location's property bag: GitHub code scanning rejects a whole log
/// when one result has no location. Only a report without inputs leaves it unlocated.
/// The record ordinal, id, field and split go in each location's property bag; the verdict,
/// `--fail-on`, the rules digest and the counts go in `run.properties`.
///
/// The bytes follow the JSON reporter's conventions (`JSONWriter`): sorted keys, two-space
/// indentation, unescaped slashes and non-ASCII, a final newline.
public struct SARIFReporter: Reporter {
    /// The SARIF version written.
    public static let version = "2.1.0"
    /// The schema the log declares: the OASIS 2.1.0 schema, committed as
    /// `schemas/sarif-2.1.0.schema.json`.
    public static let schemaURI =
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    /// SARIF's `baselineState` for a change against `--baseline`.
    static func baselineState(_ change: FindingChange) -> String {
        switch change {
        case .new: "new"
        case .unchanged: "unchanged"
        case .worse, .improved: "updated"
        }
    }

    /// The `partialFingerprints` key of `Finding.fingerprint`, versioned as SARIF recommends.
    public static let fingerprintKey = "preflight/v1"
    /// The base the relative artifact URIs are resolved against (the checkout root).
    public static let sourceRoot = "%SRCROOT%"

    /// The project page, `tool.driver.informationUri`; rule `helpUri`s point into it. Nil
    /// (the default: the project has no published page) leaves both out, as SARIF allows.
    public var informationURI: String?

    /// Creates a SARIF reporter.
    /// - Parameter informationURI: The project page (the README), an absolute URI, or nil.
    public init(informationURI: String? = nil) {
        self.informationURI = informationURI
    }

    /// Renders the report as a SARIF log.
    /// - Complexity: O(n) in the size of the report.
    public func render(_ report: AuditReport) throws -> Data {
        var json = JSONWriter(capacity: JSONReporter.estimatedByteCount(report) * 2)
        json.writeLog(report, reporter: self)
        return json.finish()
    }

    /// The documentation of a check: the README's check catalog.
    func helpURI(for id: CheckID) -> String? {
        informationURI.map { $0 + "#checks" }
    }

    /// `exact_duplicates` → `ExactDuplicates`.
    static func ruleName(_ id: CheckID) -> String {
        id.rawValue.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    /// The SARIF level of a severity.
    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// The result message: the finding's message, then its hint.
    static func messageText(_ finding: Finding) -> String {
        guard let hint = finding.hint, !hint.isEmpty else { return finding.message }
        return finding.message + ". Fix: " + hint
    }

    /// A dataset path as a URI reference: every byte outside RFC 3986's unreserved set and
    /// `/` is percent-encoded (UTF-8), so spaces, quotes, `<`, `&`, `%`, `:` and non-ASCII
    /// survive any consumer. An absolute path becomes a `file://` URI.
    /// - Returns: The URI and whether it is relative to `%SRCROOT%`.
    static func uri(forPath path: String) -> (uri: String, relative: Bool) {
        var encoded = ""
        encoded.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(hex[Int(byte >> 4)])
                encoded.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return path.hasPrefix("/") ? ("file://" + encoded, false) : (encoded, true)
    }
}

// MARK: - Document

// Members are written in ascending UTF-8 byte order of their keys (checked in debug builds).
extension JSONWriter {
    fileprivate mutating func writeLog(_ report: AuditReport, reporter: SARIFReporter) {
        beginObject()
        key("$schema")
        string(SARIFReporter.schemaURI)
        key("runs")
        beginArray()
        writeRun(report, reporter: reporter)
        endArray()
        key("version")
        string(SARIFReporter.version)
        endObject()
    }

    private mutating func writeRun(_ report: AuditReport, reporter: SARIFReporter) {
        var ruleIndex: [CheckID: Int] = [:]
        for (index, check) in report.checks.enumerated() where ruleIndex[check.id] == nil {
            ruleIndex[check.id] = index
        }
        let counts = report.counts
        let anchor = (report.inputs.first { $0.split == "train" } ?? report.inputs.first)?.path
        beginObject()
        key("invocations")
        beginArray()
        beginObject()
        if let at = report.metadata.generatedAt {
            key("endTimeUtc")
            string(at)
        }
        key("executionSuccessful")
        boolean(true)
        endObject()
        endArray()
        key("properties")
        beginObject()
        key("counts")
        beginObject()
        key("error")
        integer(counts[.error] ?? 0)
        key("info")
        integer(counts[.info] ?? 0)
        key("warning")
        integer(counts[.warning] ?? 0)
        endObject()
        key("failOn")
        string(report.failOn.rawValue)
        key("rulesDigest")
        string(report.metadata.rulesDigest)
        key("verdict")
        string(report.verdict.rawValue)
        endObject()
        key("results")
        beginArray()
        let changes =
            report.baseline.flatMap { $0.changes.count == report.findings.count ? $0.changes : nil }
        for (i, finding) in report.findings.enumerated() {
            writeResult(
                finding, ruleIndex: ruleIndex[finding.checkID], anchor: anchor,
                change: changes?[i])
        }
        // Suppressed findings stay in the log, marked, as SARIF intends: viewers hide them
        // and show the justification.
        if let outcome = report.suppressions {
            for item in outcome.suppressed {
                writeResult(
                    item.finding, ruleIndex: ruleIndex[item.finding.checkID], anchor: anchor,
                    suppression: outcome.entries[item.entry].suppression)
            }
        }
        endArray()
        key("tool")
        beginObject()
        key("driver")
        beginObject()
        if let uri = reporter.informationURI {
            key("informationUri")
            string(uri)
        }
        key("name")
        string(report.metadata.toolName)
        key("rules")
        beginArray()
        for check in report.checks { writeRule(check, reporter: reporter) }
        endArray()
        key("version")
        string(report.metadata.toolVersion)
        endObject()
        endObject()
        endObject()
    }

    private mutating func writeRule(_ check: CheckSummary, reporter: SARIFReporter) {
        beginObject()
        key("defaultConfiguration")
        beginObject()
        key("level")
        string(SARIFReporter.level(check.severity))
        endObject()
        if let help = reporter.helpURI(for: check.id) {
            key("helpUri")
            string(help)
        }
        key("id")
        string(check.id.rawValue)
        key("name")
        string(SARIFReporter.ruleName(check.id))
        key("properties")
        beginObject()
        key("category")
        string(check.category.rawValue)
        key("tags")
        beginArray()
        string(check.category.rawValue)
        endArray()
        endObject()
        key("shortDescription")
        beginObject()
        key("text")
        string(check.purpose.isEmpty ? check.title : check.purpose)
        endObject()
        endObject()
    }

    private mutating func writeResult(
        _ finding: Finding, ruleIndex: Int?, anchor: String?, change: FindingChange? = nil,
        suppression: Suppression? = nil
    ) {
        beginObject()
        if let change {
            key("baselineState")
            string(SARIFReporter.baselineState(change))
        }
        key("level")
        string(SARIFReporter.level(finding.severity))
        if let location = finding.location {
            key("locations")
            beginArray()
            writeLocation(location, id: nil, message: nil)
            endArray()
        } else if let anchor {
            key("locations")
            beginArray()
            writeDatasetLocation(anchor)
            endArray()
        }
        key("message")
        beginObject()
        key("text")
        string(SARIFReporter.messageText(finding))
        endObject()
        key("partialFingerprints")
        beginObject()
        key(escaping: SARIFReporter.fingerprintKey)
        string(finding.fingerprint)
        endObject()
        key("properties")
        beginObject()
        key("code")
        string(finding.code)
        endObject()
        if !finding.related.isEmpty {
            key("relatedLocations")
            beginArray()
            for (index, location) in finding.related.enumerated() {
                writeLocation(location, id: index + 1, message: "related record")
            }
            endArray()
        }
        key("ruleId")
        string(finding.checkID.rawValue)
        if let ruleIndex {
            key("ruleIndex")
            integer(ruleIndex)
        }
        if let suppression {
            key("suppressions")
            beginArray()
            beginObject()
            key("justification")
            string(suppression.reason)
            key("kind")
            string("external")
            key("location")
            beginObject()
            key("physicalLocation")
            beginObject()
            writeArtifactLocation(suppression.mark.file)
            key("region")
            beginObject()
            key("startLine")
            integer(suppression.mark.line)
            endObject()
            endObject()
            endObject()
            key("status")
            string("accepted")
            endObject()
            endArray()
        }
        endObject()
    }

    /// The file a dataset-level finding is shown at: no region, `datasetLevel` set.
    private mutating func writeDatasetLocation(_ path: String) {
        beginObject()
        key("physicalLocation")
        beginObject()
        writeArtifactLocation(path)
        endObject()
        key("properties")
        beginObject()
        key("datasetLevel")
        boolean(true)
        endObject()
        endObject()
    }

    private mutating func writeArtifactLocation(_ path: String) {
        let (uri, relative) = SARIFReporter.uri(forPath: path)
        key("artifactLocation")
        beginObject()
        key("uri")
        string(uri)
        if relative {
            key("uriBaseId")
            string(SARIFReporter.sourceRoot)
        }
        endObject()
    }

    private mutating func writeLocation(_ location: DataLocation, id: Int?, message: String?) {
        beginObject()
        if let id {
            key("id")
            integer(id)
        }
        if let message {
            key("message")
            beginObject()
            key("text")
            string(message)
            endObject()
        }
        key("physicalLocation")
        beginObject()
        writeArtifactLocation(location.path)
        if let line = location.line, line >= 1 {
            key("region")
            beginObject()
            key("startLine")
            integer(line)
            endObject()
        }
        endObject()
        key("properties")
        beginObject()
        if let field = location.field {
            key("field")
            string(field)
        }
        if let id = location.id {
            key("id")
            string(id)
        }
        if let record = location.record {
            key("record")
            integer(record)
        }
        key("split")
        string(location.split)
        endObject()
        endObject()
    }
}

import Foundation
import PreflightCore

/// A JSON report that cannot be read back (`JSONReportReader`).
///
/// `cannotRead` is an I/O failure (the CLI exits 3); every other case means the file is not a
/// Preflight JSON report of a version this build reads (the CLI exits 2).
public enum ReportReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read at all: missing, a directory, permission denied.
    case cannotRead(path: String, reason: String)
    /// The file is not JSON: the 1-based line and column of the first syntax error.
    case invalidJSON(path: String, line: Int, column: Int, message: String)
    /// The file is JSON but not a report: empty, an array, no `schema_version`.
    case notAReport(path: String, reason: String)
    /// A `schema_version` other than the one this build reads.
    case unsupportedSchemaVersion(path: String, version: String)
    /// A key the report schema requires is missing; `jsonPath` names the object, e.g.
    /// `$.findings[12].location`.
    case missingKey(path: String, key: String, jsonPath: String)
    /// A value has the wrong type or is not one of the allowed values.
    case invalidValue(path: String, jsonPath: String, reason: String)

    /// True when the file could not be read at all (exit code 3 rather than 2).
    public var isInputError: Bool {
        if case .cannotRead = self { return true }
        return false
    }

    /// The file as the user named it.
    public var path: String {
        switch self {
        case .cannotRead(let path, _), .invalidJSON(let path, _, _, _),
            .notAReport(let path, _), .unsupportedSchemaVersion(let path, _),
            .missingKey(let path, _, _), .invalidValue(let path, _, _):
            path
        }
    }

    /// `path[:line:col]: error: what; what to do`.
    public var description: String {
        let advice =
            "'\(path)' is not a Preflight JSON report (schema_version \(JSONReporter.schemaVersion)); "
            + "write one with --report json=PATH"
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): error: cannot read the report: \(reason)"
        case .invalidJSON(let path, let line, let column, let message):
            return "\(path):\(line):\(column): error: invalid JSON: \(message); \(advice)"
        case .notAReport(let path, let reason):
            return "\(path): error: \(reason); \(advice)"
        case .unsupportedSchemaVersion(let path, let version):
            return
                "\(path): error: schema_version \(version) is not supported; this build reads "
                + "schema_version \(JSONReporter.schemaVersion) (write the report again with "
                + "this build: --report json=PATH)"
        case .missingKey(let path, let key, let jsonPath):
            return "\(path): error: missing key '\(key)' in \(jsonPath); \(advice)"
        case .invalidValue(let path, let jsonPath, let reason):
            return "\(path): error: \(jsonPath): \(reason); \(advice)"
        }
    }
}

/// Reads a JSON report written by `JSONReporter` (`schema_version` 1) back into an
/// `AuditReport`, for `preflight diff` and `--baseline`.
///
/// Rendering what it reads with `JSONReporter` gives the same bytes as the file, except for
/// what JSON cannot carry:
/// - `CheckSummary.purpose` and `CheckSummary.codePrerequisites` are not in the report: they
///   read as `""` and `[:]`.
/// - A metric or table number written as `null` (NaN or infinity) reads as NaN.
/// - A table cell's kind follows its JSON type: a string is `.text`, `null` is `.empty`, an
///   integer is `.count` and any other number `.number` (so a share, or a whole-valued
///   number, reads as another kind that JSON writes with the same text).
/// - Counts per severity keep only the nonzero entries.
/// - Statistics are ordered by split role (`SplitRole` order); labels that differ only in
///   Unicode normalization were already merged by the writer.
/// - A split's `distinct_records` and `record_sketch` are optional (reports of builds before
///   record sketches have neither: both read as nil); the sketch is kept ascending.
/// - A readiness entry's `topFindings` are the full findings with the same fingerprint;
///   a reference that matches none is rebuilt from the reference's own fields.
/// - A suppression entry's mark keeps its line; its column is not in the report (reads as 1).
/// - The `summary` and `fingerprint` keys are required but not read: both are derived
///   (`AuditReport.counts`, `Finding.fingerprint`).
///
/// Uses the byte-level `JSONByteParser` and keeps only one finding's parsed tree at a time,
/// so a report with a million findings reads in a few seconds.
public enum JSONReportReader {
    /// Reads the report in the file at `path`.
    /// - Throws: `ReportReadError.cannotRead` when the file cannot be read, else as
    ///   `read(_:path:)`.
    /// - Complexity: O(n) in the size of the file.
    public static func read(contentsOfFile path: String) throws(ReportReadError) -> AuditReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotRead(path: path, reason: "no such file")
        }
        if isDirectory.boolValue {
            throw .cannotRead(path: path, reason: "it is a directory, not a JSON report")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .cannotRead(path: path, reason: "the file cannot be read; check its permissions")
        }
        return try read(data, path: path)
    }

    /// Reads a report from its bytes.
    /// - Parameters:
    ///   - data: the file's contents.
    ///   - path: the file as the user named it, for messages.
    /// - Returns: the report, as `JSONReporter` would render it again (see the type's notes).
    /// - Throws: `ReportReadError` naming the file: `invalidJSON` with line and column,
    ///   `notAReport`, `unsupportedSchemaVersion`, `missingKey` or `invalidValue`.
    /// - Complexity: O(n) in the size of the data.
    public static func read(_ data: Data, path: String) throws(ReportReadError) -> AuditReport {
        guard !data.isEmpty else { throw .notAReport(path: path, reason: "the file is empty") }
        let result: Result<AuditReport, ReportReadError> = data.withUnsafeBytes { raw in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else {
                return .failure(.notAReport(path: path, reason: "the file is empty"))
            }
            var reader = DocumentReader(base: base, count: raw.count, path: path)
            do throws(ReportReadError) {
                return .success(try reader.read())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

// MARK: - Document

/// A problem inside the document; the path is collected while unwinding (innermost first).
private struct Problem: Error {
    enum Kind {
        case missingKey(String)
        case invalid(String)
    }
    var kind: Kind
    var components: [String] = []

    func under(_ component: String) -> Problem {
        var copy = self
        copy.components.append(component)
        return copy
    }

    var jsonPath: String { "$" + components.reversed().joined() }
}

/// Walks the top-level object by hand so that each finding is parsed, converted and dropped
/// in turn instead of building one tree for the whole file.
private struct DocumentReader {
    let base: UnsafePointer<UInt8>
    let count: Int
    let path: String
    var parser: JSONByteParser

    init(base: UnsafePointer<UInt8>, count: Int, path: String) {
        self.base = base
        self.count = count
        self.path = path
        parser = JSONByteParser(base: base, start: 0, end: count)
    }

    mutating func read() throws(ReportReadError) -> AuditReport {
        var top: [String: DataValue] = [:]
        var findings: [Finding] = []
        var fingerprintKeys: [UInt64] = []
        var changes: [FindingChange?] = []
        var findingProblem: Problem?
        parser.skipWhitespace()
        if parser.pos >= count || base[parser.pos] != 0x7B {
            let value: DataValue
            do throws(JSONSyntaxError) {
                value = try parser.parseValue()
            } catch {
                throw located(error)
            }
            throw .notAReport(
                path: path,
                reason:
                    "the file holds a JSON \(value.kindName), not an object with 'schema_version'"
            )
        }
        do throws(JSONSyntaxError) {
            parser.pos += 1
            parser.skipWhitespace()
            if parser.pos < count, base[parser.pos] == 0x7D {
                parser.pos += 1
            } else {
                while true {
                    parser.skipWhitespace()
                    guard parser.pos < count, base[parser.pos] == 0x22 else {
                        throw syntax("expected a field name in double quotes")
                    }
                    let name = try parser.parseString()
                    parser.skipWhitespace()
                    guard parser.pos < count, base[parser.pos] == 0x3A else {
                        throw syntax("expected ':' after a field name")
                    }
                    parser.pos += 1
                    parser.skipWhitespace()
                    if name == "findings", parser.pos < count, base[parser.pos] == 0x5B {
                        top[name] = .array([])
                        findingProblem = try readFindings(
                            into: &findings, fingerprintKeys: &fingerprintKeys,
                            changes: &changes)
                    } else {
                        top[name] = try parser.parseValue()
                    }
                    parser.skipWhitespace()
                    guard parser.pos < count else {
                        throw syntax("expected ',' or '}' after a value")
                    }
                    let byte = base[parser.pos]
                    parser.pos += 1
                    if byte == 0x2C { continue }
                    if byte == 0x7D { break }
                    parser.pos -= 1
                    throw syntax("expected ',' or '}' after a value")
                }
            }
            parser.skipWhitespace()
            if parser.pos < count { throw syntax("unexpected text after the report") }
        } catch {
            throw located(error)
        }
        // The version decides how to read the rest, so it is checked before any other key.
        guard let version = top["schema_version"] else {
            throw .notAReport(path: path, reason: "the file has no 'schema_version' key")
        }
        guard case .number(let lexeme) = version, lexeme == String(JSONReporter.schemaVersion)
        else {
            let shown: String =
                switch version {
                case .number(let n): n
                case .string(let s): "'\(s)'"
                default: "of type \(version.kindName)"
                }
            throw .unsupportedSchemaVersion(path: path, version: shown)
        }
        do throws(Problem) {
            if let findingProblem { throw findingProblem.under(".findings") }
            if top["findings"] == nil { throw Problem(kind: .missingKey("findings")) }
            return try Decode.report(
                top, findings: findings, fingerprintKeys: fingerprintKeys, changes: changes)
        } catch {
            switch error.kind {
            case .missingKey(let key):
                throw .missingKey(path: path, key: key, jsonPath: error.jsonPath)
            case .invalid(let reason):
                throw .invalidValue(path: path, jsonPath: error.jsonPath, reason: reason)
            }
        }
    }

    /// Reads the findings array at `pos`, converting each element as soon as it is parsed.
    /// Returns the first element that is not a finding (its path under `findings`), and
    /// goes on parsing so that a syntax error or a wrong `schema_version` still wins.
    private mutating func readFindings(
        into findings: inout [Finding], fingerprintKeys: inout [UInt64],
        changes: inout [FindingChange?]
    ) throws(JSONSyntaxError) -> Problem? {
        parser.pos += 1
        parser.skipWhitespace()
        if parser.pos < count, base[parser.pos] == 0x5D {
            parser.pos += 1
            return nil
        }
        var problem: Problem?
        var index = 0
        while true {
            let value = try parser.parseValue()
            if problem == nil {
                do throws(Problem) {
                    let (finding, key) = try Decode.finding(value)
                    findings.append(finding)
                    fingerprintKeys.append(key)
                    changes.append(try Decode.change(value))
                } catch {
                    problem = error.under("[\(index)]")
                    findings = []
                    fingerprintKeys = []
                    changes = []
                }
            }
            index += 1
            parser.skipWhitespace()
            guard parser.pos < count else { throw syntax("expected ',' or ']' after a value") }
            let byte = base[parser.pos]
            parser.pos += 1
            if byte == 0x2C { continue }
            if byte == 0x5D { break }
            parser.pos -= 1
            throw syntax("expected ',' or ']' after a value")
        }
        return problem
    }

    private func syntax(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: parser.pos, message: message, isEncoding: false)
    }

    /// The error for a syntax error at a byte offset: line and column, 1-based, the column
    /// counted in bytes.
    private func located(_ error: JSONSyntaxError) -> ReportReadError {
        let offset = min(error.offset, count)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where base[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return .invalidJSON(
            path: path, line: line, column: offset - lineStart + 1, message: error.message)
    }
}

// MARK: - Decoding values

/// An object's fields with typed accessors; errors name the key, and callers add the path.
private struct Fields {
    let fields: [DataField]

    init(fields: [DataField]) { self.fields = fields }

    init(_ value: DataValue) throws(Problem) {
        guard case .object(let fields) = value else {
            throw Problem(kind: .invalid("expected an object, found \(Decode.describe(value))"))
        }
        self.fields = fields
    }

    func optional(_ key: String) -> DataValue? {
        for field in fields where field.name == key { return field.value }
        return nil
    }

    func value(_ key: String) throws(Problem) -> DataValue {
        guard let value = optional(key) else { throw Problem(kind: .missingKey(key)) }
        return value
    }

    func string(_ key: String) throws(Problem) -> String {
        let value = try value(key)
        guard case .string(let text) = value else {
            throw Problem(kind: .invalid("expected a string, found \(Decode.describe(value))"))
                .under("." + key)
        }
        return text
    }

    /// A string or null; the key itself is required.
    func nullableString(_ key: String) throws(Problem) -> String? {
        let value = try value(key)
        switch value {
        case .null: return nil
        case .string(let text): return text
        default:
            throw Problem(
                kind: .invalid("expected a string or null, found \(Decode.describe(value))")
            ).under("." + key)
        }
    }

    func integer(_ key: String) throws(Problem) -> Int {
        do throws(Problem) {
            return try Decode.integer(try value(key))
        } catch {
            throw error.kind.isMissing ? error : error.under("." + key)
        }
    }

    func optionalInteger(_ key: String) throws(Problem) -> Int? {
        guard optional(key) != nil else { return nil }
        return try integer(key)
    }

    func optionalString(_ key: String) throws(Problem) -> String? {
        guard optional(key) != nil else { return nil }
        return try string(key)
    }

    func array(_ key: String) throws(Problem) -> [DataValue] {
        let value = try value(key)
        guard case .array(let items) = value else {
            throw Problem(kind: .invalid("expected an array, found \(Decode.describe(value))"))
                .under("." + key)
        }
        return items
    }

    /// Each element of the array at `key`, converted, with its index in the path on error.
    func each<T>(_ key: String, _ body: (DataValue) throws(Problem) -> T) throws(Problem) -> [T] {
        let items = try array(key)
        var result: [T] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            do throws(Problem) {
                result.append(try body(item))
            } catch {
                throw error.under("[\(index)]").under("." + key)
            }
        }
        return result
    }

    func strings(_ key: String) throws(Problem) -> [String] {
        try each(key) { value throws(Problem) in
            guard case .string(let text) = value else {
                throw Problem(kind: .invalid("expected a string, found \(Decode.describe(value))"))
            }
            return text
        }
    }

    func object(_ key: String) throws(Problem) -> Fields {
        do throws(Problem) {
            return try Fields(try value(key))
        } catch {
            throw error.kind.isMissing ? error : error.under("." + key)
        }
    }

    /// Runs `body` on the object at `key`, adding `.key` to the path of any error.
    func nested<T>(_ key: String, _ body: (Fields) throws(Problem) -> T) throws(Problem) -> T {
        let inner = try object(key)
        do throws(Problem) {
            return try body(inner)
        } catch {
            throw error.under("." + key)
        }
    }

    func enumeration<E: RawRepresentable & CaseIterable>(
        _ key: String, as type: E.Type
    ) throws(Problem) -> E where E.RawValue == String {
        let text = try string(key)
        guard let value = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw Problem(kind: .invalid("expected one of \(allowed), found '\(text)'"))
                .under("." + key)
        }
        return value
    }
}

extension Problem.Kind {
    fileprivate var isMissing: Bool {
        if case .missingKey = self { return true }
        return false
    }
}

private enum Decode {
    static func describe(_ value: DataValue) -> String {
        switch value {
        case .string(let text): "the string '\(text.prefix(40))'"
        case .number(let lexeme): "the number \(lexeme)"
        default: value.kindName
        }
    }

    static func integer(_ value: DataValue) throws(Problem) -> Int {
        guard case .number(let lexeme) = value, let integer = Int(lexeme) else {
            throw Problem(kind: .invalid("expected an integer, found \(describe(value))"))
        }
        return integer
    }

    /// A metric or table number: a JSON number, or null for NaN and infinity.
    static func double(_ value: DataValue) throws(Problem) -> Double {
        switch value {
        case .null: return .nan
        case .number(let lexeme):
            guard let number = Double(lexeme) else {
                throw Problem(kind: .invalid("the number \(lexeme) is out of range"))
            }
            return number
        default:
            throw Problem(kind: .invalid("expected a number or null, found \(describe(value))"))
        }
    }

    // MARK: Report

    static func report(
        _ top: [String: DataValue], findings: [Finding], fingerprintKeys: [UInt64],
        changes: [FindingChange?] = []
    ) throws(Problem) -> AuditReport {
        let document = Fields(fields: top.map { DataField($0.key, $0.value) })
        let tool = try document.nested("tool") { tool throws(Problem) in
            (try tool.string("name"), try tool.string("version"))
        }
        let rules = try document.nested("rules") { rules throws(Problem) in
            (try rules.string("digest"), try rules.strings("sources"))
        }
        _ = try document.object("summary")
        let metadata = ReportMetadata(
            toolName: tool.0, toolVersion: tool.1, rulesDigest: rules.0, rulesSources: rules.1,
            generatedAt: try document.nullableString("generated_at"))
        let statistics = try document.nested("statistics") { object throws(Problem) in
            try object.fields.map { field throws(Problem) in
                do throws(Problem) {
                    return try splitStatistics(field.name, try Fields(field.value))
                } catch {
                    throw error.under("." + field.name)
                }
            }
        }.sorted { SplitRole($0.split) < SplitRole($1.split) }
        let readiness: [PrerequisiteStatus]
        if document.optional("readiness") != nil {
            let lookup = TopFindingLookup(findings: findings, keys: fingerprintKeys)
            readiness = try document.each("readiness") { value throws(Problem) in
                try prerequisiteStatus(try Fields(value), lookup: lookup)
            }
        } else {
            readiness = []
        }
        return AuditReport(
            metadata: metadata, verdict: try document.enumeration("verdict", as: Verdict.self),
            failOn: try document.enumeration("fail_on", as: Severity.self),
            inputs: try document.each("inputs") { value throws(Problem) in
                try input(try Fields(value))
            },
            checks: try document.each("checks") { value throws(Problem) in
                try check(try Fields(value))
            },
            statistics: statistics, findings: findings, readiness: readiness,
            baseline: try baseline(document, changes: changes),
            suppressions: try suppressions(document))
    }

    /// A finding's `change` (present only in reports written with `--baseline`).
    static func change(_ value: DataValue) throws(Problem) -> FindingChange? {
        let object = try Fields(value)
        guard object.optional("change") != nil else { return nil }
        return try object.enumeration("change", as: FindingChange.self)
    }

    /// `baseline`: its path and fixed findings; the changes come from the findings.
    static func baseline(_ document: Fields, changes: [FindingChange?]) throws(Problem)
        -> BaselineOutcome?
    {
        guard document.optional("baseline") != nil else { return nil }
        return try document.nested("baseline") { object throws(Problem) in
            let all = changes.compactMap { $0 }
            guard all.count == changes.count else {
                throw Problem(
                    kind: .invalid("with a 'baseline', every finding needs a 'change'"))
            }
            return BaselineOutcome(
                path: try object.string("path"), changes: all,
                fixed: try object.each("fixed") { value throws(Problem) in
                    try finding(value).0
                })
        }
    }

    /// `suppressions`: the entries (their marks keep the line; the column is not in the
    /// report and reads as 1) and the hidden findings.
    static func suppressions(_ document: Fields) throws(Problem) -> SuppressionOutcome? {
        guard document.optional("suppressions") != nil else { return nil }
        return try document.nested("suppressions") { object throws(Problem) in
            let file = try object.string("path")
            let entries = try object.each("entries") { value throws(Problem) in
                let entry = try Fields(value)
                guard case .bool(let expired)? = entry.optional("expired") else {
                    throw Problem(kind: .invalid("expected a boolean")).under(".expired")
                }
                return SuppressionOutcome.Entry(
                    suppression: Suppression(
                        mark: YAMLMark(file: file, line: try entry.integer("line"), column: 1),
                        fingerprint: try entry.nullableString("fingerprint"),
                        check: try entry.nullableString("check").map { CheckID($0) },
                        code: try entry.nullableString("code"),
                        path: try entry.nullableString("path"),
                        message: try entry.nullableString("message"),
                        reason: try entry.string("reason"),
                        expires: try entry.nullableString("expires")),
                    suppressed: try entry.integer("suppressed"),
                    matchedWhileExpired: try entry.integer("matched_while_expired"),
                    expired: expired)
            }
            let suppressed = try object.each("suppressed") { value throws(Problem) in
                let item = try Fields(value)
                let index = try item.integer("entry")
                guard entries.indices.contains(index) else {
                    throw Problem(kind: .invalid("no entry \(index)")).under(".entry")
                }
                return SuppressionOutcome.Suppressed(
                    finding: try item.nested("finding") { f throws(Problem) in
                        try finding(.object(f.fields)).0
                    }, entry: index)
            }
            return SuppressionOutcome(path: file, entries: entries, suppressed: suppressed)
        }
    }

    static func input(_ object: Fields) throws(Problem) -> InputSummary {
        InputSummary(
            path: try object.string("path"), split: try object.string("split"),
            splitSource: try object.string("split_source"),
            format: try object.enumeration("format", as: InputFormat.self),
            compression: try object.nullableString("compression"),
            shape: try object.enumeration("shape", as: Shape.self),
            shapeSource: try object.string("shape_source"),
            textFields: try object.strings("text_fields"),
            labelField: try object.nullableString("label_field"),
            records: try object.integer("records"), malformed: try object.integer("malformed"),
            bytes: try object.integer("bytes"), sha256: try object.string("sha256"))
    }

    static func splitStatistics(_ split: String, _ object: Fields) throws(Problem)
        -> SplitStatistics
    {
        let labels = try object.nested("labels") { labels throws(Problem) in
            try labels.fields.map { field throws(Problem) in
                do throws(Problem) {
                    return (label: field.name, count: try integer(field.value))
                } catch {
                    throw error.under(".'\(field.name)'")
                }
            }
        }.sorted { $0.label < $1.label }
        // Both sketch keys are optional (reports of earlier builds have neither).
        let sketch: [UInt64]? =
            object.optional("record_sketch") == nil
            ? nil
            : try object.each("record_sketch") { value throws(Problem) -> UInt64 in
                guard case .string(let text) = value, text.utf8.count == 16,
                    let hash = UInt64(text, radix: 16)
                else {
                    throw Problem(
                        kind: .invalid("expected 16 hex digits, found \(describe(value))"))
                }
                return hash
            }.sorted()
        return SplitStatistics(
            split: split, files: try object.integer("files"),
            records: try object.integer("records"), malformed: try object.integer("malformed"),
            labels: labels, distinctRecords: try object.optionalInteger("distinct_records"),
            recordSketch: sketch)
    }

    static func counts(_ object: Fields) throws(Problem) -> [Severity: Int] {
        var counts: [Severity: Int] = [:]
        for severity in Severity.allCases {
            let value = try object.integer(severity.rawValue)
            if value != 0 { counts[severity] = value }
        }
        return counts
    }

    static func metrics(_ object: Fields) throws(Problem) -> [String: Double] {
        var metrics: [String: Double] = [:]
        metrics.reserveCapacity(object.fields.count)
        for field in object.fields {
            do throws(Problem) {
                metrics[field.name] = try double(field.value)
            } catch {
                throw error.under(".'\(field.name)'")
            }
        }
        return metrics
    }

    static func check(_ object: Fields) throws(Problem) -> CheckSummary {
        let tables: [ReportTable] =
            object.optional("tables") == nil
            ? []
            : try object.each("tables") { value throws(Problem) in try table(try Fields(value)) }
        let prerequisites: [Prerequisite] =
            object.optional("prerequisites") == nil
            ? []
            : try object.each("prerequisites") { value throws(Problem) in
                try prerequisite(value)
            }
        return CheckSummary(
            id: CheckID(try object.string("id")), title: try object.string("title"),
            category: try object.enumeration("category", as: CheckCategory.self),
            status: try object.enumeration("status", as: CheckStatus.self),
            severity: try object.enumeration("severity", as: Severity.self),
            summary: try object.string("summary"),
            metrics: try object.nested("metrics", metrics),
            counts: try object.nested("counts", counts), tables: tables,
            prerequisites: prerequisites)
    }

    static func prerequisite(_ value: DataValue) throws(Problem) -> Prerequisite {
        guard case .string(let text) = value, let prerequisite = Prerequisite(rawValue: text)
        else {
            let allowed = Prerequisite.allCases.map(\.rawValue).joined(separator: ", ")
            throw Problem(kind: .invalid("expected one of \(allowed), found \(describe(value))"))
        }
        return prerequisite
    }

    static func table(_ object: Fields) throws(Problem) -> ReportTable {
        let columns = try object.strings("columns")
        let rows = try object.each("rows") { value throws(Problem) -> [ReportCell] in
            guard case .array(let cells) = value else {
                throw Problem(kind: .invalid("expected an array, found \(describe(value))"))
            }
            guard cells.count == columns.count else {
                throw Problem(
                    kind: .invalid(
                        "a row has \(cells.count) cells but the table has \(columns.count) columns"
                    ))
            }
            var row: [ReportCell] = []
            row.reserveCapacity(cells.count)
            for (index, cell) in cells.enumerated() {
                switch cell {
                case .string(let text): row.append(.text(text))
                case .null: row.append(.empty)
                case .number(let lexeme):
                    if let count = Int(lexeme) {
                        row.append(.count(count))
                    } else if let number = Double(lexeme) {
                        row.append(.number(number))
                    } else {
                        throw Problem(kind: .invalid("the number \(lexeme) is out of range"))
                            .under("[\(index)]")
                    }
                default:
                    throw Problem(
                        kind: .invalid(
                            "expected a string, a number or null, found \(describe(cell))")
                    ).under("[\(index)]")
                }
            }
            return row
        }
        return ReportTable(
            id: try object.string("id"), title: try object.string("title"), columns: columns,
            rows: rows, note: try object.nullableString("note"))
    }

    static func location(_ object: Fields) throws(Problem) -> DataLocation {
        DataLocation(
            path: try object.string("path"), split: try object.string("split"),
            line: try object.optionalInteger("line"), record: try object.optionalInteger("record"),
            id: try object.optionalString("id"), field: try object.optionalString("field"))
    }

    /// A finding and the first 16 hex digits of its `fingerprint` key as a number (0 when
    /// they are not hex), to find the targets of readiness references.
    static func finding(_ value: DataValue) throws(Problem) -> (Finding, UInt64) {
        let object = try Fields(value)
        let location: DataLocation? =
            object.optional("location") == nil
            ? nil : try object.nested("location", Decode.location)
        let finding = Finding(
            checkID: CheckID(try object.string("check")), code: try object.string("code"),
            severity: try object.enumeration("severity", as: Severity.self),
            message: try object.string("message"), hint: try object.nullableString("hint"),
            location: location,
            related: try object.each("related") { value throws(Problem) in
                try Decode.location(try Fields(value))
            },
            metrics: try object.nested("metrics", metrics))
        let fingerprint = try object.string("fingerprint")
        return (finding, fingerprintKey(fingerprint))
    }

    static func fingerprintKey(_ fingerprint: String) -> UInt64 {
        guard fingerprint.utf8.count >= 16 else { return 0 }
        return UInt64(fingerprint.prefix(16), radix: 16) ?? 0
    }

    static func prerequisiteStatus(_ object: Fields, lookup: TopFindingLookup) throws(Problem)
        -> PrerequisiteStatus
    {
        let ids = { (key: String) throws(Problem) -> [CheckID] in
            try object.strings(key).map { CheckID($0) }
        }
        let top = try object.each("top_findings") { value throws(Problem) -> Finding in
            let reference = try Fields(value)
            let location: DataLocation? =
                reference.optional("location") == nil
                ? nil : try reference.nested("location", Decode.location)
            let stated = Finding(
                checkID: CheckID(try reference.string("check")),
                code: try reference.string("code"),
                severity: try reference.enumeration("severity", as: Severity.self),
                message: try reference.string("message"), location: location)
            return lookup.finding(fingerprint: try reference.string("fingerprint")) ?? stated
        }
        return PrerequisiteStatus(
            prerequisite: try object.enumeration("prerequisite", as: Prerequisite.self),
            status: try object.enumeration("status", as: ReadinessStatus.self),
            summary: try object.string("summary"), checks: try ids("checks"),
            skippedChecks: try ids("skipped_checks"),
            counts: try object.nested("counts", counts), topFindings: top)
    }
}

/// Finds the full finding a readiness reference names, by fingerprint: candidates by the
/// first 16 hex digits, confirmed by recomputing the fingerprint (a handful of hashes).
private struct TopFindingLookup {
    let findings: [Finding]
    let keys: [UInt64]

    func finding(fingerprint: String) -> Finding? {
        let key = Decode.fingerprintKey(fingerprint)
        for (index, candidate) in keys.enumerated() where candidate == key {
            if findings[index].fingerprint == fingerprint { return findings[index] }
        }
        return nil
    }
}

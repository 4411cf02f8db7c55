import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct JSONReporterTests {
    private func render(_ report: AuditReport = CanonicalReport.report) throws -> JSONValue {
        try JSONValue.parse(JSONReporter().render(report))
    }

    @Test func canonicalGolden() throws {
        assertGolden(
            try JSONReporter().render(CanonicalReport.report), path: Goldens.url("canonical.json"))
    }

    @Test func rendersTheSameBytesTwice() throws {
        #expect(
            try JSONReporter().render(CanonicalReport.report)
                == JSONReporter().render(CanonicalReport.report))
    }

    @Test func canonicalOutputMatchesTheSchema() throws {
        let validator = try JSONSchemaValidator(contentsOf: Goldens.schema)
        let errors = validator.validate(try JSONReporter().render(CanonicalReport.report))
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func emptyReportMatchesTheSchema() throws {
        let report = AuditReport(
            metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [], checks: [],
            statistics: [], findings: [])
        let validator = try JSONSchemaValidator(contentsOf: Goldens.schema)
        let errors = validator.validate(try JSONReporter().render(report))
        #expect(errors.isEmpty, "\(errors)")
        let json = try render(report)
        #expect(json["generated_at"] == .null)
        #expect(json["findings"] == .array([]))
        #expect(json["statistics"] == .object([:]))
    }

    @Test func topLevelFollowsTheContract() throws {
        let json = try render()
        #expect(json["schema_version"] == .number(1))
        #expect(
            json["tool"] == .object(["name": .string("preflight"), "version": .string("0.1.0")]))
        #expect(json["verdict"] == .string("not_ready"))
        #expect(json["fail_on"] == .string("error"))
        #expect(json["generated_at"] == .string("2025-01-15T09:30:00Z"))
        #expect(
            json["summary"]
                == .object([
                    "errors": .number(12), "warnings": .number(1240), "infos": .number(3),
                    "findings": .number(1255),
                ]))
        #expect(json["rules"]?["sources"]?[1] == .string("rules/team café.yaml"))
        #expect(json["statistics"]?["train"]?["labels"]?["日本語"] == .number(20))
        #expect(json["inputs"]?[0]?["compression"] == .null)
        #expect(json["inputs"]?[1]?["compression"] == .string("gzip"))
        #expect(
            json["checks"]?[0]?["counts"]
                == .object(["error": .number(2), "warning": .number(0), "info": .number(0)]))
    }

    @Test func datasetLevelFindingsHaveNoLocationAndAbsentKeysAreOmittedInLocations() throws {
        let findings = try #require(try render()["findings"])
        guard case .array(let items) = findings else {
            Issue.record("not an array")
            return
        }
        let datasetLevel = items.filter { $0["location"] == nil }
        #expect(datasetLevel.count == 2)
        #expect(datasetLevel.allSatisfy { $0["hint"] != nil })
        let noLine = items.first {
            $0["location"]?["line"] == nil && $0["location"]?["record"] != nil
        }
        #expect(
            noLine?["location"]
                == .object([
                    "path": .string(CanonicalReport.regression), "split": .string("regression"),
                    "record": .number(7), "field": .string("text"),
                ]))
        #expect(items.contains { $0["hint"] == .null })
    }

    @Test func findingsKeepReportOrderAndFingerprints() throws {
        let report = CanonicalReport.report
        let json = try render(report)
        for (index, finding) in report.findings.enumerated() {
            #expect(json["findings"]?[index]?["fingerprint"] == .string(finding.fingerprint))
            #expect(json["findings"]?[index]?["message"] == .string(finding.message))
        }
    }

    @Test func numbersRenderDeterministically() throws {
        let text = String(
            decoding: try JSONReporter().render(CanonicalReport.report), as: UTF8.self)
        #expect(text.contains(#""budget_tokens" : 10000000000000000,"#))
        #expect(text.contains(#""max_tokens" : 812,"#))
        #expect(text.contains(#""mean_tokens" : 37.25"#))
        #expect(text.contains(#""validation_ratio" : null"#))
        #expect(!text.contains("e+"))
        #expect(!text.contains(".0,") && !text.contains(".0\n"))
    }

    @Test func textIsNotOverEscaped() throws {
        let text = String(
            decoding: try JSONReporter().render(CanonicalReport.report), as: UTF8.self)
        #expect(text.contains(#""path" : "data/日本語/validation.jsonl.gz""#))
        #expect(text.contains(#"markup '<b>' & quotes \"x\", commas\nand a line break"#))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func emptyContainersAreCompact() throws {
        let text = String(
            decoding: try JSONReporter().render(CanonicalReport.report), as: UTF8.self)
        #expect(text.contains(#""related" : [],"#))
        #expect(text.contains(#""metrics" : {},"#))
        #expect(!text.contains("[\n\n") && !text.contains("{\n\n"))
        #expect(
            LegacyJSONReporter.compactEmptyContainers(
                "{\n  \"a\" : [\n\n  ],\n  \"b\" : \"[\\n\\n]\"\n}")
                == "{\n  \"a\" : [],\n  \"b\" : \"[\\n\\n]\"\n}")
    }

    // MARK: - Readiness and tables

    @Test func readinessHasOneEntryPerPrerequisiteWithReferencesIntoFindings() throws {
        let json = try render()
        guard case .array(let entries)? = json["readiness"] else {
            Issue.record("no readiness array")
            return
        }
        #expect(
            entries.map { $0["prerequisite"] }
                == Prerequisite.allCases.map { .string($0.rawValue) })
        #expect(
            entries.map { $0["status"] }
                == ["not_met", "at_risk", "at_risk", "not_met", "not_checked", "met"].map {
                    .string($0)
                })
        let enough = entries[0]
        #expect(enough["title"] == .string("Enough high-quality labeled examples"))
        #expect(
            enough["checks"]
                == .array(
                    [
                        "malformed_record", "volume", "exact_duplicates", "label_issues", "pii",
                        "text_quality",
                    ].map { .string($0) }))
        #expect(
            enough["counts"]
                == .object(["error": .number(11), "warning": .number(1238), "info": .number(3)]))
        #expect(
            enough["summary"]
                == .string(
                    "11 errors from malformed_record (2) and exact_duplicates (9); also 1,238 warnings"
                ))
        // Each reference names a finding of the report by its fingerprint.
        let fingerprints = Set(CanonicalReport.report.findings.map(\.fingerprint))
        guard case .array(let top)? = enough["top_findings"] else {
            Issue.record("no top_findings")
            return
        }
        #expect(top.count == PrerequisiteStatus.topFindingLimit)
        for reference in top {
            guard case .string(let fingerprint)? = reference["fingerprint"] else {
                Issue.record("no fingerprint in \(reference)")
                continue
            }
            #expect(fingerprints.contains(fingerprint))
            #expect(reference["severity"] == .string("error"))
        }
        #expect(top[0]["location"]?["line"] == .number(57))
        // Dataset-level references have no location key.
        #expect(entries[2]["top_findings"]?[0]?["location"] == nil)
        #expect(entries[2]["top_findings"]?[0]?["code"] == .string("not_declared"))
        let skipped = entries[5]
        #expect(skipped["checks"] == .array([.string("token_budget")]))
        #expect(skipped["skipped_checks"] == .array([.string("chat_format")]))
        #expect(skipped["top_findings"] == .array([]))
    }

    @Test func tablesHaveTypedCells() throws {
        let json = try render()
        let balance = json["checks"]?[2]
        #expect(balance?["id"] == .string("class_balance"))
        #expect(balance?["prerequisites"] == .array([.string("representative")]))
        let table = balance?["tables"]?[0]
        #expect(table?["id"] == .string("labels_by_split"))
        #expect(table?["columns"]?[4] == .string("JS divergence"))
        #expect(
            table?["rows"]?[0]
                == .array([
                    .string("billing"), .number(700), .number(0.5833), .number(90),
                    .number(0.012345), .string("plain"),
                ]))
        // Empty cells and non-finite numbers are null; text keeps its line break.
        #expect(table?["rows"]?[2]?[3] == .null)
        #expect(table?["rows"]?[2]?[4] == .null)
        #expect(table?["rows"]?[3]?[0] == .string(#"<b> & "quoted", 'single'"# + "\nnext line"))
        #expect(table?["rows"]?[3]?[2] == .number(1))
        // Every row is in the JSON report, however many the text report shows.
        guard case .array(let rows)? = json["checks"]?[8]?["tables"]?[0]?["rows"] else {
            Issue.record("no length table")
            return
        }
        #expect(rows.count == 30)
        #expect(json["checks"]?[8]?["tables"]?[0]?["note"] == .null)
        // A check without tables has an empty array.
        #expect(json["checks"]?[0]?["tables"] == .array([]))
    }

    @Test func readinessAndTablesKeepTheKeyOrder() throws {
        let text = String(
            decoding: try JSONReporter().render(CanonicalReport.report), as: UTF8.self)
        let readiness = try #require(text.range(of: "\n  \"readiness\" : ["))
        let rules = try #require(text.range(of: "\n  \"rules\" : {"))
        let inputs = try #require(text.range(of: "\n  \"inputs\" : ["))
        #expect(inputs.lowerBound < readiness.lowerBound && readiness.lowerBound < rules.lowerBound)
    }

    @Test func duplicateSplitInStatisticsIsARenderError() {
        var report = CanonicalReport.report
        report.statistics.append(report.statistics[0])
        #expect(
            throws: ReportError.renderFailed(
                format: "json", reason: "split 'train' appears twice in statistics")
        ) {
            try JSONReporter().render(report)
        }
    }
}

// MARK: - Equivalence with the JSONEncoder renderer

/// The hand-written writer against `LegacyJSONReporter`, the `JSONEncoder` renderer it
/// replaced: the same report must give the same bytes.
struct JSONWriterEquivalenceTests {
    /// Every control character, escapes JSON has a short form for, slashes, quotes,
    /// non-ASCII that must stay unescaped, and strings that are equal only canonically.
    static let awkwardStrings: [String] = [
        "", " ", "plain", "/", "a/b/c", "</script>", "\"", "\\", #"\"\\/"#, "'", "\\u0000",
        String((0x00...0x1F).map { Character(Unicode.Scalar(UInt8($0))) }),
        "tab\there", "line\nbreak", "cr\r\nlf", "\u{7F}", "\u{80}", "\u{85}", "\u{A0}",
        "\u{AD}", "\u{2028}", "\u{2029}", "a\u{2028}b\u{2029}c", "\u{FEFF}", "\u{FFFD}",
        "\u{FFFF}", "\u{10FFFF}", "😀", "👩‍👩‍👧‍👦", "🇯🇵🇫🇷", "\u{301}", "\u{301}\u{302}x",
        "e\u{301}", "é", "café", "日本語", "עברית", "a\u{0}b", "Z", "a", "a10", "a9", "10",
        "9", "_", "-", "A", "zz\u{1F}", "\u{1B}[31mred\u{1B}[0m",
    ]

    /// Zero, signed zero, tiny, large, inexact, non-finite and the Int64 boundary.
    static let awkwardNumbers: [Double] = [
        0, -0.0, 1, -1, 1e-7, 123_456_789_012, 0.1 + 0.2, .nan, -.nan, .infinity, -.infinity,
        0.5, -1.5, 37.25, 1e16, 1e21, 1e300, -1e300, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude,
        9_007_199_254_740_994, 9_223_372_036_854_774_784, 9_223_372_036_854_775_808,
        -9_223_372_036_854_775_808, 18_446_744_073_709_551_616, 2.5e-8, 100.0 / 3, 1 / 3,
        0.000_1, 123.456, .pi, -.ulpOfOne,
    ]

    static let awkwardIntegers = [0, 1, -1, 9, 10, -10, 42, Int.max, Int.min, 1 << 53]

    @Test func canonicalReportMatchesTheLegacyRenderer() throws {
        try expectSameBytes(CanonicalReport.report)
    }

    @Test func emptyReportMatchesTheLegacyRenderer() throws {
        try expectSameBytes(
            AuditReport(
                metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [],
                checks: [], statistics: [], findings: []))
    }

    @Test func awkwardStringsMatchTheLegacyRenderer() throws {
        let strings = Self.awkwardStrings
        for (index, text) in strings.enumerated() {
            let other = strings[(index + 7) % strings.count]
            let metrics = Dictionary(
                [(text, 1.5), (other, 2), ("m", 0.25)], uniquingKeysWith: { first, _ in first })
            let location = DataLocation(
                path: text, split: other, line: index, record: index + 1, id: other, field: text)
            let finding = Finding(
                checkID: CheckID(text), code: other, severity: .warning, message: text,
                hint: other, location: location, related: [location, location], metrics: metrics)
            let report = AuditReport(
                metadata: ReportMetadata(
                    toolName: text, toolVersion: other, rulesDigest: text,
                    rulesSources: [text, other], generatedAt: other),
                verdict: .readyWithWarnings, failOn: .warning,
                inputs: [Self.input(path: text, text: other)],
                checks: [Self.check(text, metrics: metrics)],
                statistics: [
                    SplitStatistics(
                        split: text, files: 1, records: 2, malformed: 0,
                        labels: [(text, 1), (other, 2)])
                ],
                findings: [finding])
            try expectSameBytes(report)
        }
    }

    @Test func allStringsAsKeysSortTheSameWay() throws {
        // Keys that are distinct as Swift strings; canonically equal ones would merge.
        var seen: [String: Double] = [:]
        for (index, text) in Self.awkwardStrings.enumerated() where seen[text] == nil {
            seen[text] = Double(index)
        }
        let labels = seen.map { (label: $0.key, count: Int($0.value)) }
        let statistics = seen.keys.map {
            SplitStatistics(split: $0, files: 1, records: 1, malformed: 0, labels: labels)
        }
        let report = AuditReport(
            metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [],
            checks: [Self.check("keys", metrics: seen)], statistics: statistics,
            findings: [
                Finding(checkID: "keys", code: "keys", severity: .info, message: "", metrics: seen)
            ])
        try expectSameBytes(report)
    }

    @Test func awkwardNumbersMatchTheLegacyRenderer() throws {
        for (index, value) in Self.awkwardNumbers.enumerated() {
            let metrics = ["value": value, "negated": -value, "halved": value / 2]
            let integer = Self.awkwardIntegers[index % Self.awkwardIntegers.count]
            var input = Self.input(path: "p", text: "t")
            input.records = integer
            input.bytes = 0 &- integer
            let finding = Finding(
                checkID: "numbers", code: "n", severity: .error, message: "\(value)",
                location: DataLocation(
                    path: "p", split: "train", line: integer, record: 0 &- integer),
                metrics: metrics)
            let report = AuditReport(
                metadata: ReportMetadata(), verdict: .notReady, failOn: .info, inputs: [input],
                checks: [Self.check("numbers", metrics: ["single": value])],
                statistics: [
                    SplitStatistics(
                        split: "train", files: integer, records: 0 &- integer, malformed: 0,
                        labels: [("x", integer)])
                ],
                findings: [finding])
            try expectSameBytes(report)
        }
    }

    @Test func everyMetricRendersLikeJSONEncoder() throws {
        let metrics = Dictionary(
            uniqueKeysWithValues: Self.awkwardNumbers.enumerated().map {
                ("m\($0.offset)", $0.element)
            })
        let report = AuditReport(
            metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [],
            checks: [Self.check("all", metrics: metrics)], statistics: [], findings: [])
        try expectSameBytes(report)
    }

    /// Reports built from a seeded generator: optional keys present or absent, empty and
    /// full containers, strings and numbers drawn from the awkward lists and at random.
    @Test func randomReportsMatchTheLegacyRenderer() throws {
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0..<300 {
            try expectSameBytes(Self.randomReport(&random))
        }
    }

    // MARK: Helpers

    private func expectSameBytes(
        _ report: AuditReport, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let legacy = try LegacyJSONReporter().render(report)
        let written = try JSONReporter().render(report)
        guard legacy != written else { return }
        let prefix = zip(legacy, written).prefix { $0 == $1 }.count
        func around(_ data: Data) -> String {
            String(decoding: data.dropFirst(max(0, prefix - 80)).prefix(160), as: UTF8.self)
        }
        Issue.record(
            "bytes differ at \(prefix): legacy …\(around(legacy))… new …\(around(written))…",
            sourceLocation: sourceLocation)
    }

    static func input(path: String, text: String, compressed: Bool = true) -> InputSummary {
        var input = InputSummary(
            InputFile(
                path: path, split: .train, splitSource: text, format: .csv,
                compression: compressed ? text : nil,
                schema: DatasetSchema(
                    shape: .classification, textFields: [text, path], labelField: text,
                    idField: nil, source: text),
                sha256: text, byteCount: 1, records: [], issues: []))
        input.split = text
        return input
    }

    static func check(_ text: String, metrics: [String: Double]) -> CheckSummary {
        CheckSummary(
            id: CheckID(text), title: text, category: .content, status: .warn,
            severity: .warning, summary: text, metrics: metrics,
            counts: [.warning: 3, .error: 0])
    }

    private static func randomReport(_ random: inout SplitMix64) -> AuditReport {
        func text() -> String {
            switch random.next(6) {
            case 0: return ""
            case 1, 2: return awkwardStrings[random.next(awkwardStrings.count)]
            default:
                let scalars = (0..<random.next(12)).compactMap { _ -> Unicode.Scalar? in
                    switch random.next(4) {
                    case 0: return Unicode.Scalar(UInt32(random.next(0x20)))
                    case 1: return Unicode.Scalar(UInt32(0x20 + random.next(0x60)))
                    case 2: return Unicode.Scalar(UInt32(0x80 + random.next(0x800)))
                    default: return Unicode.Scalar(UInt32(0x1F300 + random.next(0x300)))
                    }
                }
                return String(String.UnicodeScalarView(scalars))
            }
        }
        func optionalText() -> String? { random.next(3) == 0 ? nil : text() }
        func number() -> Double {
            switch random.next(4) {
            case 0: return awkwardNumbers[random.next(awkwardNumbers.count)]
            case 1: return Double(random.next(1_000_000)) - 500_000
            case 2: return Double(bitPattern: random.nextBits())
            default: return Double(random.next(1 << 30)) / Double(1 + random.next(1 << 20))
            }
        }
        func integer() -> Int {
            random.next(5) == 0
                ? awkwardIntegers[random.next(awkwardIntegers.count)] : random.next(100_000)
        }
        func metrics() -> [String: Double] {
            Dictionary((0..<random.next(5)).map { _ in (text(), number()) }) { first, _ in first }
        }
        func location() -> DataLocation {
            DataLocation(
                path: text(), split: text(), line: random.next(2) == 0 ? nil : integer(),
                record: random.next(2) == 0 ? nil : integer(), id: optionalText(),
                field: optionalText())
        }
        let severities = Severity.allCases
        let findings = (0..<random.next(8)).map { _ in
            Finding(
                checkID: CheckID(text()), code: text(),
                severity: severities[random.next(severities.count)], message: text(),
                hint: optionalText(), location: random.next(4) == 0 ? nil : location(),
                related: (0..<random.next(3)).map { _ in location() }, metrics: metrics())
        }
        var splits: [String: SplitStatistics] = [:]
        for _ in 0..<random.next(4) {
            let split = text()
            let labels = Dictionary((0..<random.next(5)).map { _ in (text(), integer()) }) { $1 }
            splits[split] = SplitStatistics(
                split: split, files: integer(), records: integer(), malformed: integer(),
                labels: labels.map { ($0.key, $0.value) })
        }
        var inputs: [InputSummary] = []
        for _ in 0..<random.next(3) {
            var input = input(path: text(), text: text(), compressed: random.next(2) == 0)
            input.labelField = optionalText()
            input.textFields = (0..<random.next(3)).map { _ in text() }
            input.records = integer()
            inputs.append(input)
        }
        func table() -> ReportTable {
            let columns = (0..<random.next(4)).map { _ in text() }
            let rows = (0..<random.next(4)).map { _ in
                columns.map { _ -> ReportCell in
                    switch random.next(5) {
                    case 0: .text(text())
                    case 1: .count(integer())
                    case 2: .share(number())
                    case 3: .number(number())
                    default: .empty
                    }
                }
            }
            return ReportTable(
                id: text(), title: text(), columns: columns, rows: rows, note: optionalText())
        }
        let checks = (0..<random.next(4)).map { _ in
            var check = check(text(), metrics: metrics())
            check.tables = (0..<random.next(3)).map { _ in table() }
            check.prerequisites = Prerequisite.allCases.filter { _ in random.next(3) == 0 }
            return check
        }
        let readiness = Prerequisite.allCases.map { prerequisite in
            PrerequisiteStatus(
                prerequisite: prerequisite,
                status: ReadinessStatus.allCases[random.next(ReadinessStatus.allCases.count)],
                summary: text(), checks: (0..<random.next(3)).map { _ in CheckID(text()) },
                skippedChecks: (0..<random.next(3)).map { _ in CheckID(text()) },
                counts: [.error: integer(), .info: integer()],
                topFindings: findings.filter { _ in random.next(2) == 0 })
        }
        return AuditReport(
            metadata: ReportMetadata(
                toolName: text(), toolVersion: text(), rulesDigest: text(),
                rulesSources: (0..<random.next(3)).map { _ in text() },
                generatedAt: optionalText()),
            verdict: Verdict(findings: findings), failOn: severities[random.next(3)],
            inputs: inputs, checks: checks, statistics: Array(splits.values), findings: findings,
            readiness: random.next(4) == 0 ? [] : readiness)
    }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func nextBits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func next(_ bound: Int) -> Int { Int(nextBits() % UInt64(bound)) }
}

// MARK: - Performance

extension Tag {
    /// Large generated inputs; off the PR path (set `PREFLIGHT_PERF=1`, build in release).
    @Tag static var performance: Self
}

/// 200,000 findings, each with a location, one related record and 3 metrics, rendered by
/// the writer and by `LegacyJSONReporter`. Run with
/// `PREFLIGHT_PERF=1 swift test -c release -Xswiftc -enable-testing`
/// `--filter JSONReporterPerformance`;
/// `PREFLIGHT_PERF_RENDERER=new` or `legacy` renders with one of them only, so peak memory
/// is that renderer's alone.
@Suite(
    .tags(.performance), .enabled(if: ProcessInfo.processInfo.environment["PREFLIGHT_PERF"] == "1"))
struct JSONReporterPerformance {
    static func report(findings count: Int) -> AuditReport {
        let checks: [CheckID] = ["exact_duplicates", "token_budget", "pii", "label_issues"]
        let findings = (0..<count).map { i in
            let line = i / 2 + 1
            return Finding(
                checkID: checks[i % checks.count], code: "code_\(i % 7)",
                severity: i % 3 == 0 ? .error : .warning,
                message: "record \(line) has \(i % 977) tokens, above max_tokens 512 in 'train'",
                hint: i % 5 == 0 ? nil : "shorten the example or raise max_tokens",
                location: DataLocation(
                    path: "data/train.jsonl", split: "train", line: line, record: line,
                    id: "r-\(line)", field: "text"),
                related: [DataLocation(path: "data/train.jsonl", split: "train", line: i / 3 + 1)],
                metrics: [
                    "tokens": Double(i % 977), "share": Double(i % 977) / 1_200,
                    "threshold": 0.9,
                ])
        }
        return AuditReport(
            metadata: ReportMetadata(), verdict: Verdict(findings: findings), failOn: .error,
            inputs: [], checks: [], statistics: [], findings: findings)
    }

    @Test func twoHundredThousandFindings() throws {
        let report = Self.report(findings: 200_000)
        let which = ProcessInfo.processInfo.environment["PREFLIGHT_PERF_RENDERER"] ?? "both"
        let clock = ContinuousClock()
        var results: [String: Duration] = [:]
        var outputs: [String: Data] = [:]
        // Both renderers hash every finding for its fingerprint: a floor neither goes below.
        var hashed = 0
        let hashing = clock.measure {
            for finding in report.findings { hashed &+= finding.fingerprint.utf8.count }
        }
        print("fingerprints alone: \(hashing) (\(hashed) hex digits)")
        let reporters: [(String, any Reporter)] = [
            ("new", JSONReporter()), ("legacy", LegacyJSONReporter()),
        ]
        for (name, reporter) in reporters where which == "both" || which == name {
            let before = PeakMemory.reset()
            var data = Data()
            let time = try clock.measure { data = try reporter.render(report) }
            let peak = PeakMemory.read()
            results[name] = time
            print(
                "\(name): \(time), \(data.count) bytes, peak RSS \(peak / 1_048_576) MiB"
                    + " (+\((peak - before) / 1_048_576) MiB over the report)")
            outputs[name] = data
        }
        if let new = results["new"], let legacy = results["legacy"] {
            print("speed-up: \(legacy / new)x")
            #expect(outputs["new"] == outputs["legacy"])
            #expect(legacy / new >= 5)
        }
    }
}

/// The process's peak resident set size, from `/proc/self/status` (Linux; 0 elsewhere).
enum PeakMemory {
    /// Resets the peak to the current RSS and returns it.
    static func reset() -> Int {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return read()
    }

    static func read() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1_024
    }
}

// MARK: - Legacy renderer

/// The `JSONEncoder` renderer `JSONReporter` replaced, kept verbatim as the reference the
/// hand-written writer must match byte for byte.
///
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
struct LegacyJSONReporter: Reporter {
    /// The version of the JSON contract this reporter writes.
    static let schemaVersion = 1

    /// Renders a report as pretty-printed JSON with sorted keys.
    /// - Throws: `ReportError.renderFailed` when two statistics entries name the same split
    ///   or encoding fails.
    /// - Complexity: O(n log n) in the number of findings (key sorting).
    func render(_ report: AuditReport) throws -> Data {
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

extension LegacyJSONReporter {
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
    var readiness: [Readiness]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case tool, verdict
        case failOn = "fail_on"
        case generatedAt = "generated_at"
        case rules, summary, inputs, checks, statistics, findings, readiness
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
        var prerequisites: [String]
        var tables: [Table]
    }

    struct Table: Encodable {
        var id: String
        var title: String
        var columns: [String]
        var rows: [[Cell]]
        var note: String?

        enum CodingKeys: String, CodingKey { case id, title, columns, rows, note }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(title, forKey: .title)
            try c.encode(columns, forKey: .columns)
            try c.encode(rows, forKey: .rows)
            try c.encode(note, forKey: .note)  // null when absent
        }
    }

    enum Cell: Encodable {
        case text(String)
        case integer(Int)
        case metric(MetricValue)
        case null

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .text(let v): try c.encode(v)
            case .integer(let v): try c.encode(v)
            case .metric(let v): try v.encode(to: encoder)
            case .null: try c.encodeNil()
            }
        }
    }

    struct Readiness: Encodable {
        var prerequisite: String
        var title: String
        var status: String
        var summary: String
        var checks: [String]
        var skippedChecks: [String]
        var counts: Counts
        var topFindings: [FindingReference]

        enum CodingKeys: String, CodingKey {
            case prerequisite, title, status, summary, checks, counts
            case skippedChecks = "skipped_checks"
            case topFindings = "top_findings"
        }
    }

    struct FindingReference: Encodable {
        var check: String
        var code: String
        var severity: String
        var message: String
        var location: Location?
        var fingerprint: String
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
        try c.encode(readiness, forKey: .readiness)
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
            schemaVersion: LegacyJSONReporter.schemaVersion,
            tool: Tool(name: report.metadata.toolName, version: report.metadata.toolVersion),
            verdict: report.verdict.rawValue,
            failOn: report.failOn.rawValue,
            generatedAt: report.metadata.generatedAt,
            rules: Rules(
                digest: report.metadata.rulesDigest, sources: report.metadata.rulesSources),
            summary: Summary(
                errors: counts[.error] ?? 0, warnings: counts[.warning] ?? 0,
                infos: counts[.info] ?? 0, findings: report.findings.weightedCount),
            inputs: report.inputs.map(Input.init),
            checks: report.checks.map(Check.init),
            statistics: statistics,
            findings: report.findings.map(FindingDTO.init),
            readiness: report.readiness.map(Readiness.init))
    }
}

extension ReportDocument.Readiness {
    init(_ entry: PrerequisiteStatus) {
        self.init(
            prerequisite: entry.prerequisite.rawValue, title: entry.prerequisite.title,
            status: entry.status.rawValue, summary: entry.summary,
            checks: entry.checks.map(\.rawValue),
            skippedChecks: entry.skippedChecks.map(\.rawValue),
            counts: ReportDocument.Counts(
                error: entry.counts[.error] ?? 0, warning: entry.counts[.warning] ?? 0,
                info: entry.counts[.info] ?? 0),
            topFindings: entry.topFindings.map {
                ReportDocument.FindingReference(
                    check: $0.checkID.rawValue, code: $0.code, severity: $0.severity.rawValue,
                    message: $0.message, location: $0.location.map(ReportDocument.Location.init),
                    fingerprint: $0.fingerprint)
            })
    }
}

extension ReportDocument.Table {
    init(_ table: ReportTable) {
        self.init(
            id: table.id, title: table.title, columns: table.columns,
            rows: table.rows.map { row in
                row.map { cell in
                    switch cell {
                    case .text(let text): .text(text)
                    case .count(let count): .integer(count)
                    case .share(let value), .number(let value): .metric(MetricValue(value))
                    case .empty: .null
                    }
                }
            }, note: table.note)
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
                info: check.counts[.info] ?? 0),
            prerequisites: check.prerequisites.map(\.rawValue),
            tables: check.tables.map(ReportDocument.Table.init))
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

import Foundation
import PreflightTestSupport
import Synchronization
import Testing

@testable import PreflightCore

// MARK: - Test-only option values

/// A test enum read as one of its raw values.
enum Mode: String, OptionEnum {
    case fast, thorough, paranoid
}

/// A test severity list element (Severity itself is not LosslessStringConvertible).
enum Level: String, OptionEnum {
    case info, warning, error

    var severity: Severity { Severity(rawValue: rawValue)! }
}

/// A map-valued option: named slices, each a map with a list and a number.
struct Slices: OptionValue {
    struct Slice: Equatable, Sendable {
        var name: String
        var match: [String]
        var minCount: Int
    }
    var slices: [Slice] = []

    init(_ slices: [Slice] = []) { self.slices = slices }

    init(yaml: YAMLNode) throws(OptionValueError) {
        guard let pairs = yaml.pairs else {
            throw OptionValueError(yaml.mark, "expected a mapping, found \(yaml.kindName)")
        }
        var out: [Slice] = []
        for pair in pairs {
            guard let name = pair.key.scalar, let body = pair.value.pairs else {
                throw OptionValueError(pair.value.mark, "expected a mapping per slice")
            }
            var slice = Slice(name: name, match: [], minCount: 0)
            for field in body {
                switch field.key.scalar {
                case "match": slice.match = try [String](yaml: field.value)
                case "min_count": slice.minCount = try Int(yaml: field.value)
                default: throw OptionValueError(field.key.mark, "unknown slice key")
                }
            }
            out.append(slice)
        }
        slices = out
    }

    var yamlValue: YAMLValue {
        .map(
            slices.map { slice in
                (
                    slice.name,
                    .map([
                        ("match", .list(slice.match)),
                        ("min_count", .scalar(String(slice.minCount))),
                    ])
                )
            })
    }
}

// MARK: - Test-only checks

/// A check with an option of every kind, for rule-file round trips and option errors.
struct AllKindsCheck: Check {
    struct Options: CheckOptions {
        var strict = false
        var limit = 10
        var threshold = 0.8
        var warningRatio = 2.0
        var errorRatio = 5.0
        var field = "text"
        var fields = ["text", "title"]
        var mode = Mode.fast
        var modes: [Mode] = [.fast, .thorough]
        var slices = Slices([.init(name: "greeting", match: ["hi", "hello"], minCount: 2)])

        static let fields: [OptionField<Options>] = [
            OptionField("strict", \.strict, doc: "Treat near misses as findings."),
            OptionField(
                "limit", \.limit, doc: "Most findings to report.",
                check: { $0 >= 0 ? nil : "must be at least 0" }),
            OptionField("threshold", \.threshold, doc: "Similarity above which records match."),
            OptionField("warning_ratio", \.warningRatio, doc: "Ratio that warns."),
            OptionField("error_ratio", \.errorRatio, doc: "Ratio that fails."),
            OptionField("field", \.field, doc: "The field to read."),
            OptionField("fields", \.fields, doc: "Fields to compare."),
            OptionField("mode", \.mode, doc: "How hard to look."),
            OptionField("modes", \.modes, doc: "Modes to try, in order."),
            OptionField("slices", \.slices, doc: "Named slices of the data."),
        ]

        func validate() throws(OptionsError) {
            if errorRatio <= warningRatio {
                throw OptionsError(key: "error_ratio", "must be above warning_ratio")
            }
        }
    }
    static let descriptor = CheckDescriptor(
        id: "all_kinds", title: "All kinds", summary: "Has an option of every kind.",
        category: .integrity, defaultSeverity: .error)
    let options: Options
    func run(_ input: CheckInput) throws -> CheckOutcome { CheckOutcome(summary: "ok") }
}

/// Options that script what a test check reports.
struct ScriptOptions: CheckOptions {
    /// One finding per entry, at line i+1 of `train.jsonl`, with this severity.
    var emit: [Level] = []
    /// Lines for the findings (defaults to 1, 2, 3 …).
    var lines: [Int] = []
    /// Adds one dataset-level finding at this severity when set.
    var datasetLevel = ""
    /// Returns a skipped outcome with this reason when non-empty.
    var skip = ""

    static let fields: [OptionField<ScriptOptions>] = [
        OptionField("emit", \.emit, doc: "Severities of the findings to emit."),
        OptionField("lines", \.lines, doc: "Lines of the emitted findings."),
        OptionField("dataset_level", \.datasetLevel, doc: "Severity of one dataset-level finding."),
        OptionField("skip", \.skip, doc: "Skip with this reason."),
    ]

    func outcome(_ id: CheckID) -> CheckOutcome {
        if !skip.isEmpty { return .skipped(skip) }
        var findings: [Finding] = []
        for (i, level) in emit.enumerated() {
            let line = i < lines.count ? lines[i] : i + 1
            findings.append(
                Finding(
                    checkID: "someone_else", code: "scripted_\(level.rawValue)",
                    severity: level.severity,
                    message: "scripted \(level.rawValue) finding",
                    location: DataLocation(
                        path: "train.jsonl", split: "train", line: line, record: line)))
        }
        if let severity = Severity(rawValue: datasetLevel) {
            findings.append(
                Finding(
                    checkID: id, code: "dataset", severity: severity,
                    message: "dataset-level finding"))
        }
        return CheckOutcome(
            findings: findings, metrics: ["emitted": Double(findings.count)],
            summary: "\(findings.count) findings")
    }
}

/// A warning-level check whose findings are scripted by its options; formerly `old_scripted`.
struct ScriptedCheck: Check {
    static let descriptor = CheckDescriptor(
        id: "scripted", title: "Scripted", summary: "Reports what its options say.",
        category: .integrity, defaultSeverity: .warning, aliases: ["old_scripted"])
    let options: ScriptOptions
    func run(_ input: CheckInput) throws -> CheckOutcome { options.outcome(Self.descriptor.id) }
}

/// An opt-in error-level check whose findings are scripted by its options.
struct OptInScriptedCheck: OptInCheck {
    static let descriptor = CheckDescriptor(
        id: "opt_in", title: "Opt-in", summary: "Runs only when a rule file enables it.",
        category: .content, defaultSeverity: .error)
    let options: ScriptOptions
    func run(_ input: CheckInput) throws -> CheckOutcome { options.outcome(Self.descriptor.id) }
}

/// A check that cannot run.
struct BrokenCheck: Check {
    static let descriptor = CheckDescriptor(
        id: "broken", title: "Broken", summary: "Always fails to run.", category: .integrity,
        defaultSeverity: .error)
    init(options: NoOptions) {}
    func run(_ input: CheckInput) throws -> CheckOutcome {
        throw CheckError("broken", "cannot run")
    }
}

// MARK: - Helpers

enum TestRegistry {
    /// The test registry, in execution order.
    static let checks: [any Check.Type] = [
        AllKindsCheck.self, ScriptedCheck.self, OptInScriptedCheck.self,
    ]
}

enum Fixtures {
    /// The text of `Fixtures/<path>`; fails the test loudly when it is missing.
    static func text(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> String
    {
        let url = RepositoryPaths.tests("PreflightCoreTests").appendingPathComponent("Fixtures")
            .appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing fixture \(url.path)", sourceLocation: sourceLocation)
            throw CocoaError(.fileNoSuchFile)
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Parses YAML rules that the test knows are valid.
func rules(
    _ text: String, name: String = "test.yaml", sourceLocation: SourceLocation = #_sourceLocation
) throws -> RuleSet {
    do { return try RuleSet.parse(text, name: name) } catch {
        Issue.record("unexpected rules error: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Configures the test registry with rules the test knows are valid.
func configure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [ConfiguredCheck]
{
    try Auditor.configure(
        rules(text, sourceLocation: sourceLocation), registry: TestRegistry.checks)
}

/// The configured check with an id.
func check(
    _ id: CheckID, in checks: [ConfiguredCheck], sourceLocation: SourceLocation = #_sourceLocation
) throws -> ConfiguredCheck {
    try #require(checks.first { $0.descriptor.id == id }, sourceLocation: sourceLocation)
}

/// The error message of a rules operation, or nil when it succeeded.
func rulesError(_ body: () throws(RulesError) -> Void) -> String? {
    do {
        try body()
        return nil
    } catch { return error.description }
}

/// A small one-file dataset with `count` records.
func sampleDataset(count: Int = 3) -> Dataset {
    let records = (1...count).map { i in
        Record(
            line: i, ordinal: i, id: "r\(i)", input: "text \(i)", example: "text \(i)",
            label: LabelValue(text: i.isMultiple(of: 2) ? "even" : "odd"),
            value: .object([DataField("text", .string("text \(i)"))]))
    }
    return Dataset(files: [
        InputFile(
            path: "train.jsonl", split: .train, splitSource: "test", format: .jsonl,
            schema: DatasetSchema(
                shape: .classification, textFields: ["text"], labelField: "label"),
            sha256: "", byteCount: 0, records: records, issues: [])
    ])
}

/// Effective options as comparable rows.
func optionRows(_ check: ConfiguredCheck) -> [String] {
    check.effectiveOptions.map { "\($0.key)=\($0.value)" }
}

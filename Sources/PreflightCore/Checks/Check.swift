/// A readiness check over a loaded dataset.
///
/// A check is pure: no printing, no files, no globals, no clock. Bad data is a finding;
/// a check throws only when it cannot run at all.
public protocol Check: Sendable {
    associatedtype Options: CheckOptions
    static var descriptor: CheckDescriptor { get }
    init(options: Options)
    /// Examines the dataset and reports what it found.
    /// - Throws: `CheckError` only when the check cannot run at all.
    func run(_ input: CheckInput) throws -> CheckOutcome
}

/// Marks a check that is off unless a rule file enables it.
public protocol OptInCheck: Check {}

/// Marks a check that compares records across files (e.g. split leakage).
public protocol CrossFileCheck: Check {}

/// What a check hands to the engine: findings, key numbers and a one-line summary.
public struct CheckOutcome: Sendable {
    public var findings: [Finding]
    /// Key numbers for the report's check table, e.g. `duplicate_records`.
    public var metrics: [String: Double]
    /// One line for the check table, e.g. "12 duplicate records in 9 groups".
    public var summary: String
    /// Set when the check did not apply to this dataset (e.g. no labels); says why.
    public var skippedReason: String?
    /// Tables for the report beside the findings (e.g. the coverage matrix).
    public var tables: [ReportTable]

    public init(
        findings: [Finding] = [], metrics: [String: Double] = [:], summary: String,
        skippedReason: String? = nil, tables: [ReportTable] = []
    ) {
        self.findings = findings
        self.metrics = metrics
        self.summary = summary
        self.skippedReason = skippedReason
        self.tables = tables
    }

    /// An outcome for a check that does not apply, with the reason as its summary.
    public static func skipped(_ reason: String) -> CheckOutcome {
        CheckOutcome(summary: reason, skippedReason: reason)
    }
}

/// Raised by a check that cannot run at all.
public struct CheckError: Error, Sendable, Equatable, CustomStringConvertible {
    public var checkID: CheckID
    public var message: String
    public init(_ checkID: CheckID, _ message: String) {
        self.checkID = checkID
        self.message = message
    }
    public var description: String { "check '\(checkID)': \(message)" }
}

/// What a check reads: the dataset, the shared index, and the audit-wide settings.
public struct CheckInput: Sendable {
    public let dataset: Dataset
    public let index: DatasetIndex
    /// The rule files' `coverage:` section (declared slices), for the checks that measure
    /// slices; rule-level sections other than `checks:` reach checks only through here and
    /// `taxonomy`.
    public let coverage: CoverageRules
    /// The rule files' `taxonomy:` section (failure modes), for `failure_taxonomy`.
    public let taxonomy: TaxonomyRules
    /// The tokenizer given with `--tokenizer`; nil: token counts are estimates.
    public let tokenizer: (any TokenCounter)?
    /// The most findings of each code the report lists (`FindingLimit`; 0: all). The auditor
    /// caps every check's findings; a check that can give one per record reads it so as not
    /// to build the ones that would not be listed.
    public let findingLimit: Int

    public init(
        dataset: Dataset, index: DatasetIndex, coverage: CoverageRules = CoverageRules(),
        taxonomy: TaxonomyRules = TaxonomyRules(), tokenizer: (any TokenCounter)? = nil,
        findingLimit: Int = FindingLimit.defaultPerCode
    ) {
        self.findingLimit = findingLimit
        self.dataset = dataset
        self.index = index
        self.coverage = coverage
        self.taxonomy = taxonomy
        self.tokenizer = tokenizer
    }
}

/// The groups checks belong to, for the catalog.
public enum CheckCategory: String, CaseIterable, Sendable, Codable {
    case integrity, volume, labels, duplicates, leakage, distribution, coverage, format, content
}

/// The static description of a check: id, docs and runnable examples.
public struct CheckDescriptor: Sendable {
    public var id: CheckID
    public var title: String
    /// One sentence ending with a period.
    public var summary: String
    public var category: CheckCategory
    public var defaultSeverity: Severity
    /// Former ids that still select this check (and warn once).
    public var aliases: [CheckID]
    /// The readiness prerequisites its findings bear on, for the report's readiness section.
    public var prerequisites: [Prerequisite]
    /// Finding codes that bear on other prerequisites than the check's own list (which must
    /// include them), e.g. volume's `missing_heldout` only on held-out sets.
    public var codePrerequisites: [String: [Prerequisite]]
    public var examples: [CheckExample]

    public init(
        id: CheckID, title: String, summary: String, category: CheckCategory,
        defaultSeverity: Severity, aliases: [CheckID] = [], prerequisites: [Prerequisite] = [],
        codePrerequisites: [String: [Prerequisite]] = [:], examples: [CheckExample] = []
    ) {
        self.codePrerequisites = codePrerequisites
        self.id = id
        self.prerequisites = prerequisites
        self.title = title
        self.summary = summary
        self.category = category
        self.defaultSeverity = defaultSeverity
        self.aliases = aliases
        self.examples = examples
    }
}

/// A documented example that also runs as a test.
///
/// In `jsonl`, a line starting with `↓` expects a finding on that line. Several files are
/// written as `--- train.jsonl` / `--- test.jsonl` headers (default: one `train.jsonl`).
public struct CheckExample: Sendable {
    public enum Expectation: Sendable, Equatable {
        case passes
        /// Findings on the `↓` lines, plus this many dataset-level findings.
        case fails(datasetFindings: Int)
    }
    public var jsonl: String
    public var expectation: Expectation
    /// Option overrides as YAML (the body of `checks.<id>`), empty for defaults.
    public var options: String
    /// Other top-level rule-file sections as YAML (e.g. `coverage:` slices), empty for none.
    public var rules: String = ""

    public static func passes(jsonl: String, options: String = "", rules: String = "")
        -> CheckExample
    {
        CheckExample(jsonl: jsonl, expectation: .passes, options: options, rules: rules)
    }
    public static func fails(
        jsonl: String, findings: Int = 0, options: String = "", rules: String = ""
    ) -> CheckExample {
        CheckExample(
            jsonl: jsonl, expectation: .fails(datasetFindings: findings), options: options,
            rules: rules)
    }
}

import Foundation

/// Everything an audit needs once the inputs are read.
public struct AuditRequest: Sendable {
    public var dataset: Dataset
    public var checks: [ConfiguredCheck]
    public var failOn: Severity
    public var metadata: ReportMetadata
    /// Declared coverage slices from the rule files, handed to every check.
    public var coverage: CoverageRules
    /// The failure taxonomy from the rule files, handed to every check.
    public var taxonomy: TaxonomyRules
    /// The tokenizer given with `--tokenizer`; nil: checks estimate token counts.
    public var tokenizer: (any TokenCounter)?
    /// The suppression file (`.preflight-ignore.yaml` or `--ignore-file`), if any.
    public var suppressions: SuppressionFile?
    /// The day of the run, `YYYY-MM-DD`, for suppression expiry; injected so tests and
    /// reports are reproducible.
    public var today: String
    /// The earlier report for the ratchet (`--baseline`), if any.
    public var baseline: BaselineInput?
    /// The most findings of each check and code listed one by one (`FindingLimit`); 0: all.
    public var findingLimit: Int

    public init(
        dataset: Dataset, checks: [ConfiguredCheck], failOn: Severity = .error,
        metadata: ReportMetadata, coverage: CoverageRules = CoverageRules(),
        taxonomy: TaxonomyRules = TaxonomyRules(), tokenizer: (any TokenCounter)? = nil,
        suppressions: SuppressionFile? = nil, today: String = "1970-01-01",
        baseline: BaselineInput? = nil, findingLimit: Int = FindingLimit.defaultPerCode
    ) {
        self.findingLimit = findingLimit
        self.suppressions = suppressions
        self.today = today
        self.baseline = baseline
        self.coverage = coverage
        self.taxonomy = taxonomy
        self.tokenizer = tokenizer
        self.dataset = dataset
        self.checks = checks
        self.failOn = failOn
        self.metadata = metadata
    }
}

/// Runs checks over a dataset and decides the verdict.
public enum Auditor {
    /// Validates rules against a registry of checks and decodes every check's options.
    ///
    /// Call this before reading any data, so a bad rule file fails fast (exit 2).
    /// - Parameters:
    ///   - rules: merged rule files.
    ///   - registry: the checks, in execution order.
    /// - Returns: one configured check per registry entry, in registry order.
    /// - Throws: `RulesError` for unknown check ids, bad options and failure modes naming an
    ///   undeclared slice.
    public static func configure(_ rules: RuleSet, registry: [any Check.Type]) throws(RulesError)
        -> [ConfiguredCheck]
    {
        try rules.validateTaxonomy()
        var byID: [String: (any Check.Type, alias: String?)] = [:]
        for type in registry {
            byID[type.descriptor.id.rawValue] = (type, nil)
            for alias in type.descriptor.aliases { byID[alias.rawValue] = (type, alias.rawValue) }
        }
        var rulesFor: [String: (CheckRules, String?)] = [:]
        for id in rules.checkOrder {
            guard let entry = byID[id], let checkRules = rules.checks[id] else {
                let mark = rules.checks[id]?.mark ?? YAMLMark(file: "rules", line: 1, column: 1)
                throw .unknownCheck(
                    mark, id: id,
                    suggestion: Suggestion.closest(
                        to: id, in: registry.map { $0.descriptor.id.rawValue }))
            }
            let canonical = entry.0.descriptor.id.rawValue
            if let (existing, earlierAlias) = rulesFor[canonical] {
                // An alias and the id both written: merge, the later spelling wins.
                var merged = RuleSet()
                merged.checks = [canonical: existing]
                merged.checkOrder = [canonical]
                var other = RuleSet()
                other.checks = [canonical: checkRules]
                other.checkOrder = [canonical]
                rulesFor[canonical] = (
                    merged.merging(other).checks[canonical]!, entry.alias ?? earlierAlias
                )
            } else {
                rulesFor[canonical] = (checkRules, entry.alias)
            }
        }
        var configured: [ConfiguredCheck] = []
        for type in registry {
            let entry = rulesFor[type.descriptor.id.rawValue]
            configured.append(try type.configured(rules: entry?.0, aliasUsed: entry?.1))
        }
        return configured
    }

    /// Runs every enabled check and builds the report.
    ///
    /// Checks run in order; each gets the same `DatasetIndex`, so shared columns are
    /// computed once. Findings are re-rated by the configured severity, counted, capped at
    /// `findingLimit` per check and code (`FindingLimit`) and sorted, and the readiness
    /// section is assessed from them (`PrerequisiteStatus.assess`).
    /// - Parameters:
    ///   - request: the dataset, the configured checks and everything else the report needs.
    ///   - checkFinished: called right after each enabled check returns, with its id, in
    ///     execution order, so a caller can time the checks (`--timings`). The auditor reads
    ///     no clock and the report never holds timings: it stays deterministic.
    /// - Throws: `CheckError` when a check cannot run at all.
    public static func run(
        _ request: AuditRequest, checkFinished: (CheckID) -> Void = { _ in }
    ) throws -> AuditReport {
        // Split statistics depend on the dataset alone: computed beside the checks, so their
        // serial part (counting distinct records) overlaps the checks' serial parts.
        let statistics = BackgroundValue { SplitStatistics.compute(request.dataset) }
        let index = DatasetIndex(dataset: request.dataset)
        let input = CheckInput(
            dataset: request.dataset, index: index, coverage: request.coverage,
            taxonomy: request.taxonomy, tokenizer: request.tokenizer,
            findingLimit: request.findingLimit)
        var findings: [Finding] = []
        var summaries: [CheckSummary] = []
        for check in request.checks {
            let d = check.descriptor
            guard check.enabled else {
                summaries.append(
                    CheckSummary(
                        id: d.id, title: d.title, category: d.category, status: .skipped,
                        severity: check.severity,
                        summary: check.isOptIn
                            ? "opt-in: enable it with '\(d.id): true' in the rules"
                            : "disabled by the rules",
                        metrics: [:], counts: [:], prerequisites: d.prerequisites,
                        codePrerequisites: d.codePrerequisites, purpose: d.summary))
                continue
            }
            let outcome = try check.run(input)
            checkFinished(d.id)
            var adjusted = outcome.findings
            for i in adjusted.indices {
                adjusted[i].severity = check.adjust(adjusted[i].severity)
                adjusted[i].checkID = d.id
            }
            let counts = adjusted.severityCounts
            let status: CheckStatus =
                outcome.skippedReason != nil && adjusted.isEmpty
                ? .skipped
                : counts[.error, default: 0] > 0
                    ? .fail
                    : counts[.warning, default: 0] > 0 ? .warn : .pass
            summaries.append(
                CheckSummary(
                    id: d.id, title: d.title, category: d.category, status: status,
                    severity: check.severity, summary: outcome.summary, metrics: outcome.metrics,
                    counts: counts, tables: outcome.tables, prerequisites: d.prerequisites,
                    codePrerequisites: d.codePrerequisites, purpose: d.summary))
            findings += FindingLimit.apply(adjusted, limit: request.findingLimit)
        }
        findings = Finding.sortedForReport(findings)
        var suppressionOutcome: SuppressionOutcome?
        if let file = request.suppressions {
            let applied = SuppressionOutcome.apply(file, to: findings, today: request.today)
            findings = Finding.sortedForReport(applied.kept + applied.findings)
            suppressionOutcome = applied.outcome
            summaries = recount(summaries, findings: findings)
            summaries.append(suppressionSummary(applied.outcome, findings: applied.findings))
        }
        var baselineOutcome: BaselineOutcome?
        if let baseline = request.baseline {
            // Suppressed findings take part in the pairing, so a baseline finding that is
            // suppressed now is neither fixed nor new; only the visible ones get a change.
            let hidden = suppressionOutcome?.suppressed.map(\.finding) ?? []
            let comparison = FindingComparison(
                baseline: baseline.findings, current: findings + hidden)
            baselineOutcome = BaselineOutcome(
                path: baseline.path, changes: Array(comparison.changes.prefix(findings.count)),
                fixed: comparison.fixed.sorted(by: Finding.reportOrder))
        }
        let readiness = PrerequisiteStatus.assess(
            checks: summaries, findings: findings, failOn: request.failOn)
        return AuditReport(
            metadata: request.metadata, verdict: Verdict(findings: findings),
            failOn: request.failOn,
            inputs: request.dataset.files.sorted { ($0.split, $0.path) < ($1.split, $1.path) }
                .map(InputSummary.init),
            checks: summaries, statistics: statistics.value,
            findings: findings, readiness: readiness, baseline: baselineOutcome,
            suppressions: suppressionOutcome)
    }

    /// The counts and status of each check after suppressed findings left the report.
    private static func recount(_ summaries: [CheckSummary], findings: [Finding])
        -> [CheckSummary]
    {
        var counts: [CheckID: [Severity: Int]] = [:]
        for finding in findings {
            counts[finding.checkID, default: [:]][finding.severity, default: 0] += finding.weight
        }
        return summaries.map { summary in
            guard summary.status != .skipped else { return summary }
            var summary = summary
            summary.counts = counts[summary.id] ?? [:]
            summary.status = status(summary.counts)
            return summary
        }
    }

    private static func status(_ counts: [Severity: Int]) -> CheckStatus {
        counts[.error, default: 0] > 0 ? .fail : counts[.warning, default: 0] > 0 ? .warn : .pass
    }

    /// The check-table row of the suppression file.
    private static func suppressionSummary(_ outcome: SuppressionOutcome, findings: [Finding])
        -> CheckSummary
    {
        let counts = findings.severityCounts
        let expired = outcome.entries.filter(\.expired).count
        let unmatched = outcome.entries.filter { !$0.expired && $0.suppressed == 0 }.count
        let entries = outcome.entries.count
        var summary =
            "\(entries) entr\(entries == 1 ? "y" : "ies") in \(outcome.path) hid \(outcome.suppressedCount) finding\(outcome.suppressedCount == 1 ? "" : "s")"
        if expired > 0 { summary += "; \(expired) expired" }
        if unmatched > 0 { summary += "; \(unmatched) matched nothing" }
        return CheckSummary(
            id: SuppressionOutcome.checkID, title: "Suppressions", category: .integrity,
            status: status(counts), severity: .warning, summary: summary,
            metrics: [
                "entries": Double(entries), "suppressed": Double(outcome.suppressedCount),
                "expired": Double(expired), "unmatched": Double(unmatched),
            ], counts: counts,
            purpose:
                "Applies the suppression file: accepted findings, with a reason and an optional expiry."
        )
    }
}

/// A value computed on a background thread from the moment it is created; `value` waits for
/// it. The computation is pure, so the result does not depend on the timing.
private final class BackgroundValue<Value: Sendable>: @unchecked Sendable {
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)

    init(_ compute: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async {
            self.result = compute()
            self.done.signal()
        }
    }

    /// The computed value (waits for the computation to finish; call once).
    var value: Value {
        done.wait()
        return result!
    }
}

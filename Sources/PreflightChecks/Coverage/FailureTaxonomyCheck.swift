import Foundation
import PreflightCore

/// Requires every failure mode of the rule file's `taxonomy:` to have examples in training and
/// in the regression split (the test split when there is no regression split), at the mode's
/// `min_train` / `min_heldout`; reports a missing taxonomy as a warning that says how to
/// declare one.
///
/// Why it matters: a fine-tune is judged on the failures it was meant to fix. A failure mode
/// without training examples is not learned, and one without regression examples is never
/// measured, so a better score can hide the same failure. Writing the modes down (an explicit
/// failure taxonomy) is itself a prerequisite: without it, nobody can say what "better" means.
///
/// Severity: each mode's findings take the mode's `severity` (default `error`), capped by the
/// check's configured severity: `checks.failure_taxonomy.severity: warning` turns every mode's
/// errors into warnings and leaves a mode declared `info` at info.
///
/// False positives: a mode whose predicate is too narrow (a regex that misses paraphrases)
/// counts too few examples; the `failure_modes` table shows the counts, and `coverage`'s
/// matrix shows the same predicate as a slice when it is declared there.
///
/// - Complexity: the slice memberships are computed once per audit and shared with
///   `coverage` (one parallel pass over the records); counting is O(records / 64) per mode
///   and split.
public struct FailureTaxonomyCheck: Check {
    /// Settings for the missing taxonomy and the held-out split.
    public struct Options: CheckOptions {
        /// Severity of `no_taxonomy` when the rule files declare no failure mode.
        public var noTaxonomySeverity = FindingLevel.warning
        /// Count held-out examples in the test split when there is no regression split.
        public var testFallback = true

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "no_taxonomy_severity", \.noTaxonomySeverity,
                doc:
                    "severity of the finding when the rule files declare no failure taxonomy (off, info, warning, error; capped by the check's severity)"
            ),
            OptionField(
                "test_fallback", \.testFallback,
                doc:
                    "count held-out examples in the test split when there is no regression split"
            ),
        ]
    }

    static let refundTaxonomy = """
        taxonomy:
          modes:
            wrong_refund_policy:
              description: promises refunds outside the 30-day window
              where: {keywords: [refund], case_insensitive: true}
        """

    public static let descriptor = CheckDescriptor(
        id: "failure_taxonomy", title: "Failure taxonomy",
        summary:
            "Requires every declared failure mode to have examples in training and in the regression (or test) split.",
        category: .coverage, defaultSeverity: .error, prerequisites: [.failureTaxonomy],
        examples: [
            .passes(
                jsonl: """
                    --- train.jsonl
                    {"text": "I want a refund", "label": "billing"}
                    {"text": "where is my parcel", "label": "shipping"}
                    --- regression.jsonl
                    {"text": "Refund after 40 days?", "label": "billing"}
                    """,
                rules: refundTaxonomy),
            .fails(
                jsonl: """
                    --- train.jsonl
                    {"text": "I want a refund", "label": "billing"}
                    {"text": "where is my parcel", "label": "shipping"}
                    --- regression.jsonl
                    {"text": "my parcel is late", "label": "shipping"}
                    """,
                findings: 1, rules: refundTaxonomy),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// The README section the findings point to.
    static let readme = "README: Failure taxonomy"

    /// How to declare a taxonomy. One line of flow-style YAML, because reporters show a hint
    /// as one paragraph (a newline would be escaped); it pastes into a rule file as is.
    static let declareHint =
        "name the failure modes that matter in a rule file (\(readme)), e.g. "
        + "'taxonomy: {modes: {wrong_refund_policy: {description: promises refunds after 30 days, "
        + "where: {keywords: [refund]}, min_train: 20, min_heldout: 5}}}'"

    /// Counts each mode's examples in training and the regression (or test) split.
    /// - Throws: `CheckError` when a mode names a slice that is not declared (the rule files
    ///   are validated before any check runs, so only a hand-built input can do that).
    /// - Complexity: see the type.
    public func run(_ input: CheckInput) throws -> CheckOutcome {
        let id = Self.descriptor.id
        let taxonomy = input.taxonomy
        guard taxonomy.isDeclared else {
            var findings: [Finding] = []
            if let severity = options.noTaxonomySeverity.severity {
                findings.append(
                    Finding(
                        checkID: id, code: "no_taxonomy", severity: severity,
                        message:
                            "no failure taxonomy declared: the rule files name no failure mode that training and the regression set must cover",
                        hint: Self.declareHint))
            }
            return CheckOutcome(
                findings: findings, metrics: ["modes": 0, "modes_covered": 0],
                summary: "no failure taxonomy declared (\(Self.readme))")
        }

        let dataset = input.dataset
        let layout = input.index.value(ChecksIndex.layout)
        let memberships = SliceMemberships.evaluated(input)
        let declared = input.coverage.slices
        let heldOut = heldOutSplit(dataset)
        let trainRanges = layout.ranges(of: .train, in: dataset)
        let heldOutRanges = heldOut.map { layout.ranges(of: $0, in: dataset) } ?? []

        var findings: [Finding] = []
        var metrics: [String: Double] = ["modes": Double(taxonomy.modes.count)]
        var rows: [[ReportCell]] = []
        var covered = 0
        var inline = 0
        for mode in taxonomy.modes {
            let slice: Int
            switch mode.selector {
            case .slice(let name, _):
                guard let s = declared.firstIndex(where: { $0.name == name }) else {
                    throw CheckError(
                        id,
                        "failure mode '\(mode.name)' names slice '\(name)', which is not declared")
                }
                slice = s
            case .predicate:
                slice = declared.count + inline
                inline += 1
            }
            let train = memberships.count(slice, in: trainRanges)
            metrics["mode.\(mode.name).train"] = Double(train)
            var modeFindings = requirement(
                mode, count: train, minimum: mode.minTrain, split: .train, key: "min_train",
                codes: ("mode_missing_in_train", "mode_below_min_train"))
            var held: Int?
            if let heldOut {
                let n = memberships.count(slice, in: heldOutRanges)
                held = n
                metrics["mode.\(mode.name).\(heldOut)"] = Double(n)
                modeFindings += requirement(
                    mode, count: n, minimum: mode.minHeldout, split: heldOut, key: "min_heldout",
                    codes: ("mode_missing_in_regression", "mode_below_min_heldout"))
            }
            let met = modeFindings.isEmpty && (heldOut != nil || mode.minHeldout == 0)
            if met { covered += 1 }
            rows.append([
                .text(mode.name), mode.description.map { .text($0) } ?? .empty,
                .text(mode.severity.rawValue), .count(train), held.map { .count($0) } ?? .empty,
                .text(status(modeFindings, met: met)),
            ])
            findings += modeFindings
        }
        metrics["modes_covered"] = Double(covered)

        let needsHeldOut = taxonomy.modes.filter { $0.minHeldout > 0 }
        if heldOut == nil, let worst = needsHeldOut.map(\.severity).max() {
            let splits =
                options.testFallback ? "no 'regression' or 'test' split" : "no 'regression' split"
            findings.append(
                Finding(
                    checkID: id, code: "no_regression_set", severity: worst,
                    message:
                        "\(splits) to hold the failure taxonomy's examples: \(Format.count(needsHeldOut.count, "failure mode")) require min_heldout examples there and none can be measured",
                    hint:
                        "add a regression set with examples of each failure mode (--regression FILE, or a file named regression*.jsonl)",
                    metrics: ["modes": Double(needsHeldOut.count)]))
        }

        let heldColumn = heldOut?.rawValue ?? "regression"
        let table = ReportTable(
            id: "failure_modes", title: "Failure modes: examples in training and held out",
            columns: ["mode", "description", "severity", "train", heldColumn, "status"],
            rows: rows,
            note: heldOut.map {
                $0 == .regression
                    ? "held-out examples counted in 'regression'"
                    : "no regression split: held-out examples counted in '\($0)'"
            } ?? "no regression or test split: held-out examples cannot be counted")
        let heldOutNote =
            heldOut.map { "; held-out examples from '\($0)'" } ?? "; no regression set"
        return CheckOutcome(
            findings: findings, metrics: metrics,
            summary:
                "\(Format.count(taxonomy.modes.count, "failure mode")), \(covered) covered\(heldOutNote)",
            tables: [table])
    }

    /// The split that holds the regression examples: `regression`, else `test` (with
    /// `test_fallback`), else none.
    func heldOutSplit(_ dataset: Dataset) -> SplitRole? {
        let splits = dataset.splits
        if splits.contains(.regression) { return .regression }
        if options.testFallback, splits.contains(.test) { return .test }
        return nil
    }

    private func requirement(
        _ mode: FailureMode, count n: Int, minimum: Int, split: SplitRole, key: String,
        codes: (missing: String, below: String)
    ) -> [Finding] {
        guard n < minimum else { return [] }
        let name = Format.quoted(mode.name)
        let about = mode.description.map { " (\(Format.quoted($0)))" } ?? ""
        let message =
            n == 0
            ? "failure mode \(name)\(about) has no examples in '\(split)', requires \(key) \(minimum)"
            : "failure mode \(name)\(about) has \(Format.count(n, "example")) in '\(split)', below \(key) \(minimum)"
        return [
            Finding(
                checkID: Self.descriptor.id, code: n == 0 ? codes.missing : codes.below,
                severity: mode.severity, message: message,
                hint:
                    "add '\(split)' examples of the failure mode, or check that its predicate selects them",
                metrics: ["records": Double(n), "threshold": Double(minimum)])
        ]
    }

    private func status(_ findings: [Finding], met: Bool) -> String {
        if met { return "covered" }
        if findings.isEmpty { return "not measured" }
        return findings.map { f in
            switch f.code {
            case "mode_missing_in_train": "missing in train"
            case "mode_below_min_train": "below min_train"
            case "mode_missing_in_regression": "missing held out"
            default: "below min_heldout"
            }
        }.joined(separator: ", ")
    }
}

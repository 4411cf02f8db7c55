import Foundation
import PreflightCore

/// Flags training records whose given label is likely wrong, ranked, with a suggested label.
///
/// Every labelled training record is scored by a classifier trained on the other folds
/// (`OutOfSampleProbabilities`); confident learning (`ConfidentLearning`: per-class
/// thresholds, the confident joint, calibration, then prune by class or, with
/// `prune_by: noise_rate`, by noise rate) estimates how many records of each given label
/// belong to another class and flags the ones the model disagrees with most. The estimated overall noise rate sets the severity: findings are
/// info below `warning_rate`, warnings from it, errors at or above `error_rate`.
///
/// Each finding (`likely_mislabeled`) carries `given_probability`, `suggested_probability`,
/// `margin` (their difference) and `rank` (1 = most likely wrong). Check
/// metrics: `estimated_noise_rate` (1 − trace of the calibrated joint: the estimated share of
/// scored records whose label is wrong), `noise_rate.<label>` (per class of the noise matrix:
/// the estimated share of records truly of that class that carry another label), `flagged`
/// (all flags, also beyond `max_findings`), `oos_accuracy` and `records_scored`.
///
/// Opt-in (it trains a model, which costs more than every other check together): enable it
/// with `label_issues: true` in a rule file, or `--profile classification` / `strict`.
///
/// The estimated noise rate sets the severity of every flag: info below `warning_rate`,
/// warning, error at or above `error_rate`. `severity: warning` in the rules caps them.
///
/// Why it matters: a model fine-tuned on wrong labels learns the mistakes; a few percent of
/// label noise costs accuracy out of proportion, most on the classes it concentrates in.
///
/// The estimate means little when the model cannot separate the classes at all, so the check
/// is skipped, saying why, below `min_records` labelled training records, with fewer than
/// two classes, or when the out-of-sample accuracy is below `min_accuracy`.
///
/// False positives: genuinely ambiguous records (the model is unsure for a good reason),
/// rare phrasings of a class the model has too few examples of, and classes that overlap by
/// design (see `class_confusion`); the ranking puts the clearest cases first.
/// - Complexity: the cross-validated classifier (shared with class_confusion through the
///   index), then O(n·K + K² + n log n) for n scored records of K classes.
public struct LabelIssuesCheck: OptInCheck {
    /// Classifier, preconditions, ranking and severity thresholds.
    public struct Options: CheckOptions, NoiseEstimateOptions {
        public var folds = 5
        public var seed = 42
        public var minAccuracy = 0.5
        public var minRecords = 100
        public var pruneBy = LabelIssuePruning.byClass
        public var rankBy = LabelIssueRanking.selfConfidence
        public var maxFindings = 100_000
        public var warningRate = 0.05
        public var errorRate = 0.15

        public init() {}

        public static let fields: [OptionField<Options>] = [
            .folds(\.folds), .seed(\.seed), .minAccuracy(\.minAccuracy), .minRecords(\.minRecords),
            OptionField(
                "prune_by", \.pruneBy,
                doc:
                    "how confident learning picks the flags: class (per given label, its estimated count of wrong labels, lowest probability of the label first) or noise_rate (per pair of given and true label, its estimated count, largest margin first)"
            ),
            OptionField(
                "rank_by", \.rankBy,
                doc:
                    "order of flagged records: self_confidence (lowest probability of the given label first) or normalized_margin (given label's probability minus the best other class's)"
            ),
            OptionField(
                "max_findings", \.maxFindings,
                doc:
                    "report at most this many flagged records, the top-ranked (metrics count all)",
                check: OptionRules.nonNegative),
            OptionField(
                "warning_rate", \.warningRate,
                doc:
                    "flags are warnings when the estimated share of wrong labels is at or above this, info below",
                check: OptionRules.share),
            OptionField(
                "error_rate", \.errorRate,
                doc:
                    "flags are errors when the estimated share of wrong labels is at or above this",
                check: OptionRules.share),
        ]

        public func validate() throws(OptionsError) {
            try OptionRules.ordered(
                warning: warningRate, error: errorRate, warningKey: "warning_rate",
                errorKey: "error_rate")
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "label_issues", title: "Label issues",
        summary:
            "Flags training records whose label a cross-validated model confidently disagrees with (confident learning), ranked, with a suggested label.",
        category: .labels, defaultSeverity: .error, prerequisites: [.enoughExamples],
        examples: [
            .passes(
                jsonl: """
                    {"text": "please refund my invoice payment", "label": "billing"}
                    {"text": "my card was charged twice on the invoice", "label": "billing"}
                    {"text": "refund the duplicate payment on my card", "label": "billing"}
                    {"text": "the invoice shows a wrong charge", "label": "billing"}
                    {"text": "i want a refund for this payment", "label": "billing"}
                    {"text": "why was my card charged for the invoice", "label": "billing"}
                    {"text": "the payment on my invoice failed twice", "label": "billing"}
                    {"text": "my card statement shows an extra charge", "label": "billing"}
                    {"text": "can i pay the invoice with another card", "label": "billing"}
                    {"text": "the refund for my payment never reached my card", "label": "billing"}
                    {"text": "where is my parcel, the courier never came", "label": "delivery"}
                    {"text": "the package tracking says shipped but no parcel", "label": "delivery"}
                    {"text": "courier left my package at the wrong door", "label": "delivery"}
                    {"text": "my parcel is late, tracking has not moved", "label": "delivery"}
                    {"text": "when will the courier deliver my package", "label": "delivery"}
                    {"text": "the shipping tracking for my parcel is stuck", "label": "delivery"}
                    {"text": "the courier lost my package in transit", "label": "delivery"}
                    {"text": "my parcel tracking shows delivered but no package", "label": "delivery"}
                    {"text": "can the courier leave the parcel with a neighbour", "label": "delivery"}
                    {"text": "the package shipping date keeps moving", "label": "delivery"}
                    """,
                options: "min_records: 10"),
            .fails(
                jsonl: """
                    {"text": "please refund my invoice payment", "label": "billing"}
                    {"text": "my card was charged twice on the invoice", "label": "billing"}
                    {"text": "refund the duplicate payment on my card", "label": "billing"}
                    {"text": "the invoice shows a wrong charge", "label": "billing"}
                    {"text": "i want a refund for this payment", "label": "billing"}
                    {"text": "why was my card charged for the invoice", "label": "billing"}
                    {"text": "the payment on my invoice failed twice", "label": "billing"}
                    {"text": "my card statement shows an extra charge", "label": "billing"}
                    {"text": "can i pay the invoice with another card", "label": "billing"}
                    {"text": "the refund for my payment never reached my card", "label": "billing"}
                    {"text": "where is my parcel, the courier never came", "label": "delivery"}
                    {"text": "the package tracking says shipped but no parcel", "label": "delivery"}
                    ↓{"text": "refund my card payment for the invoice", "label": "delivery"}
                    {"text": "my parcel is late, tracking has not moved", "label": "delivery"}
                    {"text": "when will the courier deliver my package", "label": "delivery"}
                    {"text": "the shipping tracking for my parcel is stuck", "label": "delivery"}
                    {"text": "the courier lost my package in transit", "label": "delivery"}
                    {"text": "my parcel tracking shows delivered but no package", "label": "delivery"}
                    {"text": "can the courier leave the parcel with a neighbour", "label": "delivery"}
                    {"text": "the package shipping date keeps moving", "label": "delivery"}
                    """,
                options: "min_records: 10"),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Scores the training records out of sample, estimates the noise and flags records.
    /// - Complexity: the shared classifier, then O(n·K + K² + n log n).
    /// - Throws: `PredictionsError` when the dataset's own predictions do not fit it.
    public func run(_ input: CheckInput) throws -> CheckOutcome {
        let dataset = input.dataset
        let column = input.index.value(ChecksIndex.labels)
        guard column.hasLabelledFiles else { return .skipped("no labelled input") }
        guard dataset.hasTrain else { return .skipped("no training split to score") }
        let (records, classes) = ChecksIndex.labelledTraining(in: input.index)
        if let reason = options.gate.reasonBeforeScoring(records: records, classes: classes) {
            return CheckOutcome(
                metrics: ["records_scored": 0], summary: reason, skippedReason: reason)
        }
        let estimate = try ChecksIndex.noiseEstimate(
            options.classifier, pruning: options.pruneBy, in: input.index)
        let oos = estimate.oos
        let learning = estimate.learning
        var metrics: [String: Double] = [
            "oos_accuracy": oos.accuracy, "records_scored": Double(oos.rows),
        ]
        if let reason = options.gate.reasonAfterScoring(oos) {
            return CheckOutcome(metrics: metrics, summary: reason, skippedReason: reason)
        }

        let rate = learning.estimatedNoiseRate
        metrics["estimated_noise_rate"] = rate
        for (c, label) in oos.classes.enumerated() where learning.givenCounts[c] > 0 {
            metrics["noise_rate.\(label.text)"] = learning.noiseRates[c]
        }
        let ranked = learning.ranked(by: options.rankBy, probabilities: oos.probabilities)
        metrics["flagged"] = Double(ranked.count)
        let (severity, comparison, key, limit): (Severity, String, String, Double) =
            rate >= options.errorRate
            ? (.error, "at or above", "error_rate", options.errorRate)
            : rate >= options.warningRate
                ? (.warning, "at or above", "warning_rate", options.warningRate)
                : (.info, "below", "warning_rate", options.warningRate)
        let rateText =
            "estimated noise rate \(Format.percent(rate)) is \(comparison) '\(key)' \(Format.percent(limit))"
        let layout = input.index.value(ChecksIndex.layout)
        let order = options.rankBy == .selfConfidence ? "self-confidence" : "normalized margin"
        var findings: [Finding] = []
        for (number, issue) in ranked.prefix(options.maxFindings).enumerated() {
            let given = Format.label(oos.classes[issue.given])
            let suggested = Format.label(oos.classes[issue.suggested])
            findings.append(
                Finding(
                    checkID: Self.descriptor.id, code: "likely_mislabeled", severity: severity,
                    message:
                        "label \(given) looks wrong: \(oos.scorer) it "
                        + "\(Self.probability(issue.givenProbability)) and \(suggested) "
                        + "\(Self.probability(issue.suggestedProbability)) (rank \(number + 1) of "
                        + "\(ranked.count) by \(order)); \(rateText)",
                    hint:
                        "check the label: relabel as \(suggested) if that is right, or remove the record if it is ambiguous",
                    location: dataset.location(at: oos.positions[issue.row], layout),
                    metrics: [
                        "given_probability": issue.givenProbability,
                        "suggested_probability": issue.suggestedProbability,
                        "rank": Double(number + 1), "margin": issue.margin,
                    ]))
        }
        var summary =
            "\(Format.count(ranked.count, "likely mislabeled record")) of \(oos.rows) scored, "
            + "estimated noise rate \(Format.percent(rate)); \(oos.source), out-of-sample accuracy "
            + Format.percent(oos.accuracy)
        if ranked.count > options.maxFindings {
            summary += "; the \(options.maxFindings) top-ranked reported ('max_findings')"
        }
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary)
    }

    /// A probability with two decimals (`0.04`), or `<0.01` / `>0.99` rather than a
    /// misleading `0.00` / `1.00`.
    static func probability(_ value: Double) -> String {
        if value < 0.005 { return "<0.01" }
        if value >= 0.995 && value < 1 { return ">0.99" }
        return String(format: "%.2f", value)
    }
}

// MARK: - Shared options of the noise checks

/// The options label_issues and class_confusion share: the classifier and the gate that
/// decides whether its estimate means anything.
protocol NoiseEstimateOptions {
    var folds: Int { get }
    var seed: Int { get }
    var minAccuracy: Double { get }
    var minRecords: Int { get }
}

extension NoiseEstimateOptions {
    /// When the noise estimate is skipped.
    var gate: NoiseEstimateGate {
        NoiseEstimateGate(minRecords: minRecords, minAccuracy: minAccuracy)
    }
    /// The classifier; equal specs share one scoring per audit.
    var classifier: ClassifierSpec { ClassifierSpec(folds: folds, seed: UInt64(seed)) }
}

extension OptionField {
    /// `folds` of the cross-validated classifier; equal values share one scoring per audit.
    static func folds(_ path: WritableKeyPath<Root, Int> & Sendable) -> OptionField {
        OptionField(
            "folds", path,
            doc:
                "cross-validation folds of the built-in classifier: each record is scored by a model trained on the others",
            check: { $0 >= 2 ? nil : "expected 2 folds or more, found \($0)" })
    }

    /// `seed` of the fold assignment.
    static func seed(_ path: WritableKeyPath<Root, Int> & Sendable) -> OptionField {
        OptionField(
            "seed", path, doc: "seed of the fold assignment: same seed, same data, same flags",
            check: OptionRules.nonNegative)
    }

    /// `min_accuracy` below which a noise estimate is skipped.
    static func minAccuracy(_ path: WritableKeyPath<Root, Double> & Sendable) -> OptionField {
        OptionField(
            "min_accuracy", path,
            doc:
                "skip the estimate when the out-of-sample accuracy is below this: the model's disagreements would be noise",
            check: OptionRules.share)
    }

    /// `min_records` below which a noise estimate is skipped.
    static func minRecords(_ path: WritableKeyPath<Root, Int> & Sendable) -> OptionField {
        OptionField(
            "min_records", path,
            doc: "skip the estimate with fewer labelled training records than this",
            check: OptionRules.nonNegative)
    }
}

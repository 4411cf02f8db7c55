import Foundation
import PreflightCore

/// Flags skewed class distributions: a large max/min class ratio in training, classes with
/// too few training records, and classes nearly absent from a held-out split.
///
/// Why it matters: a fine-tuned classifier learns the prior — rare classes get predicted
/// rarely and scored unreliably, and a class with a handful of examples cannot be learned.
///
/// False positives: natural long-tail tasks (e.g. a large out-of-scope class) are imbalanced
/// by design; raise `warning_ratio` / `error_ratio` for them rather than resampling blindly.
public struct ClassBalanceCheck: Check {
    /// Ratio and per-class minimums.
    public struct Options: CheckOptions {
        public var warningRatio = 10.0
        public var errorRatio = 100.0
        public var minClassWarning = 50
        public var minClassError = 10
        public var minHeldoutClass = 3

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "warning_ratio", \.warningRatio,
                doc: "largest/smallest training class ratio at or above this is a warning",
                check: OptionRules.ratio),
            OptionField(
                "error_ratio", \.errorRatio,
                doc: "largest/smallest training class ratio at or above this is an error",
                check: OptionRules.ratio),
            OptionField(
                "min_class_warning", \.minClassWarning,
                doc: "a training class with fewer records than this is a warning",
                check: OptionRules.nonNegative),
            OptionField(
                "min_class_error", \.minClassError,
                doc: "a training class with fewer records than this is an error",
                check: OptionRules.nonNegative),
            OptionField(
                "min_heldout_class", \.minHeldoutClass,
                doc:
                    "a training class with fewer (but some) records than this in a held-out split is a warning",
                check: OptionRules.nonNegative),
        ]

        public func validate() throws(OptionsError) {
            try OptionRules.ordered(
                warning: warningRatio, error: errorRatio, warningKey: "warning_ratio",
                errorKey: "error_ratio")
            guard minClassError < minClassWarning else {
                throw OptionsError(
                    key: "min_class_error",
                    "'min_class_error' (\(minClassError)) must be below 'min_class_warning' (\(minClassWarning))"
                )
            }
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "class_balance", title: "Class balance",
        summary: "Flags skewed training class distributions and classes with too few records.",
        category: .distribution, defaultSeverity: .error, prerequisites: [.representative],
        examples: [
            .passes(
                jsonl: """
                    {"text": "a", "label": "x"}
                    {"text": "b", "label": "y"}
                    {"text": "c", "label": "x"}
                    {"text": "d", "label": "y"}
                    """,
                options: "min_class_warning: 2\nmin_class_error: 1"),
            .fails(
                jsonl: """
                    {"text": "a", "label": "x"}
                    {"text": "b", "label": "x"}
                    {"text": "c", "label": "x"}
                    {"text": "d", "label": "y"}
                    """,
                findings: 2,
                options:
                    "warning_ratio: 2\nerror_ratio: 10\nmin_class_warning: 2\nmin_class_error: 1"),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Counts classes per split and compares the training distribution with the limits.
    /// - Complexity: O(records + classes · splits).
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let labels = input.index.value(ChecksIndex.labels)
        guard labels.hasLabelledFiles else { return .skipped("no labelled input") }
        guard dataset.hasTrain else { return .skipped("no training split") }
        let layout = input.index.value(ChecksIndex.layout)
        let id = Self.descriptor.id
        var findings: [Finding] = []
        var metrics: [String: Double] = [:]

        let trainCounts = labels.counts(in: layout.ranges(of: .train, in: dataset))
        let stats = Stats(trainCounts)
        guard stats.classes > 0 else { return .skipped("no labelled training records") }
        metrics["classes"] = Double(stats.classes)
        metrics["max_min_ratio"] = stats.ratio
        metrics["rarest_share"] = stats.rarestShare
        metrics["uniform_share"] = 1 / Double(stats.classes)
        metrics["normalized_entropy"] = stats.entropy

        if stats.classes == 1 {
            let only = labels.labels[trainCounts.firstIndex { $0 > 0 }!]
            findings.append(
                Finding(
                    checkID: id, code: "single_class", severity: .error,
                    message:
                        "training split has a single class \(Format.label(only)), at least 2 are needed",
                    hint: "add examples of the other classes"))
        }
        let ratioSeverity: Severity? =
            stats.ratio >= options.errorRatio
            ? .error
            : stats.ratio >= options.warningRatio ? .warning : nil
        if let ratioSeverity {
            let key = ratioSeverity == .error ? "error_ratio" : "warning_ratio"
            let threshold = ratioSeverity == .error ? options.errorRatio : options.warningRatio
            let most = labels.labels[stats.largest]
            let least = labels.labels[stats.smallest]
            findings.append(
                Finding(
                    checkID: id, code: "imbalance_ratio", severity: ratioSeverity,
                    message:
                        "largest class \(Format.label(most)) (\(trainCounts[stats.largest])) is "
                        + "\(Format.number((stats.ratio * 10).rounded() / 10))× the smallest \(Format.label(least)) "
                        + "(\(trainCounts[stats.smallest])), at or above '\(key)' \(Format.number(threshold))",
                    hint: "add examples of the rare classes or downsample the frequent ones",
                    metrics: ["max_min_ratio": stats.ratio, "threshold": threshold]))
        }
        for (l, n) in trainCounts.enumerated() where n > 0 && n < options.minClassWarning {
            let error = n < options.minClassError
            let threshold = error ? options.minClassError : options.minClassWarning
            findings.append(
                Finding(
                    checkID: id, code: "small_class", severity: error ? .error : .warning,
                    message:
                        "class \(Format.label(labels.labels[l])) has \(Format.count(n, "training record")), "
                        + "below '\(error ? "min_class_error" : "min_class_warning")' \(threshold)",
                    hint: "add examples of this class or merge it into a related one",
                    metrics: ["records": Double(n), "threshold": Double(threshold)]))
        }

        for split in dataset.heldOutSplits {
            let counts = labels.counts(in: layout.ranges(of: split, in: dataset))
            let s = Stats(counts)
            guard s.classes > 0 else { continue }
            metrics["classes.\(split)"] = Double(s.classes)
            metrics["max_min_ratio.\(split)"] = s.ratio
            metrics["rarest_share.\(split)"] = s.rarestShare
            metrics["normalized_entropy.\(split)"] = s.entropy
            for (l, n) in counts.enumerated()
            where n > 0 && n < options.minHeldoutClass && trainCounts[l] > 0 {
                findings.append(
                    Finding(
                        checkID: id, code: "small_heldout_class", severity: .warning,
                        message:
                            "class \(Format.label(labels.labels[l])) has \(Format.count(n, "record")) in "
                            + "'\(split)', below 'min_heldout_class' \(options.minHeldoutClass)",
                        hint: "add held-out examples of this class so its score means something",
                        metrics: [
                            "records": Double(n), "threshold": Double(options.minHeldoutClass),
                        ]))
            }
        }
        let summary =
            "\(Format.count(stats.classes, "class")) in train, max/min ratio "
            + "\(Format.number((stats.ratio * 10).rounded() / 10)), normalized entropy "
            + String(format: "%.2f", stats.entropy)
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary)
    }

    /// Distribution statistics over the classes present (count > 0).
    struct Stats {
        var classes = 0
        var ratio = 1.0
        var rarestShare = 0.0
        var entropy = 0.0
        var largest = 0
        var smallest = 0

        init(_ counts: [Int]) {
            let total = counts.reduce(0, +)
            guard total > 0 else { return }
            var maxN = 0
            var minN = Int.max
            var h = 0.0
            for (l, n) in counts.enumerated() where n > 0 {
                classes += 1
                if n > maxN {
                    maxN = n
                    largest = l
                }
                if n < minN {
                    minN = n
                    smallest = l
                }
                let p = Double(n) / Double(total)
                h -= p * log(p)
            }
            ratio = Double(maxN) / Double(minN)
            rarestShare = Double(minN) / Double(total)
            entropy = classes > 1 ? h / log(Double(classes)) : 0
        }
    }
}

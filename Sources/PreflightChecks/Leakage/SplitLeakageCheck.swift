import PreflightCore

/// Flags held-out records whose normalized key also occurs in training, and records shared
/// between two held-out splits.
///
/// Why it matters: a held-out example the model trained on measures memorization, not
/// generalization, so validation and regression scores come out optimistic and regressions
/// hide; two held-out sets sharing records are not independent evidence.
///
/// False positives: very short, formulaic inputs ('hi', 'thanks') that recur naturally in any
/// sample of real traffic; near copies are not exact matches and are left to `near_duplicates`.
/// - Complexity: O(n log n) in the number of records, hashing shared with exact_duplicates.
public struct SplitLeakageCheck: CrossFileCheck {
    /// Key, normalization and share thresholds.
    public struct Options: CheckOptions {
        public var key = KeyField.input
        public var normalize = Normalization.standard
        public var warningShare = 0.0
        public var errorShare = 0.01

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "key", \.key,
                doc:
                    "what is compared: input (default), example, or auto (input for classification/text, example for generative shapes)"
            ),
            OptionField(
                "normalize", \.normalize,
                doc: "normalization before comparing (nfkc, case, whitespace, punctuation)",
                check: OptionRules.steps),
            OptionField(
                "warning_share", \.warningShare,
                doc:
                    "leaks are warnings when a held-out split's leaked share exceeds this (0: any leak)",
                check: OptionRules.share),
            OptionField(
                "error_share", \.errorShare,
                doc: "leaks are errors when a held-out split's leaked share is at or above this",
                check: OptionRules.share),
        ]

        public func validate() throws(OptionsError) {
            try OptionRules.ordered(
                warning: warningShare, error: errorShare, warningKey: "warning_share",
                errorKey: "error_share")
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "split_leakage", title: "Split leakage",
        summary: "Flags held-out records that also occur in training or in another held-out split.",
        category: .leakage, defaultSeverity: .error,
        examples: [
            .passes(
                jsonl: """
                    --- train.jsonl
                    {"text": "reset my password", "label": "account"}
                    --- test.jsonl
                    {"text": "reset my pin", "label": "account"}
                    """),
            .fails(
                jsonl: """
                    --- train.jsonl
                    {"text": "reset my password", "label": "account"}
                    {"text": "where is my parcel", "label": "delivery"}
                    --- validation.jsonl
                    ↓{"text": "Reset my password", "label": "account"}
                    {"text": "track order", "label": "delivery"}
                    --- test.jsonl
                    ↓{"text": "track  order", "label": "delivery"}
                    {"text": "refund please", "label": "billing"}
                    """),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Looks every held-out key up in training and in the earlier held-out splits.
    /// - Complexity: O(n log n) in the number of records.
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let heldOut = dataset.heldOutSplits
        guard dataset.hasTrain else { return .skipped("no training split") }
        guard !heldOut.isEmpty else { return .skipped("no held-out split") }
        let id = Self.descriptor.id
        let spec = KeySpec(options.key, options.normalize, dataset: dataset)
        let groups = ChecksIndex.groups(spec, in: input.index)
        let layout = input.index.value(ChecksIndex.layout)
        var findings: [Finding] = []
        var metrics: [String: Double] = [:]
        var leakedTotal = 0
        var sharedTotal = 0
        var heldOutTotal = 0
        var parts: [String] = []

        for (h, split) in heldOut.enumerated() {
            let ranges = layout.ranges(of: split, in: dataset)
            let n = ranges.reduce(0) { $0 + $1.count }
            heldOutTotal += n
            let sources = [SplitRole.train] + heldOut[..<h]
            // (held-out position, first occurrence in the source) per source.
            var hits: [[(Int32, Int32)]] = Array(repeating: [], count: sources.count)
            for range in ranges {
                for p in range {
                    let hash = groups.hashes[p]
                    for (s, source) in sources.enumerated() {
                        if let first = groups.first(of: hash, in: source) {
                            hits[s].append((Int32(p), first))
                        }
                    }
                }
            }
            for (s, source) in sources.enumerated() {
                let count = hits[s].count
                metrics["leaked.\(split).\(source)"] = Double(count)
                guard count > 0 else { continue }
                let share = n == 0 ? 0 : Double(count) / Double(n)
                let severity: Severity =
                    share >= options.errorShare
                    ? .error : share > options.warningShare ? .warning : .info
                let (key, threshold) =
                    severity == .error
                    ? ("error_share", options.errorShare) : ("warning_share", options.warningShare)
                let comparison =
                    severity == .info ? "not above" : severity == .error ? "at or above" : "above"
                let fromTrain = source == .train
                if fromTrain { leakedTotal += count } else { sharedTotal += count }
                parts.append("\(split)←\(source) \(count)")
                for (p, first) in hits[s] {
                    let field = spec.fields[Int(layout.ref(Int(p)).file)].rawValue
                    findings.append(
                        Finding(
                            checkID: id,
                            code: fromTrain ? "leaked_from_train" : "shared_between_heldout",
                            severity: severity,
                            message:
                                "\(field) also occurs in '\(source)'; '\(split)' has \(Format.count(count, "such record")) "
                                + "(\(Format.percent(share))), \(comparison) '\(key)' \(Format.percent(threshold))",
                            hint: fromTrain
                                ? "remove this record from '\(split)' or its copy from training"
                                : "keep each record in one held-out split only",
                            location: dataset.location(at: p, layout),
                            related: [dataset.location(at: first, layout)]))
                }
            }
            metrics["leaked_share.\(split)"] = n == 0 ? 0 : Double(hits[0].count) / Double(n)
        }
        metrics["leaked_records"] = Double(leakedTotal)
        metrics["shared_records"] = Double(sharedTotal)
        metrics["leaked_share"] = heldOutTotal == 0 ? 0 : Double(leakedTotal) / Double(heldOutTotal)
        let summary =
            parts.isEmpty
            ? "no held-out record occurs in training or another held-out split"
            : "\(Format.count(leakedTotal, "held-out record")) leaked from training, \(sharedTotal) shared "
                + "between held-out splits (\(parts.joined(separator: ", ")))"
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary)
    }
}

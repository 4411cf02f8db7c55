import PreflightCore

/// Flags pairs of classes the training data itself does not keep apart: an unclear task
/// boundary.
///
/// A pair (A, B) is reported when confident learning estimates that many records cross
/// between them — (Q[A][B] + Q[B][A]) of the calibrated joint, relative to the smaller of
/// the two classes' shares, at or above `min_confusion`, with at least two records estimated
/// to cross and both classes given to at least five training records — or when at least `min_near_pairs`
/// near-copy pairs of training records (the search of `near_duplicates`, at its defaults)
/// carry A on one side and B on the other. One dataset-level finding per pair, strongest
/// first (metric `rank`).
///
/// Why it matters: when annotators cannot tell two classes apart, the labels between them
/// are a coin flip; the model learns the confusion and no amount of relabelling single
/// records fixes it — the guideline or the label set has to change.
///
/// Like `label_issues`, the estimate part is skipped below `min_records` labelled training
/// records, with fewer than two classes, or below `min_accuracy`; the near-copy part still
/// runs.
///
/// False positives: classes that are close by design (a parent and a child intent) where
/// the data is still right, and templated inputs whose slot carries the label (near-copies
/// across labels by construction).
/// - Complexity: the classifier and near search shared through the index, then O(K² + p)
///   for K classes and p near pairs.
// Opt-in like label_issues, whose cross-validated model it shares: enable it with
// `class_confusion: true` or `--profile classification` / `strict`.
public struct ClassConfusionCheck: OptInCheck {
    /// Classifier, preconditions and the two triggers.
    public struct Options: CheckOptions, NoiseEstimateOptions {
        public var folds = 5
        public var seed = 42
        public var minAccuracy = 0.5
        public var minRecords = 100
        public var minConfusion = 0.1
        public var minNearPairs = 3

        public init() {}

        public static let fields: [OptionField<Options>] = [
            .folds(\.folds), .seed(\.seed), .minAccuracy(\.minAccuracy), .minRecords(\.minRecords),
            OptionField(
                "min_confusion", \.minConfusion,
                doc:
                    "report a pair when the records estimated to cross between its classes are at least this share of the smaller class",
                check: { $0 > 0 ? nil : "expected a share above 0, found \($0)" }),
            OptionField(
                "min_near_pairs", \.minNearPairs,
                doc:
                    "report a pair with at least this many near-copy training pairs across its two labels (0: off)",
                check: OptionRules.nonNegative),
        ]
    }

    public static let descriptor = CheckDescriptor(
        id: "class_confusion", title: "Class confusion",
        summary:
            "Flags class pairs with high estimated mutual label noise or many near-copies across them: an unclear boundary.",
        category: .labels, defaultSeverity: .warning, prerequisites: [.clearBoundaries],
        examples: [
            .passes(
                jsonl: """
                    {"text": "my card was charged twice for the same order last week", "label": "billing"}
                    {"text": "my parcel has not arrived yet", "label": "delivery"}
                    {"text": "please send the invoice for my last order", "label": "billing"}
                    """),
            .fails(
                jsonl: """
                    {"text": "i was charged twice for the same order last week", "label": "billing"}
                    {"text": "i was charged twice for the same order last month", "label": "refund"}
                    {"text": "please cancel the duplicate charge on my card today", "label": "billing"}
                    {"text": "please cancel the duplicate charge on my card now", "label": "refund"}
                    {"text": "the shop took my money two times for one order", "label": "billing"}
                    {"text": "the shop took my money two times for one order again", "label": "refund"}
                    {"text": "my parcel has not arrived yet", "label": "delivery"}
                    """, findings: 1),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Records that must be estimated to cross (rounded) before the estimate alone reports
    /// a pair: one stray record is a label issue, not a boundary.
    static let minCrossings = 2.0

    /// The evidence about one class pair.
    struct PairEvidence: Equatable {
        var a: Int
        var b: Int
        /// (Q[a][b] + Q[b][a]) / min(share a, share b); nil when the estimate was skipped.
        var confusion: Double?
        /// n·Q[a][b], n·Q[b][a]: records estimated to cross each way.
        var crossings: (Double, Double) = (0, 0)
        var nearPairs = 0
        static func == (l: PairEvidence, r: PairEvidence) -> Bool {
            l.a == r.a && l.b == r.b && l.confusion == r.confusion && l.nearPairs == r.nearPairs
        }
    }

    /// Estimates mutual noise per class pair, counts near-copies across labels and reports
    /// the pairs over either threshold.
    /// - Complexity: the shared classifier and near search, then O(K² + p).
    /// - Throws: `PredictionsError` when the dataset's own predictions do not fit it.
    public func run(_ input: CheckInput) throws -> CheckOutcome {
        let dataset = input.dataset
        let column = input.index.value(ChecksIndex.labels)
        guard column.hasLabelledFiles else { return .skipped("no labelled input") }
        guard dataset.hasTrain else { return .skipped("no training split") }
        let k = column.labels.count
        var evidence: [Int: PairEvidence] = [:]  // key a * k + b, a < b
        func entry(_ a: Int, _ b: Int) -> PairEvidence {
            evidence[a * k + b] ?? PairEvidence(a: a, b: b)
        }
        var metrics: [String: Double] = [:]
        var parts: [String] = []

        // Estimate part: the calibrated joint of confident learning.
        let (records, classes) = ChecksIndex.labelledTraining(in: input.index)
        var skipped = options.gate.reasonBeforeScoring(records: records, classes: classes)
        var learning: ConfidentLearning?
        if skipped == nil {
            let estimate = try ChecksIndex.noiseEstimate(options.classifier, in: input.index)
            metrics["oos_accuracy"] = estimate.oos.accuracy
            skipped = options.gate.reasonAfterScoring(estimate.oos)
            if skipped == nil {
                learning = estimate.learning
                parts.append(
                    "\(estimate.oos.source), out-of-sample accuracy "
                        + Format.percent(estimate.oos.accuracy))
            }
        }
        if let learning {
            let q = learning.joint
            let counts = learning.givenCounts
            let n = Double(learning.rows)
            var mostConfused = 0.0
            let least = ChecksIndex.minClassRecords
            for a in 0..<k where counts[a] >= least {
                for b in (a + 1)..<max(a + 1, k) where counts[b] >= least {
                    let smaller = Double(min(counts[a], counts[b])) / n
                    let confusion = (q[a][b] + q[b][a]) / smaller
                    mostConfused = max(mostConfused, confusion)
                    evidence[a * k + b] = PairEvidence(
                        a: a, b: b, confusion: confusion, crossings: (n * q[a][b], n * q[b][a]))
                }
            }
            metrics["max_confusion"] = mostConfused
        }

        // Near part: near-copy training pairs whose two records carry different labels.
        if options.minNearPairs > 0 {
            let layout = input.index.value(ChecksIndex.layout)
            let spec = NearSpec(
                .auto, Normalization.standard, shingle: .auto, threshold: NearDefaults.threshold,
                maxBucket: NearDefaults.maxBucket, dataset: dataset)
            let near = ChecksIndex.nearPairs(spec, in: input.index)
            let splits = SplitColumn(dataset, layout)
            let train = splits.splits.firstIndex(of: .train)
            var across = 0
            for pair in near.pairs
            where splits.split(of: pair.a) == train && splits.split(of: pair.b) == train {
                let (la, lb) = (Int(column.ids[Int(pair.a)]), Int(column.ids[Int(pair.b)]))
                guard la >= 0, lb >= 0, la != lb else { continue }
                var e = entry(min(la, lb), max(la, lb))
                e.nearPairs += 1
                evidence[e.a * k + e.b] = e
                across += 1
            }
            metrics["near_pairs_across_labels"] = Double(across)
        }

        let reported = evidence.values.filter { e in
            let estimated = e.crossings.0 + e.crossings.1 >= Self.minCrossings - 0.5
            return (estimated && (e.confusion ?? 0) >= options.minConfusion)
                || (options.minNearPairs > 0 && e.nearPairs >= options.minNearPairs)
        }.sorted { l, r in
            let (cl, cr) = (l.confusion ?? 0, r.confusion ?? 0)
            if cl != cr { return cl > cr }
            if l.nearPairs != r.nearPairs { return l.nearPairs > r.nearPairs }
            return (l.a, l.b) < (r.a, r.b)
        }
        metrics["pairs"] = Double(reported.count)
        let findings = reported.enumerated().map { number, e in
            finding(e, rank: number + 1, labels: column.labels)
        }

        var summary =
            reported.isEmpty
            ? "no class pair with an unclear boundary"
            : "\(Format.count(reported.count, "class pair")) with an unclear boundary"
        if let skipped {
            summary += "; noise estimate skipped: \(skipped)"
        } else {
            summary += "; " + parts.joined(separator: "; ")
        }
        return CheckOutcome(
            findings: findings, metrics: metrics, summary: summary,
            skippedReason: skipped != nil && options.minNearPairs == 0 ? skipped : nil)
    }

    /// The finding for one pair.
    func finding(_ e: PairEvidence, rank: Int, labels: [LabelValue]) -> Finding {
        let a = Format.label(labels[e.a])
        let b = Format.label(labels[e.b])
        var reasons: [String] = []
        var metrics: [String: Double] = ["rank": Double(rank), "near_pairs": Double(e.nearPairs)]
        if let confusion = e.confusion {
            metrics["confusion"] = confusion
            metrics["crossing.\(labels[e.a].text)"] = e.crossings.0
            metrics["crossing.\(labels[e.b].text)"] = e.crossings.1
            let comparison = confusion >= options.minConfusion ? "at or above" : "below"
            reasons.append(
                "an estimated \(Format.number(e.crossings.0.rounded())) records labelled \(a) "
                    + "belong to \(b) and \(Format.number(e.crossings.1.rounded())) the other way, "
                    + "\(Format.percent(confusion)) of the smaller class, \(comparison) "
                    + "'min_confusion' \(Format.percent(options.minConfusion))")
        }
        // The near part is only worth a clause when it found something or is the only evidence.
        if options.minNearPairs > 0 && (e.nearPairs > 0 || e.confusion == nil) {
            let comparison = e.nearPairs >= options.minNearPairs ? "at or above" : "below"
            reasons.append(
                "\(Format.count(e.nearPairs, "near-copy pair")) of training records carry one "
                    + "label each, \(comparison) 'min_near_pairs' \(options.minNearPairs)")
        }
        return Finding(
            checkID: Self.descriptor.id, code: "unclear_boundary", severity: .warning,
            message: "unclear boundary between \(a) and \(b): " + reasons.joined(separator: "; "),
            hint:
                "write down what separates \(a) from \(b) in the labelling guide and relabel the records that cross it, or merge the two classes",
            metrics: metrics)
    }
}

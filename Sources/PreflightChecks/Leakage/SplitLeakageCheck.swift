import PreflightCore

/// Flags held-out records whose normalized key also occurs in training, and records shared
/// between two held-out splits.
///
/// Why it matters: a held-out example the model trained on measures memorization, not
/// generalization, so validation and regression scores come out optimistic and regressions
/// hide; two held-out sets sharing records are not independent evidence.
///
/// With `near: true` (the default), a held-out record that is not an exact copy but a
/// near-copy of a training record (Jaccard similarity of the shingle sets at or above
/// `near_threshold`, as `near_duplicates` measures it) is flagged too, related to its most
/// similar training record; exact and near leaks together set the severity.
///
/// False positives: very short, formulaic inputs ('hi', 'thanks') that recur naturally in any
/// sample of real traffic; for near leaks, templated texts that differ only in the slot that
/// carries the answer.
/// - Complexity: O(n log n) in the number of records, hashing shared with exact_duplicates;
///   the near search is shared with near_duplicates when the options coincide.
public struct SplitLeakageCheck: CrossFileCheck {
    /// Key, normalization and share thresholds.
    public struct Options: CheckOptions {
        public var key = KeyField.input
        public var normalize = Normalization.standard
        public var warningShare = 0.0
        public var errorShare = 0.01
        public var near = true
        public var nearThreshold = NearDefaults.threshold
        public var shingle = ShingleOption.auto
        public var maxBucket = NearDefaults.maxBucket

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "key", \.key,
                doc:
                    "what is compared: input (default), example, or auto (input for classification/text, example for generative shapes)"
            ),
            .normalize(\.normalize),
            OptionField(
                "warning_share", \.warningShare,
                doc:
                    "leaks are warnings when a held-out split's leaked share exceeds this (0: any leak)",
                check: OptionRules.share),
            OptionField(
                "error_share", \.errorShare,
                doc: "leaks are errors when a held-out split's leaked share is at or above this",
                check: OptionRules.share),
            OptionField(
                "near", \.near,
                doc: "also flag held-out records that are near-copies of training records"),
            OptionField(
                "near_threshold", \.nearThreshold,
                doc:
                    "Jaccard similarity at or above which a held-out record is a near-copy (0 to 1)",
                check: OptionRules.similarity),
            OptionField(
                "shingle", \.shingle,
                doc: "near-copy shingles: auto (as near_duplicates), words:N or chars:N"),
            OptionField(
                "max_bucket", \.maxBucket,
                doc: "LSH buckets with more records are only partly compared",
                check: OptionRules.bucket),
        ]

        public func validate() throws(OptionsError) {
            try OptionRules.orderedShares(warning: warningShare, error: errorShare)
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "split_leakage", title: "Split leakage",
        summary:
            "Flags held-out records that also occur in training or in another held-out split, or are near-copies of training records.",
        category: .leakage, defaultSeverity: .error, prerequisites: [.heldOutSets],
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
                    {"text": "my parcel from the shop in lisbon never arrived", "label": "delivery"}
                    {"text": "reset my password", "label": "account"}
                    --- validation.jsonl
                    ↓{"text": "My parcel from the shop in Porto never arrived", "label": "delivery"}
                    {"text": "how do I change my email address", "label": "account"}
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

    /// The near search of this check and, for every held-out record with a near-copy in
    /// training, its most similar training record (ties: the earliest).
    struct NearLeaks {
        var scheme: ShingleScheme
        var best: [Int32: (Int32, Double)]
    }

    /// Reads the near search (shared with near_duplicates when key, normalization, shingle,
    /// threshold and bucket cap coincide) and keeps the pairs between training and held-out.
    func nearLeaks(_ input: CheckInput) -> NearLeaks {
        let spec = NearSpec(
            options.key, options.normalize, shingle: options.shingle,
            threshold: options.nearThreshold, maxBucket: options.maxBucket, dataset: input.dataset)
        let near = ChecksIndex.nearPairs(spec, in: input.index)
        let layout = input.index.value(ChecksIndex.layout)
        let column = SplitColumn(input.dataset, layout)
        var best: [Int32: (Int32, Double)] = [:]
        for pair in near.pairs {
            let sa = column.splits[column.split(of: pair.a)]
            let sb = column.splits[column.split(of: pair.b)]
            let (heldOut, train): (Int32, Int32)
            if sa == .train && sb.isHeldOut {
                (heldOut, train) = (pair.b, pair.a)
            } else if sb == .train && sa.isHeldOut {
                (heldOut, train) = (pair.a, pair.b)
            } else {
                continue
            }
            if let current = best[heldOut],
                current.1 > pair.similarity || (current.1 == pair.similarity && current.0 < train)
            {
                continue
            }
            best[heldOut] = (train, pair.similarity)
        }
        return NearLeaks(scheme: near.scheme, best: best)
    }

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
        var nearFindings: [Finding] = []
        // Exact leaks: candidates first, findings built only for those the report lists (a
        // held-out file that copies training is a finding per record).
        var candidates: [FindingCandidate] = []
        var details: [(first: Int32, message: String, hint: String)] = []
        var metrics: [String: Double] = [:]
        var leakedTotal = 0
        var sharedTotal = 0
        var heldOutTotal = 0
        var parts: [String] = []
        let near = options.near ? nearLeaks(input) : nil
        var nearTotal = 0
        var nearParts: [String] = []
        // Per held-out split: records, exact copies per source (train, then the earlier
        // held-out splits), near-copies of training records.
        var matrix: [(records: Int, exact: [Int], near: Int)] = []

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
                let message =
                    " also occurs in '\(source)'; '\(split)' has \(Format.count(count, "such record")) "
                    + "(\(Format.percent(share))), \(comparison) '\(key)' \(Format.percent(threshold))"
                let hint =
                    fromTrain
                    ? "remove this record from '\(split)' or its copy from training"
                    : "keep each record in one held-out split only"
                for (p, first) in hits[s] {
                    candidates.append(
                        FindingCandidate(
                            code: fromTrain ? "leaked_from_train" : "shared_between_heldout",
                            severity: severity, position: Int(p)))
                    details.append((first, message, hint))
                }
            }
            metrics["leaked_share.\(split)"] = n == 0 ? 0 : Double(hits[0].count) / Double(n)
            matrix.append((n, hits.map(\.count), 0))

            // Near leaks: held-out records with no exact copy in training but a near-copy
            // there. An exact repeat within the split takes its first occurrence's match.
            guard let near else { continue }
            let exact = Set(hits[0].map(\.0))
            var nearHits: [(Int32, Int32, Double)] = []
            for range in ranges {
                for p in range where !exact.contains(Int32(p)) {
                    let match =
                        near.best[Int32(p)]
                        ?? groups.first(of: groups.hashes[p], in: split).flatMap { near.best[$0] }
                    if let (train, similarity) = match {
                        nearHits.append((Int32(p), train, similarity))
                    }
                }
            }
            metrics["near_leaked.\(split).train"] = Double(nearHits.count)
            matrix[h].near = nearHits.count
            metrics["near_leaked_share.\(split)"] = n == 0 ? 0 : Double(nearHits.count) / Double(n)
            guard !nearHits.isEmpty else { continue }
            nearTotal += nearHits.count
            nearParts.append("\(split) \(nearHits.count)")
            let combined = hits[0].count + nearHits.count
            let share = n == 0 ? 0 : Double(combined) / Double(n)
            let severity: Severity =
                share >= options.errorShare
                ? .error : share > options.warningShare ? .warning : .info
            let (key, threshold) =
                severity == .error
                ? ("error_share", options.errorShare) : ("warning_share", options.warningShare)
            let comparison =
                severity == .info ? "not above" : severity == .error ? "at or above" : "above"
            for (p, train, similarity) in nearHits {
                nearFindings.append(
                    Finding(
                        checkID: id, code: "near_leak_from_train", severity: severity,
                        message:
                            "near-copy of a training record: Jaccard \(Format.similarity(similarity)) at or "
                            + "above 'near_threshold' \(Format.similarity(options.nearThreshold)) "
                            + "(\(near.scheme) shingles); '\(split)' has \(Format.count(combined, "record")) "
                            + "leaked from training (\(hits[0].count) exact, \(nearHits.count) near; "
                            + "\(Format.percent(share))), \(comparison) '\(key)' \(Format.percent(threshold))",
                        hint:
                            "remove this record from '\(split)' or its near-copy from training",
                        location: dataset.location(at: p, layout),
                        related: [dataset.location(at: train, layout)],
                        metrics: ["similarity": similarity]))
            }
        }
        let (listed, summaries) = FindingLimit.plan(
            candidates, limit: input.findingLimit, checkID: id, dataset: dataset, layout: layout)
        var findings: [Finding] = []
        for i in listed {
            let (candidate, detail) = (candidates[i], details[i])
            let field = spec.fields[layout.file(of: candidate.position)].rawValue
            findings.append(
                Finding(
                    checkID: id, code: candidate.code, severity: candidate.severity,
                    message: field + detail.message, hint: detail.hint,
                    location: dataset.location(of: layout.ref(candidate.position)),
                    related: [dataset.location(at: detail.first, layout)]))
        }
        findings += summaries + nearFindings
        metrics["leaked_records"] = Double(leakedTotal)
        metrics["shared_records"] = Double(sharedTotal)
        metrics["leaked_share"] = heldOutTotal == 0 ? 0 : Double(leakedTotal) / Double(heldOutTotal)
        var summary =
            parts.isEmpty
            ? "no held-out record occurs in training or another held-out split"
            : "\(Format.count(leakedTotal, "held-out record")) leaked from training, \(sharedTotal) shared "
                + "between held-out splits (\(parts.joined(separator: ", ")))"
        if near != nil {
            metrics["near_leaked_records"] = Double(nearTotal)
            summary +=
                nearTotal == 0
                ? "; no near-copies of training records"
                : "; \(NearDuplicatesCheck.copies(nearTotal, "near-copy")) of training records "
                    + "(\(nearParts.joined(separator: ", ")))"
        }
        return CheckOutcome(
            findings: findings, metrics: metrics, summary: summary,
            tables: [Self.leakageMatrix(heldOut, matrix, near: near != nil)])
    }

    /// The leak counts as a matrix: one row per held-out split, its records, its exact
    /// copies of training records, its near-copies of them (with `near`), and its exact
    /// copies of records of each earlier held-out split (later ones and itself are empty:
    /// a record shared by two held-out splits counts in the later one).
    static func leakageMatrix(
        _ heldOut: [SplitRole], _ matrix: [(records: Int, exact: [Int], near: Int)], near: Bool
    ) -> ReportTable {
        let columns =
            ["held-out split", "records", "train (exact)"] + (near ? ["train (near)"] : [])
            + heldOut.map(\.rawValue)
        let rows: [[ReportCell]] = zip(heldOut, matrix).enumerated().map { h, pair in
            let (split, row) = pair
            var cells: [ReportCell] = [.text(split.rawValue), .count(row.records)]
            cells.append(.count(row.exact.first ?? 0))
            if near { cells.append(.count(row.near)) }
            for other in heldOut.indices {
                cells.append(other < h ? .count(row.exact[other + 1]) : .empty)
            }
            return cells
        }
        return ReportTable(
            id: "leakage_matrix", title: "Held-out records that also occur elsewhere (records)",
            columns: columns, rows: rows,
            note: "a record shared by two held-out splits counts in the later one; near-copies "
                + "exclude exact copies")
    }
}

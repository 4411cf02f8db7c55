import Foundation
import PreflightCore

/// Flags records that are near-copies of other records of the same split: a word changed,
/// inserted, deleted or swapped, a typo fixed, a date replaced.
///
/// Texts are normalized (as for `exact_duplicates`; leading system messages of chat records
/// are left out, see `Record.similarityText`), cut into shingles (`shingle: auto` picks
/// word sets for short texts and word 3-grams for long ones, see `ShingleOption`) and every
/// pair whose exact Jaccard similarity is at or above `threshold` is a near pair (found by
/// MinHash LSH, verified exactly). Near pairs of a split form clusters (connected
/// components); the earliest record of a cluster is its representative and every other
/// member gets one finding, related to the record it matched best and to the representative.
///
/// Why it matters: near-copies over-weight a few examples just like exact duplicates, but
/// hashing misses them; templated generation produces them by the hundred.
///
/// False positives: short, formulaic texts that differ in the one word that matters
/// ('cancel my card' / 'block my card' at a low threshold), and templates whose slots carry
/// the signal; raise `threshold` or use `shingle: chars:5` for such data. Records that are
/// exact duplicates of an earlier record are left to `exact_duplicates`.
/// - Complexity: near-linear in the total text size (search shared through the index), plus
///   O(p α(n)) for the clusters of p verified pairs.
public struct NearDuplicatesCheck: ExplainableCheck {
    /// Key, normalization, similarity threshold, shingles, bucket cap and share thresholds.
    public struct Options: CheckOptions {
        public var key = KeyField.auto
        public var normalize = Normalization.standard
        public var threshold = NearDefaults.threshold
        public var shingle = ShingleOption.auto
        public var maxBucket = NearDefaults.maxBucket
        public var warningShare = 0.0
        public var errorShare = 0.1

        public init() {}

        public static let fields: [OptionField<Options>] = [
            .key(\.key),
            .normalize(\.normalize),
            OptionField(
                "threshold", \.threshold,
                doc:
                    "Jaccard similarity of the shingle sets at or above which two records are near-copies (0 to 1)",
                check: OptionRules.similarity),
            OptionField(
                "shingle", \.shingle,
                doc:
                    "auto (word sets under 40 words median, else word 3-grams), words:N or chars:N",
            ),
            OptionField(
                "max_bucket", \.maxBucket,
                doc:
                    "LSH buckets with more records are only partly compared (templated data stays near-linear)",
                check: OptionRules.bucket),
            OptionField(
                "warning_share", \.warningShare,
                doc:
                    "near-copies are warnings when a split's removable share exceeds this (0: any near-copy)",
                check: OptionRules.share),
            OptionField(
                "error_share", \.errorShare,
                doc:
                    "near-copies are errors when a split's removable share (records in clusters minus one per cluster) is at or above this",
                check: OptionRules.share),
        ]

        public func validate() throws(OptionsError) {
            try OptionRules.orderedShares(warning: warningShare, error: errorShare)
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "near_duplicates", title: "Near duplicates",
        summary:
            "Flags records that are near-copies (Jaccard similarity at or above a threshold) of other records of the same split.",
        category: .duplicates, defaultSeverity: .error, prerequisites: [.enoughExamples],
        examples: [
            .passes(
                jsonl: """
                    {"text": "cancel my card", "label": "cancel"}
                    {"text": "cancel my order", "label": "cancel"}
                    {"text": "where is my parcel", "label": "delivery"}
                    """),
            .passes(
                jsonl: """
                    --- train.jsonl
                    {"text": "my router keeps dropping the wifi connection at night", "label": "tech"}
                    --- test.jsonl
                    {"text": "my router keeps dropping the wifi connection every night", "label": "tech"}
                    """),
            .fails(
                jsonl: """
                    {"text": "my router keeps dropping the wifi connection at night", "label": "tech"}
                    {"text": "where is my parcel", "label": "delivery"}
                    ↓{"text": "My router keeps dropping the wi-fi connection at night", "label": "tech"}
                    ↓{"text": "my router keeps dropping the wifi connection every  night", "label": "tech"}
                    """),
            .fails(
                jsonl: """
                    {"text": "please send the invoice for my last order to my office address", "label": "billing"}
                    ↓{"text": "please send the invoice for my last order to my new office address", "label": "billing"}
                    ↓{"text": "send the invoice for my last order to my office address please", "label": "billing"}
                    """,
                options: "threshold: 0.9"),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// The near search this check reads.
    func spec(_ dataset: Dataset) -> NearSpec {
        NearSpec(
            options.key, options.normalize, shingle: options.shingle,
            threshold: options.threshold, maxBucket: options.maxBucket, dataset: dataset)
    }

    /// Clusters each split's near pairs and reports every member but the representative.
    /// - Complexity: the shared near search, then O(p α(n) + c log c) for p pairs, c clusters.
    public func run(_ input: CheckInput) -> CheckOutcome {
        let spec = spec(input.dataset)
        let near = ChecksIndex.nearPairs(spec, in: input.index)
        return outcome(near, spec: spec, input: input)
    }

    /// `1 near-copy`, `3 near-copies`.
    static func copies(_ n: Int, _ noun: String) -> String {
        "\(n) \(n == 1 ? noun : String(noun.dropLast()) + "ies")"
    }

    // MARK: - Clusters

    /// One cluster of near-copies within a split.
    struct Cluster: Equatable {
        /// Ascending positions; the first is the representative.
        var members: [Int32]
        var representative: Int32 { members[0] }
    }

    /// The clusters of each split (indexed like `dataset.splits`), ordered by size (largest
    /// first) then representative position; only pairs whose records share a split count.
    static func clusters(_ pairs: [NearPair], splits: SplitColumn, count: Int) -> [[Cluster]] {
        var sets = UnionFind(count: count)
        var touched: [Int32] = []
        for pair in pairs where splits.split(of: pair.a) == splits.split(of: pair.b) {
            sets.union(pair.a, pair.b)
            touched.append(pair.a)
            touched.append(pair.b)
        }
        touched.sort()
        var byRoot: [Int32: [Int32]] = [:]
        var previous: Int32 = -1
        for p in touched where p != previous {
            previous = p
            byRoot[sets.find(p), default: []].append(p)
        }
        var out = [[Cluster]](repeating: [], count: splits.splits.count)
        for members in byRoot.values {
            out[splits.split(of: members[0])].append(Cluster(members: members))
        }
        for s in out.indices {
            out[s].sort {
                $0.members.count != $1.members.count
                    ? $0.members.count > $1.members.count
                    : $0.representative < $1.representative
            }
        }
        return out
    }

    /// For every position in a same-split pair, the neighbour it matched best: an earlier
    /// one when there is any (highest similarity, ties: earliest), else a later one.
    static func bestMatches(_ pairs: [NearPair], splits: SplitColumn) -> [Int32: (Int32, Double)] {
        var earlier: [Int32: (Int32, Double)] = [:]
        var later: [Int32: (Int32, Double)] = [:]
        func better(_ current: (Int32, Double)?, _ candidate: (Int32, Double)) -> Bool {
            guard let current else { return true }
            return candidate.1 > current.1 || (candidate.1 == current.1 && candidate.0 < current.0)
        }
        for pair in pairs where splits.split(of: pair.a) == splits.split(of: pair.b) {
            if better(earlier[pair.b], (pair.a, pair.similarity)) {
                earlier[pair.b] = (pair.a, pair.similarity)
            }
            if better(later[pair.a], (pair.b, pair.similarity)) {
                later[pair.a] = (pair.b, pair.similarity)
            }
        }
        return later.merging(earlier) { _, e in e }
    }

    // MARK: - Outcome

    /// Findings, metrics and summary from a finished search (separate from `run` so tests can
    /// feed a search result with capped buckets).
    func outcome(_ near: NearPairs, spec: NearSpec, input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let id = Self.descriptor.id
        let layout = input.index.value(ChecksIndex.layout)
        let splitColumn = SplitColumn(dataset, layout)
        let clusters = Self.clusters(near.pairs, splits: splitColumn, count: layout.count)
        let best = Self.bestMatches(near.pairs, splits: splitColumn)
        let scheme = "\(near.scheme) shingles"
        // Candidates first, findings built only for those the report lists (templated data
        // makes nearly every record a near-copy).
        var candidates: [FindingCandidate] = []
        var details:
            [(
                match: Int32, similarity: Double, number: Int, representative: Int32, size: Int,
                split: SplitRole, shareText: String
            )] = []
        var metrics: [String: Double] = [:]
        var totals = (clusters: 0, records: 0, removable: 0, largest: 0)
        var parts: [String] = []

        for (s, split) in splitColumn.splits.enumerated() {
            let n = dataset.recordCount(in: split)
            let splitClusters = clusters[s]
            let records = splitClusters.reduce(0) { $0 + $1.members.count }
            let removable = records - splitClusters.count
            let largest = splitClusters.first?.members.count ?? 0
            let removableShare = n == 0 ? 0 : Double(removable) / Double(n)
            metrics["near_clusters.\(split)"] = Double(splitClusters.count)
            metrics["near_records.\(split)"] = Double(records)
            metrics["near_share.\(split)"] = n == 0 ? 0 : Double(records) / Double(n)
            metrics["near_removable.\(split)"] = Double(removable)
            metrics["largest_cluster.\(split)"] = Double(largest)
            totals.clusters += splitClusters.count
            totals.records += records
            totals.removable += removable
            totals.largest = max(totals.largest, largest)
            if removable > 0 { parts.append("\(split) \(removable)") }

            let severity: Severity =
                removableShare >= options.errorShare
                ? .error : removableShare > options.warningShare ? .warning : .info
            let (key, limit) =
                severity == .error
                ? ("error_share", options.errorShare) : ("warning_share", options.warningShare)
            let comparison =
                severity == .info ? "not above" : severity == .error ? "at or above" : "above"
            let shareText =
                "'\(split)' has \(Self.copies(removable, "removable near-copy"))"
                + " (\(Format.percent(removableShare))), \(comparison) '\(key)' \(Format.percent(limit))"
            for (number, cluster) in splitClusters.enumerated() {
                for member in cluster.members.dropFirst() {
                    guard let (match, similarity) = best[member] else { continue }
                    candidates.append(
                        FindingCandidate(
                            code: "near_duplicate", severity: severity, position: Int(member)))
                    details.append(
                        (
                            match, similarity, number, cluster.representative,
                            cluster.members.count, split, shareText
                        ))
                }
            }
        }
        let (listed, summaries) = FindingLimit.plan(
            candidates, limit: input.findingLimit, checkID: id, dataset: dataset, layout: layout)
        var findings = summaries
        for i in listed {
            let (member, d) = (Int32(candidates[i].position), details[i])
            var related = [dataset.location(at: d.match, layout)]
            if d.match != d.representative {
                related.append(dataset.location(at: d.representative, layout))
            }
            let direction = d.match < member ? "an earlier" : "a later"
            findings.append(
                Finding(
                    checkID: id, code: "near_duplicate", severity: candidates[i].severity,
                    message:
                        "near-copy of \(direction) record: Jaccard \(Format.similarity(d.similarity)) "
                        + "at or above 'threshold' \(Format.similarity(options.threshold)) "
                        + "(\(scheme)); cluster \(d.number + 1) in '\(d.split)' has "
                        + "\(Format.count(d.size, "record")); \(d.shareText)",
                    hint: "keep one record of the cluster and remove or rewrite this near-copy",
                    location: dataset.location(at: member, layout), related: related,
                    metrics: [
                        "similarity": d.similarity, "cluster": Double(d.number + 1),
                        "cluster_size": Double(d.size),
                    ]))
        }

        if near.cappedBuckets > 0 {
            findings.append(
                Finding(
                    checkID: id, code: "capped_buckets", severity: .info,
                    message:
                        "\(Format.count(near.cappedBuckets, "LSH bucket")) had more than 'max_bucket' "
                        + "\(options.maxBucket) records (templated texts?); pairs inside them were only "
                        + "partly compared, so near-copies among them may be missing",
                    hint:
                        "look for templated or boilerplate texts, or raise 'max_bucket' to compare more pairs",
                    metrics: [
                        "capped_buckets": Double(near.cappedBuckets),
                        "largest_bucket": Double(near.largestBucket),
                    ]))
        }

        let total = layout.count
        metrics["near_clusters"] = Double(totals.clusters)
        metrics["near_records"] = Double(totals.records)
        metrics["near_share"] = total == 0 ? 0 : Double(totals.records) / Double(total)
        metrics["near_removable"] = Double(totals.removable)
        metrics["largest_cluster"] = Double(totals.largest)
        metrics["threshold"] = near.threshold
        metrics["bands"] = Double(near.bands)
        metrics["rows"] = Double(near.rows)
        metrics["candidates"] = Double(near.candidates)
        metrics["capped_buckets"] = Double(near.cappedBuckets)
        metrics["median_words"] = Double(near.medianWords)
        let found =
            totals.removable == 0
            ? "no near-copies"
            : "\(Self.copies(totals.removable, "near-copy")) in "
                + "\(Format.count(totals.clusters, "cluster")), the largest of "
                + "\(Format.count(totals.largest, "record")) (\(parts.joined(separator: ", ")))"
        return CheckOutcome(
            findings: findings, metrics: metrics, summary: "\(found); \(near.schemeText)")
    }
}

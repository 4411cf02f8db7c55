import PreflightCore

/// Parameters of a near-duplicate search; equal specs share one computation per audit.
struct NearSpec: Sendable, Hashable {
    /// Which text of each record and how it is normalized (as for exact duplicates).
    var key: KeySpec
    var shingle: ShingleOption
    /// Jaccard similarity at or above which two records are near-copies.
    var threshold: Double
    /// LSH buckets with more records than this are not expanded into all their pairs (see
    /// `NearPairs.cappedBuckets`), so templated data cannot make the search quadratic.
    var maxBucket: Int

    /// The index key name: every field of the spec.
    var name: String { "checks.near.\(key.name)/\(shingle)/\(threshold)/\(maxBucket)" }
}

/// One verified pair of near-copies: positions in `DatasetLayout` order, `a < b`.
struct NearPair: Sendable, Hashable {
    var a: Int32
    var b: Int32
    /// Exact Jaccard similarity of the two shingle sets.
    var similarity: Double
}

/// The result of a near-duplicate search over the whole dataset (every split at once).
///
/// Records whose normalized keys are identical are exact duplicates, not near-copies: within
/// a split only the first record of an exact group takes part, and pairs of records with
/// identical keys (across splits) are never reported here (`exact_duplicates` and
/// `split_leakage` report them).
struct NearPairs: Sendable {
    var scheme: ShingleScheme
    /// Median word count of the keyed texts (what `auto` decided on).
    var medianWords: Int
    var threshold: Double
    /// LSH bands and rows per band (bands × rows ≤ the number of hash values per signature).
    var bands: Int
    var rows: Int
    /// Verified pairs with similarity ≥ threshold, sorted by (a, b).
    var pairs: [NearPair]
    /// Every verified candidate pair (above and below the threshold) counted in 20 bins of
    /// similarity: bin i holds [i/20, (i+1)/20), the last bin includes 1.0.
    var histogram: [Int]
    /// Up to 10 verified pairs just below the threshold (highest similarity first).
    var samplesBelow: [NearPair]
    /// Up to 10 verified pairs at or just above the threshold (lowest similarity first).
    var samplesAbove: [NearPair]
    /// Candidate pairs verified.
    var candidates: Int
    /// LSH buckets larger than `maxBucket`, whose pairs were only partly expanded.
    var cappedBuckets: Int
    /// Records in the largest LSH bucket.
    var largestBucket: Int
}

extension ChecksIndex {
    /// Near-duplicate pairs of the whole dataset under `spec`, computed once per audit.
    /// - Complexity: near-linear in the total text size (MinHash signatures, LSH banding,
    ///   verification of candidate pairs); bounded by `maxBucket` on templated data.
    static func nearPairs(_ spec: NearSpec, in index: DatasetIndex) -> NearPairs {
        index.value(
            IndexKey(spec.name) { _ in
                NearDuplicateSearch(spec: spec, index: index).run()
            })
    }
}

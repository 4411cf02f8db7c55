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

/// Finds near-duplicate pairs.
///
/// REFERENCE BODY: exact all-pairs Jaccard, quadratic. It defines the results the MinHash/LSH
/// implementation must reproduce (recall ≥ 0.99, precision 1.0) and is only fit for small
/// inputs; it is being replaced.
struct NearDuplicateSearch {
    let spec: NearSpec
    let index: DatasetIndex

    func run() -> NearPairs {
        let dataset = index.dataset
        let layout = index.value(ChecksIndex.layout)
        let hashes = ChecksIndex.keyHashes(spec.key, in: index)
        var texts: [String] = []
        texts.reserveCapacity(layout.count)
        for (f, file) in dataset.files.enumerated() {
            for record in file.records {
                let raw = spec.key.fields[f] == .input ? record.input : record.example
                texts.append(spec.key.normalizer.normalize(raw))
            }
        }
        let words = texts.map { $0.split(separator: " ").count }.sorted()
        let median = words.isEmpty ? 0 : words[words.count / 2]
        let scheme = spec.shingle.resolved(medianWords: median)
        let sets = texts.map { Shingler(scheme).shingles(of: $0) }

        // Within a split, only the first record of an exact group takes part.
        var participates = [Bool](repeating: true, count: layout.count)
        for split in dataset.splits {
            var seen = Set<UInt64>()
            for range in layout.ranges(of: split, in: dataset) {
                for p in range where !seen.insert(hashes[p]).inserted { participates[p] = false }
            }
        }
        var pairs: [NearPair] = []
        var histogram = [Int](repeating: 0, count: 20)
        var below: [NearPair] = []
        var candidates = 0
        for a in 0..<layout.count where participates[a] && !sets[a].isEmpty {
            for b in (a + 1)..<max(a + 1, layout.count)
            where participates[b] && !sets[b].isEmpty && hashes[a] != hashes[b] {
                let j = Shingler.jaccard(sets[a], sets[b])
                guard j > 0 else { continue }
                candidates += 1
                histogram[min(19, Int(j * 20))] += 1
                let pair = NearPair(a: Int32(a), b: Int32(b), similarity: j)
                if j >= spec.threshold { pairs.append(pair) } else { below.append(pair) }
            }
        }
        below.sort { ($0.similarity, $1.a, $1.b) > ($1.similarity, $0.a, $0.b) }
        let above = pairs.sorted { ($0.similarity, $0.a, $0.b) < ($1.similarity, $1.a, $1.b) }
        return NearPairs(
            scheme: scheme, medianWords: median, threshold: spec.threshold, bands: 1, rows: 1,
            pairs: pairs, histogram: histogram, samplesBelow: Array(below.prefix(10)),
            samplesAbove: Array(above.prefix(10)), candidates: candidates, cappedBuckets: 0,
            largestBucket: 0)
    }
}

/// Cuts normalized text into shingle hashes (XXH64 of each shingle's UTF-8 bytes).
struct Shingler: Sendable {
    let scheme: ShingleScheme
    init(_ scheme: ShingleScheme) { self.scheme = scheme }

    /// The sorted, distinct shingle hashes of an already normalized text.
    func shingles(of normalized: String) -> [UInt64] {
        var out: [UInt64] = []
        switch scheme {
        case .words(let n):
            let tokens = normalized.split(separator: " ", omittingEmptySubsequences: true)
            if tokens.isEmpty { return [] }
            if tokens.count < n {
                out.append(XXH64.hash(Array(tokens.joined(separator: " ").utf8)))
            } else {
                for i in 0...(tokens.count - n) {
                    out.append(XXH64.hash(Array(tokens[i..<(i + n)].joined(separator: " ").utf8)))
                }
            }
        case .chars(let n):
            let scalars = Array(normalized.unicodeScalars)
            if scalars.isEmpty { return [] }
            if scalars.count < n {
                out.append(XXH64.hash(Array(normalized.utf8)))
            } else {
                for i in 0...(scalars.count - n) {
                    var s = String.UnicodeScalarView()
                    s.append(contentsOf: scalars[i..<(i + n)])
                    out.append(XXH64.hash(Array(String(s).utf8)))
                }
            }
        }
        out.sort()
        var unique: [UInt64] = []
        unique.reserveCapacity(out.count)
        for h in out where unique.last != h { unique.append(h) }
        return unique
    }

    /// Exact Jaccard similarity of two sorted, distinct hash sets.
    static func jaccard(_ a: [UInt64], _ b: [UInt64]) -> Double {
        if a.isEmpty || b.isEmpty { return 0 }
        var i = 0
        var j = 0
        var common = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                common += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(common) / Double(a.count + b.count - common)
    }
}

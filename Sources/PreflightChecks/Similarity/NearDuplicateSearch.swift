import Dispatch
import PreflightCore

/// Finds near-duplicate pairs of a dataset: MinHash + LSH candidates, verified exactly.
///
/// Pipeline (every stage parallel over chunks or bands, merged in order, so the result is
/// deterministic):
/// 1. **Participation.** Within a split only the first record of an exact group takes part;
///    records without shingles take no part; pairs with identical key hashes are skipped.
/// 2. **Normalize + shingle** each record's text without leading system messages
///    (`Record.similarityText`) once (`Shingler`, byte-level, no per-shingle `String`),
///    counting words for the median (which `auto` resolves the scheme from).
/// 3. **Signatures**: K = `MinHash.k` values by one-permutation hashing with optimal
///    densification (Li, Owen & Zhang, NIPS 2012; Shrivastava, ICML 2017; see `MinHash`).
///    Signatures are not kept: only one 32-bit hash per LSH band (21 × 4 bytes per record at
///    t = 0.8, ~84 MB per million records).
/// 4. **LSH banding** (`LSH.choose`, `LSH.candidates`): bands × rows chosen so a pair at the
///    threshold is found with probability ≥ 0.99; buckets over `maxBucket` are capped.
/// 5. **Verification**: the shingle sets of the records that appear in a candidate pair are
///    recomputed (sorted, distinct) and every candidate gets its exact Jaccard similarity, so
///    precision is 1 and similarities equal the all-pairs definition.
///
/// Results match the exact all-pairs search except for pairs ≥ threshold that share no band
/// (probability ≤ 1 % at the threshold, falling fast above it, e.g. 0.17 % at 0.8 and
/// < 10⁻⁵ at 0.9 for t = 0.8) and for pairs in capped buckets. `histogram`, `candidates` and
/// `samplesBelow` cover verified candidates, which include nearly all pairs close to the
/// threshold but not the many low-similarity pairs an all-pairs search would see.
/// - Complexity: O(total text bytes + n·K + candidate pairs) time, O(n·bands) memory.
struct NearDuplicateSearch {
    let spec: NearSpec
    let index: DatasetIndex
    /// The MinHash seed (fixed: same input, same result).
    var seed: UInt64 = MinHash.defaultSeed
    /// Records sampled to guess the `auto` scheme before the exact median is known.
    var medianSample = 1001

    /// Records per parallel work item.
    private static let chunk = 4096

    func run() -> NearPairs {
        let dataset = index.dataset
        let layout = index.value(ChecksIndex.layout)
        let keys = ChecksIndex.keyHashes(spec.key, in: index)
        let n = layout.count
        let participates = participation(dataset: dataset, layout: layout, keys: keys)
        let (bands, rows) = LSH.choose(threshold: spec.threshold)
        let texts = KeyTexts(dataset: dataset, layout: layout, key: spec.key)

        // Words (all records) and band hashes (participating records) in one pass. `auto`
        // depends on the median word count, known only after the pass: the pass uses the
        // scheme a deterministic sample of records points to, and is repeated (signatures
        // only) in the rare case the exact median resolves differently.
        var words = [Int32](repeating: 0, count: n)
        var bandHashes = [UInt32](repeating: 0, count: bands * n)
        var signed = [Bool](repeating: false, count: n)
        let guess = spec.shingle.resolved(medianWords: sampleMedian(texts, n: n))
        scan(
            texts, n: n, words: &words, scheme: guess, participates: participates,
            bands: bands, rows: rows, bandHashes: &bandHashes, signed: &signed)
        let scheme = spec.shingle.resolved(medianWords: Self.median(words))
        if scheme != guess {
            signed = [Bool](repeating: false, count: n)
            var none: [Int32] = []
            scan(
                texts, n: n, words: &none, scheme: scheme, participates: participates,
                bands: bands, rows: rows, bandHashes: &bandHashes, signed: &signed)
        }
        let median = Self.median(words)
        words = []

        var active: [Int32] = []
        active.reserveCapacity(n)
        for p in 0..<n where signed[p] { active.append(Int32(p)) }
        signed = []
        let found = LSH.candidates(
            bandHashes: bandHashes, bands: bands, count: n, active: active, keys: keys,
            maxBucket: spec.maxBucket)
        bandHashes = []
        active = []

        let verified = verify(found.pairs, texts: texts, n: n, scheme: scheme)
        return NearPairs(
            scheme: scheme, medianWords: median, threshold: spec.threshold, bands: bands,
            rows: rows, pairs: verified.pairs, histogram: verified.histogram,
            samplesBelow: verified.below, samplesAbove: verified.above,
            candidates: verified.candidates, cappedBuckets: found.cappedBuckets,
            largestBucket: found.largestBucket)
    }

    // MARK: - Participation

    /// Within a split, only the first record of an exact group takes part: the first of each
    /// run of equal key hashes in the split's (hash, position) order, shared with
    /// exact_duplicates (`ChecksIndex.groups`).
    private func participation(dataset: Dataset, layout: DatasetLayout, keys: [UInt64]) -> [Bool] {
        var participates = [Bool](repeating: true, count: layout.count)
        let groups = ChecksIndex.groups(spec.key, in: index)
        for split in dataset.splits {
            guard let sorted = groups.sorted[split] else { continue }
            for i in sorted.indices.dropFirst()
            where keys[Int(sorted[i])] == keys[Int(sorted[i - 1])] {
                participates[Int(sorted[i])] = false
            }
        }
        return participates
    }

    /// The median word count of up to `medianSample` evenly spaced records: a guess.
    private func sampleMedian(_ texts: KeyTexts, n: Int) -> Int {
        guard n > 0 else { return 0 }
        let samples = max(1, min(n, medianSample))
        var bytes: [UInt8] = []
        var scratch = ShingleScratch()
        var counts: [Int32] = []
        for i in 0..<samples {
            spec.key.normalizer.normalize(texts.text(i * n / samples), into: &bytes)
            counts.append(
                Int32(bytes.withUnsafeBufferPointer { Shingler.countWords($0, scratch: &scratch) }))
        }
        return Self.median(counts)
    }

    private static func median(_ words: [Int32]) -> Int {
        if words.isEmpty { return 0 }
        var sorted = words
        sorted.sort()
        return Int(sorted[sorted.count / 2])
    }

    // MARK: - Signatures

    /// One parallel pass over every record: word counts into `words` (when not empty) and,
    /// with a scheme, the band hashes of participating records with at least one shingle.
    private func scan(
        _ texts: KeyTexts, n: Int, words: inout [Int32], scheme: ShingleScheme?,
        participates: [Bool], bands: Int, rows: Int, bandHashes: inout [UInt32],
        signed: inout [Bool]
    ) {
        guard n > 0 else { return }
        let countWords = !words.isEmpty
        let minHash = MinHash(seed: seed)
        let shingler = scheme.map { Shingler($0) }
        let normalizer = spec.key.normalizer
        let chunk = Self.chunk
        words.withUnsafeMutableBufferPointer { wordsBuffer in
            bandHashes.withUnsafeMutableBufferPointer { bandBuffer in
                signed.withUnsafeMutableBufferPointer { signedBuffer in
                    // An empty array may still have a base address: only use it when counting.
                    let wordsOut = countWords ? SendableBuffer(base: wordsBuffer.baseAddress!) : nil
                    let bandOut = SendableBuffer(base: bandBuffer.baseAddress!)
                    let signedOut = SendableBuffer(base: signedBuffer.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
                        var bytes: [UInt8] = []
                        bytes.reserveCapacity(1024)
                        var shingleScratch = ShingleScratch()
                        var minHashScratch = MinHashScratch()
                        var hashes: [UInt64] = []
                        var signature = [UInt64](repeating: 0, count: MinHash.k)
                        texts.forEach(in: (c * chunk)..<min(n, (c + 1) * chunk)) { p, text in
                            let sign = shingler != nil && participates[p]
                            if !countWords && !sign { return }
                            normalizer.normalize(text, into: &bytes)
                            bytes.withUnsafeBufferPointer { b in
                                guard sign, let shingler else {
                                    wordsOut?.base[p] = Int32(
                                        Shingler.countWords(b, scratch: &shingleScratch))
                                    return
                                }
                                hashes.removeAll(keepingCapacity: true)
                                shingler.appendHashes(
                                    of: b, into: &hashes, scratch: &shingleScratch)
                                if let wordsOut {
                                    if case .words = shingler.scheme {
                                        wordsOut.base[p] = Int32(shingleScratch.tokenEnds.count)
                                    } else {
                                        wordsOut.base[p] = Int32(
                                            Shingler.countWords(b, scratch: &shingleScratch))
                                    }
                                }
                                signature.withUnsafeMutableBufferPointer { sig in
                                    let ok = hashes.withUnsafeBufferPointer {
                                        minHash.signature(
                                            of: $0, into: sig, scratch: &minHashScratch)
                                    }
                                    guard ok else { return }
                                    for band in 0..<bands {
                                        bandOut.base[band * n + p] = LSH.bandHash(
                                            sig, band: band, rows: rows)
                                    }
                                    signedOut.base[p] = true
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: - Verification

    private struct Verified {
        var pairs: [NearPair] = []
        var histogram = [Int](repeating: 0, count: 20)
        var below: [NearPair] = []
        var above: [NearPair] = []
        var candidates = 0
    }

    /// Sorted, distinct shingle hashes of a run of records, flat.
    private struct ShingleSets {
        var flat: [UInt64] = []
        /// `starts[i] ..< starts[i + 1]` is record i's set.
        var starts: [Int] = [0]
    }

    /// Highest similarity first, then (a, b): the order of `samplesBelow`.
    private static func belowOrder(_ x: NearPair, _ y: NearPair) -> Bool {
        (x.similarity, y.a, y.b) > (y.similarity, x.a, x.b)
    }

    /// Lowest similarity first, then (a, b): the order of `samplesAbove`.
    private static func aboveOrder(_ x: NearPair, _ y: NearPair) -> Bool {
        (x.similarity, x.a, x.b) < (y.similarity, y.a, y.b)
    }

    /// Keeps the first `count` of `pairs` in `order`.
    private static func keepFirst(
        _ pairs: inout [NearPair], _ count: Int, by order: (NearPair, NearPair) -> Bool
    ) {
        pairs.sort(by: order)
        if pairs.count > count { pairs.removeLast(pairs.count - count) }
    }

    /// Exact Jaccard similarity of every candidate pair (packed `a << 32 | b`, ascending).
    /// - Complexity: O(shingling of the records involved + Σ set sizes over pairs), parallel.
    private func verify(_ candidates: [UInt64], texts: KeyTexts, n: Int, scheme: ShingleScheme)
        -> Verified
    {
        guard !candidates.isEmpty else { return Verified() }
        // Records involved, ascending, and their slot.
        var slot = [Int32](repeating: -1, count: n)
        for pair in candidates {
            slot[Int(pair >> 32)] = 0
            slot[Int(pair & 0xFFFF_FFFF)] = 0
        }
        var positions: [Int32] = []
        for p in 0..<n where slot[p] == 0 {
            slot[p] = Int32(positions.count)
            positions.append(Int32(p))
        }
        let involved = positions
        let slots = slot
        slot = []

        // Their shingle sets, in chunks of `chunk` slots.
        let chunk = Self.chunk
        let setChunks = (involved.count + chunk - 1) / chunk
        var sets = [ShingleSets](repeating: ShingleSets(), count: setChunks)
        let normalizer = spec.key.normalizer
        let shingler = Shingler(scheme)
        sets.withUnsafeMutableBufferPointer { setsBuffer in
            let out = SendableBuffer(base: setsBuffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: setChunks) { c in
                var local = ShingleSets()
                var bytes: [UInt8] = []
                var scratch = ShingleScratch()
                var hashes: [UInt64] = []
                for s in (c * chunk)..<min(involved.count, (c + 1) * chunk) {
                    normalizer.normalize(texts.text(Int(involved[s])), into: &bytes)
                    hashes.removeAll(keepingCapacity: true)
                    bytes.withUnsafeBufferPointer {
                        shingler.appendHashes(of: $0, into: &hashes, scratch: &scratch)
                    }
                    Shingler.sortUnique(&hashes)
                    local.flat.append(contentsOf: hashes)
                    local.starts.append(local.flat.count)
                }
                out.base[c] = local
            }
        }

        // One flat array of every set and one array of starts, so that the pair loop reads
        // through plain pointers (no reference counting of per-chunk arrays per pair).
        var allSets: [UInt64] = []
        allSets.reserveCapacity(sets.reduce(0) { $0 + $1.flat.count })
        var allStarts: [Int] = [0]
        allStarts.reserveCapacity(involved.count + 1)
        for c in sets.indices {
            let base = allSets.count
            allSets.append(contentsOf: sets[c].flat)
            for e in sets[c].starts.dropFirst() { allStarts.append(base + e) }
            sets[c] = ShingleSets()
        }
        sets = []
        let flatSets = allSets
        let setStarts = allStarts

        // Verify in chunks of pairs; merge in order.
        let pairChunk = 16_384
        let pairChunks = (candidates.count + pairChunk - 1) / pairChunk
        var results = [Verified](repeating: Verified(), count: pairChunks)
        let threshold = spec.threshold
        results.withUnsafeMutableBufferPointer { resultsBuffer in
            let out = SendableBuffer(base: resultsBuffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: pairChunks) { c in
                let run = (c * pairChunk)..<min(candidates.count, (c + 1) * pairChunk)
                out.base[c] = flatSets.withUnsafeBufferPointer { flat in
                    setStarts.withUnsafeBufferPointer { starts in
                        slots.withUnsafeBufferPointer { slots in
                            candidates.withUnsafeBufferPointer { candidates in
                                Self.verify(
                                    candidates[run], flat: flat, starts: starts, slots: slots,
                                    threshold: threshold)
                            }
                        }
                    }
                }
            }
        }
        var merged = Verified()
        merged.pairs.reserveCapacity(results.reduce(0) { $0 + $1.pairs.count })
        for r in results {
            merged.pairs.append(contentsOf: r.pairs)
            for bin in 0..<20 { merged.histogram[bin] += r.histogram[bin] }
            merged.below.append(contentsOf: r.below)
            merged.above.append(contentsOf: r.above)
            merged.candidates += r.candidates
        }
        Self.keepFirst(&merged.above, 10, by: Self.aboveOrder)
        Self.keepFirst(&merged.below, 10, by: Self.belowOrder)
        return merged
    }

    /// Verifies a run of candidate pairs against the flat shingle sets.
    private static func verify(
        _ candidates: Slice<UnsafeBufferPointer<UInt64>>, flat: UnsafeBufferPointer<UInt64>,
        starts: UnsafeBufferPointer<Int>, slots: UnsafeBufferPointer<Int32>, threshold: Double
    ) -> Verified {
        var local = Verified()
        for packed in candidates {
            let a = Int(packed >> 32)
            let b = Int(packed & 0xFFFF_FFFF)
            let sa = Int(slots[a])
            let sb = Int(slots[b])
            let j = Shingler.jaccard(
                UnsafeBufferPointer(rebasing: flat[starts[sa]..<starts[sa + 1]]),
                UnsafeBufferPointer(rebasing: flat[starts[sb]..<starts[sb + 1]]))
            guard j > 0 else { continue }
            local.candidates += 1
            local.histogram[min(19, Int(j * 20))] += 1
            let pair = NearPair(a: Int32(a), b: Int32(b), similarity: j)
            if j >= threshold {
                local.pairs.append(pair)
                local.above.append(pair)
                if local.above.count > 64 { keepFirst(&local.above, 10, by: aboveOrder) }
            } else {
                local.below.append(pair)
                if local.below.count > 64 { keepFirst(&local.below, 10, by: belowOrder) }
            }
        }
        keepFirst(&local.above, 10, by: aboveOrder)
        keepFirst(&local.below, 10, by: belowOrder)
        return local
    }
}

/// The keyed text of every record, by flat position, as similarity compares it
/// (`Record.similarityText`: without leading system messages).
private struct KeyTexts: Sendable {
    let dataset: Dataset
    let layout: DatasetLayout
    let key: KeySpec

    /// The keyed text at a position.
    func text(_ p: Int) -> Substring {
        let f = layout.file(of: p)
        return dataset.files[f].records[p - layout.offsets[f]].similarityText(key.fields[f])
    }

    /// Calls `body` with each position of `range` and its keyed text, in order.
    func forEach(in range: Range<Int>, _ body: (Int, Substring) -> Void) {
        layout.forEachRun(in: range, of: dataset) { f, records, base, positions in
            let field = key.fields[f]
            for q in positions { body(q, records[q - base].similarityText(field)) }
        }
    }
}

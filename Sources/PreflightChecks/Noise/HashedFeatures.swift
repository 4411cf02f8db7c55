import Dispatch
import Foundation

/// Which features `HashedFeatures` extracts from a normalized text, and into how many buckets.
struct FeatureConfig: Sendable, Hashable {
    /// log2 of the number of hash buckets (feature ids are `0..<(1 << bucketBits)`).
    var bucketBits: Int = 18
    /// Adds word bigrams to the word unigrams.
    var wordBigrams: Bool = true
    /// Character n-gram lengths (Unicode scalars, over the text padded with one space at each
    /// end), or nil for none.
    var charGrams: ClosedRange<Int>? = 3...5

    /// The number of hash buckets.
    var buckets: Int { 1 << bucketBits }

    /// A short description for reports, e.g. `words 1–2 + chars 3–5, 2^18 buckets`.
    var summary: String {
        var parts = [wordBigrams ? "word 1–2-grams" : "word unigrams"]
        if let chars = charGrams {
            parts.append("char \(chars.lowerBound)–\(chars.upperBound)-grams")
        }
        return parts.joined(separator: " + ") + ", 2^\(bucketBits) signed hash buckets"
    }
}

/// Hashed, sublinear-TF, L2-normalized sparse feature rows in compressed sparse row layout.
///
/// Row `r` has the entries `offsets[r]..<offsets[r + 1]` of `ids` (bucket numbers) and
/// `values`. A feature (a word, a word bigram, a character n-gram) is hashed to 64 bits; the
/// low bits pick its bucket and the top bit its sign, so colliding features cancel in
/// expectation instead of adding up (signed feature hashing). A feature seen `tf` times in a
/// text has the value `±(1 + ln tf)`, and every non-empty row has unit Euclidean norm.
struct HashedFeatures: Sendable {
    /// The configuration the rows were extracted with.
    let config: FeatureConfig
    /// The number of distinct feature ids: every id is below it.
    private(set) var dimension: Int
    /// Row starts in `ids` and `values`; `rows + 1` entries.
    var offsets: [Int]
    /// Feature id of each entry: its bucket, renumbered by `compact()`.
    var ids: [UInt32]
    /// Signed, normalized value of each entry.
    var values: [Float]

    /// The number of rows.
    var rows: Int { offsets.count - 1 }
    /// The number of stored entries.
    var nonZeros: Int { ids.count }

    /// Extracts the features of `count` texts in parallel (chunks of rows over all cores);
    /// the result does not depend on the number of cores.
    /// - Parameter text: the raw text of row `i` (normalized here with `normalizer`).
    /// - Complexity: O(total text length × n-gram lengths).
    static func extract(
        count: Int, config: FeatureConfig, normalizer: TextNormalizer = .standard,
        text: @Sendable (Int) -> String
    ) -> HashedFeatures {
        let chunk = 4_096
        let chunks = (count + chunk - 1) / chunk
        // Waves of chunks in parallel, each appended to the result and released before the
        // next, so the transient copy is one wave, not the whole matrix.
        let wave = 32
        var offsets = [Int]()
        offsets.reserveCapacity(count + 1)
        offsets.append(0)
        var ids = [UInt32]()
        var values = [Float]()
        for first in stride(from: 0, to: chunks, by: wave) {
            let last = min(chunks, first + wave)
            var parts = [Part](repeating: Part(), count: last - first)
            parts.withUnsafeMutableBufferPointer { buffer in
                let target = SendableBuffer(base: buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: last - first) { w in
                    var extractor = FeatureExtractor(config: config, normalizer: normalizer)
                    var part = Part()
                    let start = (first + w) * chunk
                    let end = min(count, start + chunk)
                    part.lengths.reserveCapacity(end - start)
                    for i in start..<end {
                        let before = part.ids.count
                        extractor.append(text(i), ids: &part.ids, values: &part.values)
                        part.lengths.append(Int32(part.ids.count - before))
                    }
                    target.base[w] = part
                }
            }
            if first == 0 {
                // Reserve for all rows at the first wave's density (+5%); rarely exceeded.
                let done = parts.reduce(0) { $0 + $1.ids.count }
                let rows = min(count, last * chunk)
                let estimate = Int(Double(done) / Double(max(1, rows)) * Double(count) * 1.05)
                ids.reserveCapacity(estimate)
                values.reserveCapacity(estimate)
            }
            for w in parts.indices {
                for length in parts[w].lengths {
                    offsets.append(offsets[offsets.count - 1] + Int(length))
                }
                ids.append(contentsOf: parts[w].ids)
                values.append(contentsOf: parts[w].values)
                parts[w] = Part()
            }
        }
        var features = HashedFeatures(
            config: config, dimension: config.buckets, offsets: offsets, ids: ids, values: values)
        features.compact()
        features.weightByInverseDocumentFrequency()
        return features
    }

    /// Renumbers the buckets that occur, most frequent first (ties by bucket), so `ids` are
    /// dense in `0..<dimension`: models need weights only for buckets that occur, and the
    /// weights of frequent features share cache lines and pages. A relabelling only: it does
    /// not change what any model can learn.
    /// - Complexity: O(non-zeros + buckets log buckets).
    mutating func compact() {
        var counts = [UInt32](repeating: 0, count: dimension)
        for id in ids { counts[Int(id)] &+= 1 }
        var used: [UInt32] = []
        for b in 0..<dimension where counts[b] > 0 { used.append(UInt32(b)) }
        used.sort {
            counts[Int($0)] != counts[Int($1)] ? counts[Int($0)] > counts[Int($1)] : $0 < $1
        }
        var remap = [UInt32](repeating: 0, count: dimension)
        for (new, old) in used.enumerated() { remap[Int(old)] = UInt32(new) }
        ids.withUnsafeMutableBufferPointer { ids in
            for e in ids.indices { ids[e] = remap[Int(ids[e])] }
        }
        dimension = used.count
    }

    /// Multiplies every entry by its feature's smoothed inverse document frequency,
    /// `idf = ln((1 + n) / (1 + df)) + 1` for `n` rows of which `df` contain the feature, and
    /// re-normalizes each row to unit length (TF-IDF). Features in nearly every text (function
    /// words, common character n-grams) then weigh little, the rare, telling ones much.
    /// Unsupervised and label-blind, so computing it over all rows leaks nothing about any
    /// fold's labels.
    /// - Complexity: O(non-zeros + dimension).
    mutating func weightByInverseDocumentFrequency() {
        var df = [UInt32](repeating: 0, count: dimension)
        for id in ids { df[Int(id)] &+= 1 }
        let n = Float(rows)
        let idf = df.map { log((1 + n) / (1 + Float($0))) + 1 }
        let ids = self.ids
        let offsets = self.offsets
        values.withUnsafeMutableBufferPointer { values in
            for r in 0..<(offsets.count - 1) {
                var norm: Float = 0
                for e in offsets[r]..<offsets[r + 1] {
                    values[e] *= idf[Int(ids[e])]
                    norm += values[e] * values[e]
                }
                guard norm > 0 else { continue }
                let scale = 1 / norm.squareRoot()
                for e in offsets[r]..<offsets[r + 1] { values[e] *= scale }
            }
        }
    }

    /// The features of one chunk of rows.
    private struct Part {
        var lengths: [Int32] = []
        var ids: [UInt32] = []
        var values: [Float] = []
    }
}

/// Turns one text at a time into hashed feature entries, reusing its buffers.
struct FeatureExtractor {
    let config: FeatureConfig
    let normalizer: TextNormalizer
    private var normalized: [UInt8] = []
    private var scratch = ShingleScratch()
    private var padded: [UInt8] = []
    private var scalarStarts: [Int32] = []
    private var hashes: [UInt64] = []
    /// The counting table of `emit` (all counts zero between texts) and its used slots.
    private var slotKeys: [UInt64] = []
    private var slotCounts: [Int32] = []
    private var distinct: [Int32] = []
    private var tokenHashes: [UInt64] = []

    init(config: FeatureConfig, normalizer: TextNormalizer = .standard) {
        self.config = config
        self.normalizer = normalizer
    }

    /// Seeds that keep the feature families apart.
    private static let wordSeed: UInt64 = 0x5EED_0000_0000_0001
    private static let bigramSalt: UInt64 = 0xB16B_00B5_0000_0002
    private static let charSeed: UInt64 = 0xC4A2_0000_0000_0003

    /// Appends the deduplicated, normalized entries of `text` (in order of first occurrence).
    mutating func append(_ text: String, ids: inout [UInt32], values: inout [Float]) {
        normalizer.normalize(text, into: &normalized)
        hashes.removeAll(keepingCapacity: true)
        tokenHashes.removeAll(keepingCapacity: true)
        normalized.withUnsafeBufferPointer { scratch.tokenize($0) }
        let tokens = scratch.tokenEnds.count
        scratch.compact.withUnsafeBytes { compact in
            for t in 0..<tokens {
                let range = Int(scratch.tokenStarts[t])..<Int(scratch.tokenEnds[t])
                tokenHashes.append(
                    XXH64.hash(
                        UnsafeRawBufferPointer(rebasing: compact[range]), seed: Self.wordSeed))
            }
        }
        hashes.append(contentsOf: tokenHashes)
        if config.wordBigrams && tokens > 1 {
            for t in 1..<tokens {
                hashes.append(
                    Self.mix(
                        tokenHashes[t - 1] &* 0x9E37_79B9_7F4A_7C15 ^ Self.rotl(tokenHashes[t], 29)
                            ^ Self.bigramSalt))
            }
        }
        if let chars = config.charGrams, tokens > 0 { appendCharGrams(chars) }
        emit(ids: &ids, values: &values)
    }

    /// Character n-grams of the tokens joined by one space, with one space at each end.
    private mutating func appendCharGrams(_ lengths: ClosedRange<Int>) {
        padded.removeAll(keepingCapacity: true)
        padded.append(0x20)
        padded.append(contentsOf: scratch.compact)
        padded.append(0x20)
        scalarStarts.removeAll(keepingCapacity: true)
        for i in padded.indices where padded[i] & 0xC0 != 0x80 { scalarStarts.append(Int32(i)) }
        let scalars = scalarStarts.count
        scalarStarts.append(Int32(padded.count))
        let lo = lengths.lowerBound
        let hi = lengths.upperBound
        guard scalars >= lo else { return }
        padded.withUnsafeBufferPointer { bytes in
            scalarStarts.withUnsafeBufferPointer { starts in
                for i in 0...(scalars - lo) {
                    // FNV-1a over the bytes, emitted (finalized) at each wanted scalar length.
                    var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ Self.charSeed
                    var b = Int(starts[i])
                    let longest = min(hi, scalars - i)
                    for n in 1...longest {
                        let end = Int(starts[i + n])
                        while b < end {
                            h = (h ^ UInt64(bytes[b])) &* 0x0000_0100_0000_01B3
                            b += 1
                        }
                        if n >= lo { hashes.append(Self.mix(h ^ UInt64(n))) }
                    }
                }
            }
        }
    }

    /// Counts repeats of each feature hash and appends `±(1 + ln tf)`, L2-normalized, one
    /// entry per distinct hash in order of first occurrence.
    ///
    /// Counting is an open-addressing table (linear probing, at most half full, keyed by the
    /// hash itself, which is already mixed): O(features) per text, where sorting the hashes
    /// took a fifth of the classifier's time on long texts.
    private mutating func emit(ids: inout [UInt32], values: inout [Float]) {
        guard !hashes.isEmpty else { return }
        var capacity = 16
        while capacity < hashes.count * 2 { capacity <<= 1 }
        if slotKeys.count < capacity {
            slotKeys = [UInt64](repeating: 0, count: capacity)
            slotCounts = [Int32](repeating: 0, count: capacity)
        }
        let mask = capacity - 1
        distinct.removeAll(keepingCapacity: true)
        slotKeys.withUnsafeMutableBufferPointer { keys in
            slotCounts.withUnsafeMutableBufferPointer { counts in
                for h in hashes {
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while counts[slot] != 0 && keys[slot] != h { slot = (slot + 1) & mask }
                    if counts[slot] == 0 {
                        keys[slot] = h
                        distinct.append(Int32(slot))
                    }
                    counts[slot] += 1
                }
            }
        }
        let bucketMask = UInt64(config.buckets - 1)
        let start = values.count
        var norm: Float = 0
        for slot in distinct {
            let h = slotKeys[Int(slot)]
            let tf = Int(slotCounts[Int(slot)])
            slotCounts[Int(slot)] = 0  // leaves the table empty for the next text
            let magnitude: Float = tf == 1 ? 1 : 1 + Float(log(Double(tf)))
            ids.append(UInt32(truncatingIfNeeded: h & bucketMask))
            values.append(h >> 63 == 0 ? magnitude : -magnitude)
            norm += magnitude * magnitude
        }
        let scale = 1 / norm.squareRoot()
        for k in start..<values.count { values[k] *= scale }
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    /// The 64-bit finalizer of MurmurHash3: every input bit affects every output bit.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

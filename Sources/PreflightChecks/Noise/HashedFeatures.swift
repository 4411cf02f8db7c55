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
    /// Drops features (words, bigrams, n-grams) found in only one text when 2: they cannot
    /// carry over to any other record, but they would take up hash buckets that repeated
    /// features share, and a share of each row's norm. 1 keeps every feature.
    var minDocumentFrequency = 1

    /// The number of hash buckets.
    var buckets: Int { 1 << bucketBits }

    /// A short description for reports, e.g. `words 1–2 + chars 3–5, 2^18 buckets`.
    var summary: String {
        var parts = [wordBigrams ? "word 1–2-grams" : "word unigrams"]
        if let chars = charGrams {
            parts.append("char \(chars.lowerBound)–\(chars.upperBound)-grams")
        }
        let repeated = minDocumentFrequency > 1 ? " in at least \(minDocumentFrequency) texts" : ""
        return parts.joined(separator: " + ") + repeated
            + ", 2^\(bucketBits) signed hash buckets"
    }
}

/// Hashed, sublinear-TF, L2-normalized sparse feature rows in compressed sparse row layout.
///
/// Row `r` has the entries `offsets[r]..<offsets[r + 1]` of `entries`. A feature (a word, a
/// word bigram, a character n-gram) is hashed to 64 bits; the low bits pick its bucket and the
/// top bit its sign, so colliding features cancel in expectation instead of adding up (signed
/// feature hashing). A feature seen `tf` times in a text has the value `±(1 + ln tf)`, and
/// every non-empty row has unit Euclidean norm.
///
/// Values are not stored: an entry packs its bucket (20 bits), its term count (11 bits; 0 for
/// a count above 2047, kept in `largeCounts`) and its sign into 32 bits, and `decode` computes
/// the value with the very operations that used to build it,
/// `((±(1 + ln tf) · termScales[r]) · idf[id]) · rowScales[r]`, so values are bit-identical
/// to a stored `Float` matrix at half the memory (4 bytes an entry instead of 8).
struct HashedFeatures: Sendable {
    /// The configuration the rows were extracted with.
    let config: FeatureConfig
    /// The number of distinct feature ids: every id is below it.
    private(set) var dimension: Int
    /// Row starts in `entries`; `rows + 1` entries.
    private(set) var offsets: [Int]
    /// The most entries in one row.
    let longestRow: Int
    /// Packed entries: feature id (`idMask`), term count (`countShift`), sign (`signBit`).
    private(set) var entries: [UInt32]
    /// Term counts above `countMask`, by entry index (their packed count is 0).
    private(set) var largeCounts: [Int: UInt32]
    /// Per row, `1 / ‖(1 + ln tf)‖`: the length normalization before IDF weighting.
    private(set) var termScales: [Float]
    /// Per feature id, the IDF weight; empty before `weightByInverseDocumentFrequency()`.
    private(set) var idf: [Float] = []
    /// Per row, the length normalization after IDF weighting (1 before it, or for a zero row).
    private(set) var rowScales: [Float] = []

    /// Bits of the feature id in an entry: `FeatureConfig.bucketBits` is at most 20.
    static let idBits: UInt32 = 20
    static let idMask: UInt32 = (1 << idBits) - 1
    static let countShift: UInt32 = idBits
    static let countMask: UInt32 = (1 << 11) - 1
    static let signBit: UInt32 = 1 << 31

    /// `1 + ln tf` (1 for tf = 1), the sublinear term weight, exactly as `FeatureExtractor`
    /// computes it.
    @inline(__always)
    static func magnitude(_ tf: Int) -> Float { tf == 1 ? 1 : 1 + Float(log(Double(tf))) }

    /// `magnitude(tf)` for every packable count (index 0 unused).
    static let magnitudes: [Float] = (0...Int(countMask)).map { magnitude(max(1, $0)) }

    /// Rows from packed entries (`FeatureExtractor.append`), not yet compacted or weighted.
    init(
        config: FeatureConfig, dimension: Int, offsets: [Int], entries: [UInt32],
        largeCounts: [Int: UInt32], termScales: [Float]
    ) {
        self.config = config
        self.dimension = dimension
        self.offsets = offsets
        self.entries = entries
        self.largeCounts = largeCounts
        self.termScales = termScales
        var longest = 0
        for r in 0..<max(0, offsets.count - 1) {
            longest = max(longest, offsets[r + 1] - offsets[r])
        }
        longestRow = longest
    }

    /// The number of rows.
    var rows: Int { offsets.count - 1 }
    /// The number of stored entries.
    var nonZeros: Int { entries.count }
    /// The feature id of every entry (for tests and diagnostics: O(non-zeros)).
    var ids: [UInt32] { entries.map { $0 & Self.idMask } }
    /// The value of every entry (for tests and diagnostics: O(non-zeros)).
    var values: [Float] {
        guard nonZeros > 0 else { return [] }
        return withDecoder { decoder in
            var out = [Float](repeating: 0, count: nonZeros)
            var ids = [UInt32](repeating: 0, count: decoder.longestRow)
            out.withUnsafeMutableBufferPointer { out in
                for r in 0..<rows {
                    _ = decoder.decode(row: r, ids: &ids, values: out.baseAddress! + offsets[r])
                }
            }
            return out
        }
    }

    /// Calls `body` with a decoder of the rows, valid only inside it.
    func withDecoder<R>(_ body: (RowDecoder) -> R) -> R {
        let weighted = !idf.isEmpty
        return offsets.withUnsafeBufferPointer { offsets in
            entries.withUnsafeBufferPointer { entries in
                termScales.withUnsafeBufferPointer { termScales in
                    rowScales.withUnsafeBufferPointer { rowScales in
                        idf.withUnsafeBufferPointer { idf in
                            Self.magnitudes.withUnsafeBufferPointer { magnitudes in
                                body(
                                    RowDecoder(
                                        offsets: offsets.baseAddress!,
                                        entries: entries.baseAddress,
                                        termScales: termScales.baseAddress,
                                        rowScales: rowScales.baseAddress,
                                        idf: idf.baseAddress, magnitudes: magnitudes.baseAddress!,
                                        largeCounts: largeCounts, weighted: weighted,
                                        longestRow: longestRow))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Decodes rows of a `HashedFeatures` through raw pointers, valid inside `withDecoder`.
    struct RowDecoder {
        let offsets: UnsafePointer<Int>
        let entries: UnsafePointer<UInt32>?
        let termScales: UnsafePointer<Float>?
        let rowScales: UnsafePointer<Float>?
        let idf: UnsafePointer<Float>?
        let magnitudes: UnsafePointer<Float>
        let largeCounts: [Int: UInt32]
        let weighted: Bool
        /// The most entries in one row: the capacity `decode` needs.
        let longestRow: Int

        /// Writes the ids and values of row `row` to `ids` and `values`; returns their count.
        @inline(__always)
        func decode(
            row: Int, ids: UnsafeMutablePointer<UInt32>, values: UnsafeMutablePointer<Float>
        ) -> Int {
            let lo = offsets[row]
            let hi = offsets[row + 1]
            guard hi > lo, let entries, let termScales else { return 0 }
            let s0 = termScales[row]
            // Two loops rather than a test per entry: this runs once per row and epoch.
            if weighted, let idf, let rowScales {
                let s1 = rowScales[row]
                for e in lo..<hi {
                    let entry = entries[e]
                    let id = entry & HashedFeatures.idMask
                    let v = (signedMagnitude(entry, at: e) * s0) * idf[Int(id)]
                    ids[e - lo] = id
                    values[e - lo] = v * s1
                }
            } else {
                for e in lo..<hi {
                    let entry = entries[e]
                    ids[e - lo] = entry & HashedFeatures.idMask
                    values[e - lo] = signedMagnitude(entry, at: e) * s0
                }
            }
            return hi - lo
        }

        /// `±(1 + ln tf)` of the entry at index `e`.
        @inline(__always)
        private func signedMagnitude(_ entry: UInt32, at e: Int) -> Float {
            let code = Int((entry >> HashedFeatures.countShift) & HashedFeatures.countMask)
            let m =
                code != 0
                ? magnitudes[code] : HashedFeatures.magnitude(Int(largeCounts[e] ?? 1))
            return entry & HashedFeatures.signBit == 0 ? m : -m
        }
    }

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
        precondition(config.bucketBits <= Int(idBits), "bucket ids beyond the packed id bits")
        let repeated =
            config.minDocumentFrequency > 1
            ? RepeatedFeatures.collect(
                count: count, config: config, normalizer: normalizer, text: text)
            : nil
        var offsets = [Int]()
        offsets.reserveCapacity(count + 1)
        offsets.append(0)
        var entries = [UInt32]()
        var largeCounts: [Int: UInt32] = [:]
        var termScales = [Float]()
        termScales.reserveCapacity(count)
        for first in stride(from: 0, to: chunks, by: wave) {
            let last = min(chunks, first + wave)
            var parts = [Part](repeating: Part(), count: last - first)
            parts.withUnsafeMutableBufferPointer { buffer in
                let target = SendableBuffer(base: buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: last - first) { w in
                    var extractor = FeatureExtractor(
                        config: config, normalizer: normalizer, repeated: repeated)
                    var part = Part()
                    let start = (first + w) * chunk
                    let end = min(count, start + chunk)
                    part.lengths.reserveCapacity(end - start)
                    part.termScales.reserveCapacity(end - start)
                    for i in start..<end {
                        let before = part.entries.count
                        part.termScales.append(
                            extractor.append(
                                text(i), entries: &part.entries, largeCounts: &part.largeCounts))
                        part.lengths.append(Int32(part.entries.count - before))
                    }
                    target.base[w] = part
                }
            }
            if first == 0 {
                // Reserve for all rows at the first wave's density (+5%); rarely exceeded.
                let done = parts.reduce(0) { $0 + $1.entries.count }
                let rows = min(count, last * chunk)
                let estimate = Int(Double(done) / Double(max(1, rows)) * Double(count) * 1.05)
                entries.reserveCapacity(estimate)
            }
            for w in parts.indices {
                for length in parts[w].lengths {
                    offsets.append(offsets[offsets.count - 1] + Int(length))
                }
                for (e, tf) in parts[w].largeCounts { largeCounts[entries.count + e] = tf }
                entries.append(contentsOf: parts[w].entries)
                termScales.append(contentsOf: parts[w].termScales)
                parts[w] = Part()
            }
        }
        // Consumed, not copied: a second reference to `entries` would make `compact()` copy
        // the whole array on write.
        var features = HashedFeatures(
            config: config, dimension: config.buckets, offsets: consume offsets,
            entries: consume entries, largeCounts: largeCounts, termScales: consume termScales)
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
        for entry in entries { counts[Int(entry & Self.idMask)] &+= 1 }
        var used: [UInt32] = []
        for b in 0..<dimension where counts[b] > 0 { used.append(UInt32(b)) }
        used.sort {
            counts[Int($0)] != counts[Int($1)] ? counts[Int($0)] > counts[Int($1)] : $0 < $1
        }
        var remap = [UInt32](repeating: 0, count: dimension)
        for (new, old) in used.enumerated() { remap[Int(old)] = UInt32(new) }
        entries.withUnsafeMutableBufferPointer { entries in
            for e in entries.indices {
                let entry = entries[e]
                entries[e] = entry & ~Self.idMask | remap[Int(entry & Self.idMask)]
            }
        }
        dimension = used.count
    }

    /// Multiplies every entry by its feature's smoothed inverse document frequency,
    /// `idf = ln((1 + n) / (1 + df)) + 1` for `n` rows of which `df` contain the feature, and
    /// re-normalizes each row to unit length (TF-IDF). Features in nearly every text (function
    /// words, common character n-grams) then weigh little, the rare, telling ones much.
    /// Unsupervised and label-blind, so computing it over all rows leaks nothing about any
    /// fold's labels. Stores `idf` and `rowScales`; `decode` applies them.
    /// - Complexity: O(non-zeros + dimension).
    mutating func weightByInverseDocumentFrequency() {
        precondition(idf.isEmpty, "rows weighted twice")
        var df = [UInt32](repeating: 0, count: dimension)
        for entry in entries { df[Int(entry & Self.idMask)] &+= 1 }
        let n = Float(rows)
        let idf = df.map { log((1 + n) / (1 + Float($0))) + 1 }
        var rowScales = [Float](repeating: 1, count: rows)
        withDecoder { decoder in
            var ids = [UInt32](repeating: 0, count: decoder.longestRow)
            var values = [Float](repeating: 0, count: decoder.longestRow)
            for r in 0..<rows {
                let length = decoder.decode(row: r, ids: &ids, values: &values)
                var norm: Float = 0
                for e in 0..<length {
                    let v = values[e] * idf[Int(ids[e])]
                    norm += v * v
                }
                guard norm > 0 else { continue }
                rowScales[r] = 1 / norm.squareRoot()
            }
        }
        self.idf = idf
        self.rowScales = rowScales
    }

    /// The features of one chunk of rows.
    private struct Part {
        var lengths: [Int32] = []
        var entries: [UInt32] = []
        var largeCounts: [Int: UInt32] = [:]
        var termScales: [Float] = []
    }
}

/// The features (64-bit feature hashes) found in at least two texts, as a bit set: a bit per
/// hash prefix, so a feature of one text is kept when another feature shares its bit (about
/// distinct features / bits of them: 2.5 % of the 3.4 million of 1.1M generated records).
struct RepeatedFeatures: Sendable {
    /// `1 << bits.count * 64` bits, set for hash prefixes in two texts or more.
    let bits: [UInt64]
    /// `64 − log2(bit count)`: the bit of a hash is its top bits but the sign.
    let shift: Int

    /// The bit of feature hash `h`: bits 62 down, clear of the sign bit (63) and, for any
    /// bit-set size up to 2^42, of the bucket bits (below 20).
    @inline(__always)
    static func bit(_ h: UInt64, shift: Int) -> Int { Int((h << 1) >> UInt64(shift)) }

    /// Whether the feature of hash `h` may be in two texts or more.
    @inline(__always)
    func contains(_ h: UInt64) -> Bool {
        let b = Self.bit(h, shift: shift)
        return bits[b >> 6] & (1 << UInt64(b & 63)) != 0
    }

    /// The repeated features of `count` texts: a first pass over the texts, in parallel
    /// contiguous ranges, each with its own pair of bit sets (seen once, seen twice) merged
    /// in range order; the result is exact (per bit) on any number of cores.
    /// - Complexity: O(total text length × n-gram lengths) time, O(bit set) memory per range.
    static func collect(
        count: Int, config: FeatureConfig, normalizer: TextNormalizer,
        text: @Sendable (Int) -> String
    ) -> RepeatedFeatures {
        // About 16 bits per distinct feature, from 2^20 to 2^27 bits (16 MiB). Estimated
        // generously: with character n-grams ~3 per text byte; words and bigrams repeat far
        // more across texts (0.012 per byte on the generated benchmark, where each text has
        // its own id), so 16 per text or 0.1 per byte, whichever is more.
        var bytes = 0
        for i in 0..<min(count, 1_000) { bytes += text(i).utf8.count }
        let textBytes = Double(bytes) / Double(max(1, min(count, 1_000))) * Double(count)
        let features =
            config.charGrams == nil ? max(16 * Double(count), textBytes / 10) : textBytes * 3
        var log2Bits = 20
        while log2Bits < 27 && Double(1 << log2Bits) < features * 16 { log2Bits += 1 }
        let words = (1 << log2Bits) / 64
        let shift = 64 - log2Bits
        let ranges = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount, count / 4_096))
        var parts = [(once: [UInt64], twice: [UInt64])](repeating: ([], []), count: ranges)
        parts.withUnsafeMutableBufferPointer { buffer in
            let target = SendableBuffer(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: ranges) { w in
                var once = [UInt64](repeating: 0, count: words)
                var twice = [UInt64](repeating: 0, count: words)
                var extractor = FeatureExtractor(config: config, normalizer: normalizer)
                for i in (count * w / ranges)..<(count * (w + 1) / ranges) {
                    extractor.mark(text(i), once: &once, twice: &twice, shift: shift)
                }
                target.base[w] = (once, twice)
            }
        }
        var once = parts[0].once
        var twice = parts[0].twice
        for w in 1..<ranges {
            for i in 0..<words {
                twice[i] |= parts[w].twice[i] | (once[i] & parts[w].once[i])
                once[i] |= parts[w].once[i]
            }
            parts[w] = ([], [])
        }
        return RepeatedFeatures(bits: twice, shift: shift)
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
    /// When set, features not in it are dropped (`FeatureConfig.minDocumentFrequency`).
    let repeated: RepeatedFeatures?

    init(
        config: FeatureConfig, normalizer: TextNormalizer = .standard,
        repeated: RepeatedFeatures? = nil
    ) {
        self.config = config
        self.normalizer = normalizer
        self.repeated = repeated
    }

    /// Seeds that keep the feature families apart.
    private static let wordSeed: UInt64 = 0x5EED_0000_0000_0001
    private static let bigramSalt: UInt64 = 0xB16B_00B5_0000_0002
    private static let charSeed: UInt64 = 0xC4A2_0000_0000_0003

    /// Appends the deduplicated, packed entries of `text` (in order of first occurrence; see
    /// `HashedFeatures`) and returns the row's length normalization `1 / ‖(1 + ln tf)‖` (1 for
    /// an empty row). Counts above `HashedFeatures.countMask` go to `largeCounts` by entry
    /// index.
    mutating func append(
        _ text: String, entries: inout [UInt32], largeCounts: inout [Int: UInt32]
    ) -> Float {
        collect(text)
        return emit(entries: &entries, largeCounts: &largeCounts)
    }

    /// Marks the distinct features of `text` in `once`, and in `twice` those already in
    /// `once` (bit sets indexed by `RepeatedFeatures.bit`).
    mutating func mark(_ text: String, once: inout [UInt64], twice: inout [UInt64], shift: Int) {
        collect(text)
        countDistinct { h in
            let b = RepeatedFeatures.bit(h, shift: shift)
            let word = b >> 6
            let mask: UInt64 = 1 << UInt64(b & 63)
            if once[word] & mask != 0 { twice[word] |= mask } else { once[word] |= mask }
        }
        for slot in distinct { slotCounts[Int(slot)] = 0 }
    }

    /// Fills `hashes` with the feature hashes of `text`, repeats included.
    private mutating func collect(_ text: String) {
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
        if let repeated {
            hashes.removeAll { !repeated.contains($0) }
        }
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

    /// Counts repeats of each feature hash and appends one packed entry per distinct hash in
    /// order of first occurrence; returns `1 / ‖(1 + ln tf)‖`, the factor that L2-normalizes
    /// the row's values `±(1 + ln tf)`.
    ///
    /// Counting is an open-addressing table (linear probing, at most half full, keyed by the
    /// hash itself, which is already mixed): O(features) per text, where sorting the hashes
    /// took a fifth of the classifier's time on long texts.
    private mutating func emit(entries: inout [UInt32], largeCounts: inout [Int: UInt32])
        -> Float
    {
        guard !hashes.isEmpty else { return 1 }
        countDistinct { _ in }
        let bucketMask = UInt64(config.buckets - 1)
        var norm: Float = 0
        for slot in distinct {
            let h = slotKeys[Int(slot)]
            let tf = Int(slotCounts[Int(slot)])
            slotCounts[Int(slot)] = 0  // leaves the table empty for the next text
            let magnitude = HashedFeatures.magnitude(tf)
            var entry = UInt32(truncatingIfNeeded: h & bucketMask)
            if tf <= Int(HashedFeatures.countMask) {
                entry |= UInt32(tf) << HashedFeatures.countShift
            } else {
                largeCounts[entries.count] = UInt32(tf)
            }
            if h >> 63 != 0 { entry |= HashedFeatures.signBit }
            entries.append(entry)
            norm += magnitude * magnitude
        }
        return 1 / norm.squareRoot()
    }

    /// Counts the repeats of each hash of `hashes` in the table, listing the slots of the
    /// distinct ones in `distinct` (order of first occurrence) and calling `body` with each
    /// distinct hash once. `emit` reads the counts and empties the table; other callers must
    /// call `clearCounts()`.
    private mutating func countDistinct(_ body: (UInt64) -> Void) {
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
                        body(h)
                    }
                    counts[slot] += 1
                }
            }
        }
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

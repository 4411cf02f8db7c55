import Foundation

/// A bottom-k sketch of a split's distinct record contents: the `k` smallest distinct 64-bit
/// content hashes (`RecordSketch.contentHash`), with the exact number of distinct records.
///
/// Two sketches of the same split from two audits tell how many records were added and
/// removed (`RecordSketch.compare`): exactly when both splits have at most `k` distinct
/// records (the sketches then hold every hash), otherwise as an estimate from Broder's bottom-k
/// estimator of the Jaccard similarity.
///
/// `k` is 1,024: the estimate's relative standard error is about 1/√k ≈ 3 %, splits of up to
/// 1,024 distinct records (most validation, test and regression sets) compare exactly, and
/// the sketch costs about 24 KB per split in the pretty-printed JSON report. 2,048 would cut
/// the error to 2.2 % for twice the bytes in every report, including those never diffed.
public struct RecordSketch: Sendable, Equatable {
    /// How many hashes a sketch keeps.
    public static let k = 1_024

    /// The number of distinct record contents in the split (exact).
    public var distinct: Int
    /// The `min(k, distinct)` smallest distinct content hashes, ascending.
    public var hashes: [UInt64]

    /// A sketch from its parts, e.g. as read back from a report.
    public init(distinct: Int, hashes: [UInt64]) {
        self.distinct = distinct
        self.hashes = hashes
    }

    /// The sketch of a set of content hashes, duplicates included.
    /// - Complexity: O(n) expected.
    public init(hashes: [UInt64]) {
        let unique = Self.distinctValues(hashes)
        distinct = unique.count
        self.hashes = Self.smallest(Self.k, of: unique)
    }

    /// The `k` smallest of distinct uniform hashes, ascending. The k-th smallest of d values is
    /// near k/d of the range, so only the values below twice that are sorted.
    static func smallest(_ k: Int, of unique: [UInt64]) -> [UInt64] {
        guard unique.count > k else { return unique.sorted() }
        var fraction = 2.0 * Double(k) / Double(unique.count)
        while true {
            let threshold =
                fraction >= 1 ? UInt64.max : UInt64(fraction * 18_446_744_073_709_551_615.0)
            let below = unique.filter { $0 <= threshold }
            if below.count >= k || threshold == UInt64.max {
                return Array(below.sorted().prefix(k))
            }
            fraction *= 2
        }
    }

    /// The distinct values of `values`, in no particular order, with a hand-written
    /// open-addressing table (no per-element allocation, ~10 ns per value).
    static func distinctValues(_ values: [UInt64]) -> [UInt64] {
        guard !values.isEmpty else { return [] }
        var capacity = 16
        while capacity < values.count * 2 { capacity <<= 1 }
        let mask = capacity - 1
        // Slot value 0 means empty; a hash of 0 is tracked on the side.
        var table = [UInt64](repeating: 0, count: capacity)
        var sawZero = false
        var unique: [UInt64] = []
        unique.reserveCapacity(values.count)
        for value in values {
            if value == 0 {
                if !sawZero { unique.append(0) }
                sawZero = true
                continue
            }
            var slot =
                Int(truncatingIfNeeded: (value ^ (value >> 29)) &* 0x9E37_79B9_7F4A_7C15)
                & mask
            while true {
                let stored = table[slot]
                if stored == value { break }
                if stored == 0 {
                    table[slot] = value
                    unique.append(value)
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return unique
    }

    // MARK: - Content hash

    /// The content hash of a record: a 64-bit hash of the UTF-8 bytes of `Record.example`
    /// (the whole example as the reader canonicalized it: for classification the text fields
    /// joined with a newline, for chat and other generative shapes the canonical text of the
    /// example), then, for a labelled record, a marker byte (0xFF for a string label, 0xFE for
    /// a numeric one; neither occurs in UTF-8) and the label's text.
    ///
    /// Line, ordinal, id and fields outside the example do not count, and the text is not
    /// normalized: a record moved to another line is the same record, a record whose text
    /// changed case or whose label changed is a removed record and an added one. The hash
    /// (`ContentHasher`) is fixed byte arithmetic, the same on every run and machine.
    public static func contentHash(_ record: Record) -> UInt64 {
        var hasher = ContentHasher()
        hasher.combine(record.example)
        if let label = record.label {
            hasher.combine(marker: label.isNumeric ? 0xFE : 0xFF)
            hasher.combine(label.text)
        }
        return hasher.finalize()
    }

    // MARK: - Comparison

    /// Records added and removed between two sketches of a split.
    public struct Change: Sendable, Equatable {
        /// Distinct records in the new split that are not in the old one.
        public var added: Int
        /// Distinct records in the old split that are not in the new one.
        public var removed: Int
        /// Distinct records in both.
        public var common: Int
        /// True when the numbers are exact; false for an estimate.
        public var isExact: Bool
        /// The standard error of the Jaccard estimate (0 when exact).
        public var jaccardStandardError: Double
        /// The standard error of `added` and of `removed`, in records (0 when exact).
        public var standardError: Double

        /// A change from its parts.
        public init(
            added: Int, removed: Int, common: Int, isExact: Bool, jaccardStandardError: Double,
            standardError: Double
        ) {
            self.added = added
            self.removed = removed
            self.common = common
            self.isExact = isExact
            self.jaccardStandardError = jaccardStandardError
            self.standardError = standardError
        }
    }

    /// How many distinct records were added and removed from `old` to `new`.
    ///
    /// When both splits have at most `k` distinct records each sketch holds every hash and
    /// the answer is exact. Otherwise Broder's bottom-k estimator: of the `k` smallest hashes
    /// of the union of both sketches, the fraction present in both estimates the Jaccard
    /// similarity J = |A∩B| / |A∪B|, then |A∩B| = J/(1+J)·(|A|+|B|), added = |B| − |A∩B|,
    /// removed = |A| − |A∩B|. The standard error of J is √(J(1−J)/k'), k' the number of union
    /// hashes used; it carries over to |A∩B| through the derivative (|A|+|B|)/(1+J)².
    /// - Complexity: O(k).
    public static func compare(old: RecordSketch, new: RecordSketch) -> Change {
        if old.hashes.count == old.distinct, new.hashes.count == new.distinct {
            let common = sortedIntersectionCount(old.hashes, new.hashes)
            return Change(
                added: new.distinct - common, removed: old.distinct - common, common: common,
                isExact: true, jaccardStandardError: 0, standardError: 0)
        }
        // Merge the two ascending lists; the union's smallest `limit` values are those below
        // the smaller of the two sketches' largest values (both sketches are complete up to
        // their own maximum).
        let limit = min(k, old.hashes.count + new.hashes.count)
        var i = 0
        var j = 0
        var taken = 0
        var both = 0
        let oldBound = old.hashes.count == old.distinct ? UInt64.max : old.hashes.last ?? 0
        let newBound = new.hashes.count == new.distinct ? UInt64.max : new.hashes.last ?? 0
        let bound = min(oldBound, newBound)
        while taken < limit, i < old.hashes.count || j < new.hashes.count {
            let a = i < old.hashes.count ? old.hashes[i] : UInt64.max
            let b = j < new.hashes.count ? new.hashes[j] : UInt64.max
            let value = min(a, b)
            if value > bound { break }
            if a == b {
                both += 1
                i += 1
                j += 1
            } else if a < b {
                i += 1
            } else {
                j += 1
            }
            taken += 1
        }
        guard taken > 0 else {
            return Change(
                added: new.distinct, removed: old.distinct, common: 0, isExact: false,
                jaccardStandardError: 0, standardError: 0)
        }
        let jaccard = Double(both) / Double(taken)
        let total = Double(old.distinct + new.distinct)
        let common = min(
            Double(min(old.distinct, new.distinct)), (jaccard / (1 + jaccard) * total).rounded())
        let jaccardError = (jaccard * (1 - jaccard) / Double(taken)).squareRoot()
        let error = jaccardError * total / ((1 + jaccard) * (1 + jaccard))
        let shared = Int(common)
        return Change(
            added: new.distinct - shared, removed: old.distinct - shared, common: shared,
            isExact: false, jaccardStandardError: jaccardError, standardError: error)
    }

    private static func sortedIntersectionCount(_ a: [UInt64], _ b: [UInt64]) -> Int {
        var i = 0
        var j = 0
        var count = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                count += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return count
    }
}

/// A 64-bit hash of byte strings, eight bytes at a time, written for record sketches.
///
/// Each little-endian 64-bit word is multiplied, rotated and multiplied again into a running
/// state that is rotated and stepped after every word (the shape of MurmurHash3's 64-bit
/// block loop); a segment's length is mixed in at its end, and a final
/// xor-shift-multiply avalanche spreads every input bit over the result. Words are read as
/// little-endian on every machine, so a hash never depends on the platform.
public struct ContentHasher: Sendable {
    private var state: UInt64 = 0x243F_6A88_85A3_08D3
    private static let c1: UInt64 = 0x87C3_7B91_1142_53D5
    private static let c2: UInt64 = 0x4CF5_AD43_2745_937F

    /// A hasher with the fixed seed.
    public init() {}

    @inline(__always) private mutating func mix(_ word: UInt64) {
        var w = word &* Self.c1
        w = (w << 31) | (w >> 33)
        w &*= Self.c2
        state ^= w
        state = (state << 27) | (state >> 37)
        state = state &* 5 &+ 0x52DC_E729
    }

    /// Adds the UTF-8 bytes of `text` and its length.
    public mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Adds the UTF-8 bytes of a text and its length.
    public mutating func combine(_ text: Substring) {
        var text = text
        text.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Adds one byte that separates segments.
    public mutating func combine(marker: UInt8) {
        mix(UInt64(marker) | 0xA5A5_A5A5_A5A5_A500)
    }

    /// Adds raw bytes and their length.
    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        var offset = 0
        while offset + 8 <= count {
            mix(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            mix(tail)
        }
        mix(UInt64(count) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The hash of everything added.
    public func finalize() -> UInt64 {
        var h = state
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

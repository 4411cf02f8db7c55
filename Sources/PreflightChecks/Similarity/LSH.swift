import Dispatch
import Foundation

/// Locality-sensitive hashing of MinHash signatures by banding (Indyk & Motwani 1998; the
/// banding technique of Rajaraman & Ullman, "Mining of Massive Datasets", ch. 3).
///
/// A signature of K values is cut into `bands` bands of `rows` values; two records are a
/// candidate pair when all values of at least one band agree. For Jaccard similarity s that
/// happens with probability 1 − (1 − s^rows)^bands: an S-curve whose steepness grows with
/// `rows`. Only a 32-bit hash per band is kept (K/rows × 4 bytes per record instead of K × 8);
/// a chance collision of two band hashes only adds a candidate, which verification rejects.
enum LSH {
    /// The detection probability `choose` guarantees at the threshold.
    static let targetDetection = 0.99

    /// Probability that a pair of similarity `s` shares at least one band.
    static func detection(similarity s: Double, bands: Int, rows: Int) -> Double {
        1 - pow(1 - pow(s, Double(rows)), Double(bands))
    }

    /// The banding for a similarity threshold: the most rows per band (fewest chance
    /// candidates) such that a pair exactly at the threshold is still detected with
    /// probability ≥ `targetDetection`, with as many bands as fit (bands × rows ≤ `hashes`).
    /// t = 0.8 gives 21 bands of 6 rows (detection 0.998).
    /// - Complexity: O(hashes).
    static func choose(threshold: Double, hashes: Int = MinHash.k) -> (bands: Int, rows: Int) {
        let t = min(1, max(threshold, 0))
        for rows in stride(from: hashes, through: 1, by: -1) {
            let bands = hashes / rows
            if detection(similarity: t, bands: bands, rows: rows) >= targetDetection {
                return (bands, rows)
            }
        }
        return (hashes, 1)
    }

    /// The 32-bit hash of band `band` (values `band·rows ..< (band+1)·rows` of a signature),
    /// seeded with the band index so equal values in different bands never meet: the values
    /// (already well mixed by the MinHash permutation) are folded by rotation and xor, and the
    /// fold is mixed once.
    @inline(__always)
    static func bandHash(_ signature: UnsafeMutableBufferPointer<UInt64>, band: Int, rows: Int)
        -> UInt32
    {
        var h = UInt64(band) &* 0x9E37_79B9_7F4A_7C15 ^ 0x243F_6A88_85A3_08D3
        let start = band * rows
        for r in start..<(start + rows) {
            h = ((h << 23) | (h >> 41)) ^ signature[r]
        }
        return UInt32(truncatingIfNeeded: MinHash.mix(h) >> 32)
    }

    // MARK: - Candidates

    /// What banding produced: candidate pairs and bucket statistics.
    struct Candidates: Sendable {
        /// Distinct pairs packed as `a << 32 | b` (a < b), ascending, so sorted by (a, b).
        var pairs: [UInt64]
        /// Buckets (over all bands) with more than `maxBucket` records.
        var cappedBuckets: Int
        /// Records in the largest bucket.
        var largestBucket: Int
    }

    /// How many following members each record of a capped (oversized) bucket is paired with.
    static let cappedNeighbors = 4

    /// How many following members each record of any other bucket is paired with: a bucket of
    /// up to `windowNeighbors + 1` records yields all its pairs.
    static let windowNeighbors = 16

    /// Candidate pairs of records sharing a band hash.
    ///
    /// Per band, (band hash, position) values are radix-sorted so each bucket is a run of
    /// ascending positions. Each member of a bucket is paired with its next `windowNeighbors`
    /// members (a bucket of up to 17 records yields all its pairs), and each member of a bucket
    /// over `maxBucket` records (templated data, counted as capped) with its next
    /// `cappedNeighbors`: members of a bucket agree on a whole band, so a short chain is enough
    /// to connect them into clusters, and the work stays O(n) per band. (On 200,000 templated
    /// records, chaining to the next `maxBucket` members gave 135 million candidates and 4.8 GB
    /// of memory; on 1M records in clusters of ~100, all pairs of buckets up to `maxBucket`
    /// gave 59 million candidates, 21.6 s and 3.4 GB.) Buckets whose member
    /// list was already expanded in an earlier band of the same worker are skipped (templates
    /// fill the same giant bucket in most bands). Pairs whose records have identical key
    /// hashes are dropped (exact duplicates are not near-copies).
    /// - Parameters:
    ///   - bandHashes: band-major, `bandHashes[band * count + position]`.
    ///   - active: the positions taking part, ascending.
    ///   - keys: the key hash per position.
    /// - Complexity: O(bands · (n + emitted pairs)) time, parallel over bands; O(n + pairs)
    ///   memory.
    static func candidates(
        bandHashes: [UInt32], bands: Int, count: Int, active: [Int32], keys: [UInt64],
        maxBucket: Int
    ) -> Candidates {
        let cap = max(1, maxBucket)
        var perBand = [[UInt64]](repeating: [], count: bands)
        var capped = [Int](repeating: 0, count: bands)
        var largest = [Int](repeating: 0, count: bands)
        let workers = 2
        perBand.withUnsafeMutableBufferPointer { perBandBuffer in
            capped.withUnsafeMutableBufferPointer { cappedBuffer in
                largest.withUnsafeMutableBufferPointer { largestBuffer in
                    let outPairs = SendableBuffer(base: perBandBuffer.baseAddress!)
                    let outCapped = SendableBuffer(base: cappedBuffer.baseAddress!)
                    let outLargest = SendableBuffer(base: largestBuffer.baseAddress!)
                    // Each worker takes bands w, w + workers, …; its seen-bucket fingerprints
                    // persist across its bands.
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        var seenBuckets = Set<UInt64>()
                        var packed = [UInt64](repeating: 0, count: active.count)
                        var temp = [UInt64](repeating: 0, count: active.count)
                        for band in stride(from: w, to: bands, by: workers) {
                            let base = band * count
                            for (i, p) in active.enumerated() {
                                packed[i] = UInt64(bandHashes[base + Int(p)]) << 32 | UInt64(p)
                            }
                            // Input is in position order and the sort is stable: sorting on
                            // the high 32 bits gives (hash, position) order.
                            RadixSort.sort(&packed, temp: &temp, lowBit: 32)
                            var pairs: [UInt64] = []
                            var cappedHere = 0
                            var largestHere = 0
                            var i = 0
                            while i < packed.count {
                                let h = packed[i] >> 32
                                var j = i + 1
                                while j < packed.count && packed[j] >> 32 == h { j += 1 }
                                let size = j - i
                                largestHere = max(largestHere, size)
                                if size > cap { cappedHere += 1 }
                                if size >= 2 {
                                    var fresh = true
                                    if size > 16 {
                                        var fp = UInt64(size)
                                        for t in i..<j {
                                            fp = MinHash.mix(fp ^ (packed[t] & 0xFFFF_FFFF))
                                        }
                                        fresh = seenBuckets.insert(fp).inserted
                                    }
                                    if fresh {
                                        let reach =
                                            size > cap ? Self.cappedNeighbors : Self.windowNeighbors
                                        for x in i..<(j - 1) {
                                            let a = packed[x] & 0xFFFF_FFFF
                                            let ka = keys[Int(a)]
                                            for y in (x + 1)..<min(j, x + 1 + reach) {
                                                let b = packed[y] & 0xFFFF_FFFF
                                                if keys[Int(b)] != ka { pairs.append(a << 32 | b) }
                                            }
                                        }
                                    }
                                }
                                i = j
                            }
                            sortUnique(&pairs, temp: &temp)
                            outPairs.base[band] = pairs
                            outCapped.base[band] = cappedHere
                            outLargest.base[band] = largestHere
                        }
                    }
                }
            }
        }
        var all: [UInt64] = []
        all.reserveCapacity(perBand.reduce(0) { $0 + $1.count })
        for band in 0..<bands {
            all.append(contentsOf: perBand[band])
            perBand[band] = []
        }
        var temp: [UInt64] = []
        sortUnique(&all, temp: &temp)
        return Candidates(
            pairs: all, cappedBuckets: capped.reduce(0, +), largestBucket: largest.max() ?? 0)
    }

    /// Sorts and removes repeats in place.
    static func sortUnique(_ values: inout [UInt64], temp: inout [UInt64]) {
        guard values.count > 1 else { return }
        if temp.count < values.count { temp = [UInt64](repeating: 0, count: values.count) }
        RadixSort.sort(&values, temp: &temp, lowBit: 0)
        var w = 1
        for r in 1..<values.count where values[r] != values[w - 1] {
            values[w] = values[r]
            w += 1
        }
        values.removeLast(values.count - w)
    }
}

extension RadixSort {
    /// `positions` reordered by `(keys[p], p)`: an LSD radix sort on the 64-bit key, 16 bits
    /// per pass, moving each position with its key. Stable, so positions given in ascending
    /// order stay ascending among equal keys. Passes whose digit is the same for every key
    /// are skipped.
    /// - Complexity: O(n) per pass, at most 4 passes; O(n) extra memory. (For 1M positions
    ///   about 10× faster than a comparison sort that looks the keys up.)
    static func positions(_ positions: [Int32], byKeys keys: [UInt64]) -> [Int32] {
        let n = positions.count
        if n < 2048 {
            return positions.sorted { a, b in
                let ka = keys[Int(a)]
                let kb = keys[Int(b)]
                return ka != kb ? ka < kb : a < b
            }
        }
        var k = positions.map { keys[Int($0)] }
        var v = positions
        var kTemp = [UInt64](repeating: 0, count: n)
        var vTemp = [Int32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << 16)
        var inTemp = false
        for shift in stride(from: UInt64(0), to: 64, by: 16) {
            k.withUnsafeMutableBufferPointer { k in
                kTemp.withUnsafeMutableBufferPointer { kt in
                    v.withUnsafeMutableBufferPointer { v in
                        vTemp.withUnsafeMutableBufferPointer { vt in
                            counts.withUnsafeMutableBufferPointer { c in
                                let (srcK, dstK) = inTemp ? (kt, k) : (k, kt)
                                let (srcV, dstV) = inTemp ? (vt, v) : (v, vt)
                                guard digitOffsets(srcK, shift: shift, into: c) else { return }
                                for i in 0..<n {
                                    let d = Int((srcK[i] >> shift) & 0xFFFF)
                                    dstK[c[d]] = srcK[i]
                                    dstV[c[d]] = srcV[i]
                                    c[d] += 1
                                }
                                inTemp.toggle()
                            }
                        }
                    }
                }
            }
        }
        return inTemp ? vTemp : v
    }
}

extension RadixSort {
    /// One pass's bookkeeping: counts the 16-bit digit at `shift` of every key into `counts`
    /// (65,536 slots) and turns the counts into each digit's first output index. Returns false
    /// when every key has the same digit, so the pass would move nothing and is skipped.
    @inline(__always)
    static func digitOffsets(
        _ keys: UnsafeMutableBufferPointer<UInt64>, shift: UInt64,
        into counts: UnsafeMutableBufferPointer<Int>
    ) -> Bool {
        for i in 0..<counts.count { counts[i] = 0 }
        for key in keys { counts[Int((key >> shift) & 0xFFFF)] += 1 }
        if counts[Int((keys[0] >> shift) & 0xFFFF)] == keys.count { return false }
        var sum = 0
        for i in 0..<counts.count {
            let x = counts[i]
            counts[i] = sum
            sum += x
        }
        return true
    }
}

/// LSD radix sort of `UInt64` on bits `lowBit..<64`, 16 bits per pass, stable.
///
/// Passes whose digit is the same for every value are skipped (e.g. the high digits of
/// packed pairs of a small dataset). Small arrays use the standard library sort.
/// - Complexity: O(n) per pass, at most 4 passes; O(n) extra memory (`temp`).
enum RadixSort {
    static func sort(_ values: inout [UInt64], temp: inout [UInt64], lowBit: Int) {
        let n = values.count
        if n < 2048 {
            if lowBit == 0 {
                values.sort()
            } else {
                // Stable on the high bits: ties keep their (ascending low-bit) order.
                let mask = UInt64.max << UInt64(lowBit)
                values.sort { ($0 & mask, $0) < ($1 & mask, $1) }
            }
            return
        }
        if temp.count < n { temp = [UInt64](repeating: 0, count: n) }
        var counts = [Int](repeating: 0, count: 1 << 16)
        var shift = lowBit
        var inTemp = false
        while shift < 64 {
            let s = UInt64(shift)
            values.withUnsafeMutableBufferPointer { v in
                temp.withUnsafeMutableBufferPointer { t in
                    counts.withUnsafeMutableBufferPointer { c in
                        // `temp` may be longer than `values`: passes use their first n.
                        let src = UnsafeMutableBufferPointer(rebasing: (inTemp ? t : v)[0..<n])
                        let dst = inTemp ? v : t
                        guard digitOffsets(src, shift: s, into: c) else { return }
                        for i in 0..<n {
                            let d = Int((src[i] >> s) & 0xFFFF)
                            dst[c[d]] = src[i]
                            c[d] += 1
                        }
                        inTemp.toggle()
                    }
                }
            }
            shift += 16
        }
        if inTemp {
            values.withUnsafeMutableBufferPointer { v in
                temp.withUnsafeBufferPointer { t in
                    for i in 0..<n { v[i] = t[i] }
                }
            }
        }
    }
}

import PreflightTestSupport
import Testing

@testable import PreflightChecks

struct MinHashTests {
    /// Two random sets with `common` shared and `onlyA`/`onlyB` private elements.
    static func pair(
        _ rng: inout SplitMix, common: Int, onlyA: Int, onlyB: Int
    ) -> (a: [UInt64], b: [UInt64], jaccard: Double) {
        let shared = (0..<common).map { _ in rng.next() }
        let a = (shared + (0..<onlyA).map { _ in rng.next() }).sorted()
        let b = (shared + (0..<onlyB).map { _ in rng.next() }).sorted()
        return (a, b, Double(common) / Double(common + onlyA + onlyB))
    }

    /// Mean signed and absolute error of the estimate over random pairs of sets whose sizes
    /// are drawn from `sizes`.
    static func errors(sizes: ClosedRange<Int>, pairs: Int, seed: UInt64) -> (
        bias: Double, mae: Double
    ) {
        var rng = SplitMix(seed: seed)
        let minHash = MinHash()
        var bias = 0.0
        var mae = 0.0
        for _ in 0..<pairs {
            let sizeA = rng.int(sizes.lowerBound..<(sizes.upperBound + 1))
            let common = rng.int(0..<(sizeA + 1))
            let onlyA = sizeA - common
            let onlyB = rng.int(0..<(sizeA + 1))
            guard common + onlyB > 0 else { continue }
            let (a, b, j) = pair(&rng, common: common, onlyA: onlyA, onlyB: onlyB)
            let e = MinHash.estimate(minHash.signature(of: a)!, minHash.signature(of: b)!) - j
            bias += e
            mae += abs(e)
        }
        return (bias / Double(pairs), mae / Double(pairs))
    }

    /// K independent hash functions (`a·h + b`, a odd): the classical MinHash baseline.
    static func classicErrors(sizes: ClosedRange<Int>, pairs: Int, seed: UInt64) -> Double {
        var rng = SplitMix(seed: seed)
        var params = SplitMix(seed: 99)
        let coefficients = (0..<MinHash.k).map { _ in (params.next() | 1, params.next()) }
        func signature(_ s: [UInt64]) -> [UInt64] {
            coefficients.map { c in s.map { MinHash.mix($0) &* c.0 &+ c.1 }.min()! }
        }
        var mae = 0.0
        for _ in 0..<pairs {
            let sizeA = rng.int(sizes.lowerBound..<(sizes.upperBound + 1))
            let common = rng.int(0..<(sizeA + 1))
            let onlyA = sizeA - common
            let onlyB = rng.int(0..<(sizeA + 1))
            guard common + onlyB > 0 else { continue }
            let (a, b, j) = pair(&rng, common: common, onlyA: onlyA, onlyB: onlyB)
            mae += abs(MinHash.estimate(signature(a), signature(b)) - j)
        }
        return mae / Double(pairs)
    }

    @Test(arguments: [1...5, 6...40, 41...300, 300...1000])
    func estimatorIsUnbiasedAndAccurate(sizes: ClosedRange<Int>) {
        let (bias, mae) = Self.errors(sizes: sizes, pairs: 3000, seed: 11)
        let classic = Self.classicErrors(sizes: sizes, pairs: 3000, seed: 11)
        print(
            "MinHash estimator, set sizes \(sizes): bias \(bias), MAE \(mae) (K independent hashes: MAE \(classic))"
        )
        #expect(abs(bias) < 0.005)
        // The standard error of K = 128 independent samples is ≤ 0.044 (MAE ≤ 0.035). For
        // sets smaller than K, OPH loses the larger of two elements that share a bin, which
        // adds some variance (measured: +8 % MAE for 1–5 shingles, +19 % for 6–40) but no
        // bias; from ~K shingles on it beats K independent hashes.
        #expect(mae < 0.036)
        #expect(mae < classic * 1.25)
    }

    @Test func identicalSetsAgreeEverywhereAndDisjointNowhere() {
        let minHash = MinHash()
        for size in [1, 2, 3, 5, 50, 500] {
            let a = (0..<size).map { UInt64($0) &* 0x1234_5678_9ABC_DEF1 }
            let b = (0..<size).map { UInt64($0 + 10_000) &* 0x1234_5678_9ABC_DEF1 }
            let sa = minHash.signature(of: a)!
            #expect(MinHash.estimate(sa, minHash.signature(of: a.reversed())!) == 1)
            #expect(MinHash.estimate(sa, minHash.signature(of: b)!) == 0)
        }
        #expect(minHash.signature(of: []) == nil)
    }

    @Test func signaturesAreDeterministicAndSeeded() {
        let set: [UInt64] = [1, 2, 3, 4, 5, 6, 7]
        #expect(MinHash().signature(of: set) == MinHash().signature(of: set))
        #expect(MinHash(seed: 1).signature(of: set) != MinHash(seed: 2).signature(of: set))
    }

    /// Every densified value comes from a non-empty bin of the same set.
    @Test func densifiedValuesComeFromTheSet() {
        let minHash = MinHash()
        var rng = SplitMix(seed: 3)
        for size in [1, 2, 4, 9, 11, 60, 127, 128, 129] {
            let set = (0..<size).map { _ in rng.next() }
            let permuted = Set(set.map { minHash.permute($0) })
            let signature = minHash.signature(of: set)!
            #expect(signature.allSatisfy { permuted.contains($0) })
        }
    }
}

extension MinHashTests {
    /// The inverse of `MinHash.mix` (it is bijective): undo each xor-shift and multiply by
    /// the inverse of each odd constant (Newton's iteration modulo 2⁶⁴).
    static func unmix(_ y: UInt64) -> UInt64 {
        func inverse(_ a: UInt64) -> UInt64 {
            var x = a
            for _ in 0..<5 { x = x &* (2 &- a &* x) }
            return x
        }
        func unshift(_ y: UInt64, _ s: UInt64) -> UInt64 {
            var x = y
            for _ in 0..<(64 / Int(s) + 1) { x = y ^ (x >> s) }
            return x
        }
        var z = unshift(y, 31)
        z = unshift(z &* inverse(0x94D0_49BB_1331_11EB), 27)
        return unshift(z &* inverse(0xBF58_476D_1CE4_E5B9), 30)
    }

    /// The densified signature straight from the papers: per bin the minimum permuted value
    /// of the shingles whose top bits choose it (Li, Owen & Zhang 2012); each empty bin takes
    /// the value of the first non-empty bin its probe sequence h(bin, 1), h(bin, 2), … reaches
    /// (Shrivastava 2017). No precomputed probe orders, no occupancy shortcuts.
    static func referenceSignature(_ minHash: MinHash, _ shingles: [UInt64]) -> [UInt64]? {
        let k = MinHash.k
        var bins = [UInt64?](repeating: nil, count: k)
        for s in shingles {
            let v = minHash.permute(s)
            let bin = Int(v >> UInt64(64 - MinHash.binBits))
            bins[bin] = min(bins[bin] ?? .max, v)
        }
        guard bins.contains(where: { $0 != nil }) else { return nil }
        return (0..<k).map { i in
            if let v = bins[i] { return v }
            var attempt: UInt64 = 1
            while true {
                let probed = MinHash.probe(seed: minHash.seed, bin: i, attempt: attempt)
                if let v = bins[probed] { return v }
                attempt += 1
            }
        }
    }

    @Test func signaturesEqualTheReferenceConstruction() {
        // Sizes around the sparse/dense switch (m² ≤ K) and a full signature; one scratch
        // reused, as a worker reuses it; repeated shingles, and a shingle whose permuted value
        // is UInt64.max (the branch-free bins start there).
        let minHash = MinHash()
        var rng = SplitMix(seed: 41)
        var scratch = MinHashScratch()
        var out = [UInt64](repeating: 0, count: MinHash.k)
        let maxShingle = Self.unmix(UInt64.max) ^ minHash.seed
        #expect(minHash.permute(maxShingle) == .max)
        for round in 0..<3_000 {
            var set = (0..<rng.int(1..<(round % 3 == 0 ? 20 : 400))).map { _ in rng.next() }
            if round % 7 == 0 { set += set.prefix(3) }
            if round % 11 == 0 { set.append(maxShingle) }
            let ok = set.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer {
                    minHash.signature(of: s, into: $0, scratch: &scratch)
                }
            }
            #expect(ok)
            #expect(out == Self.referenceSignature(minHash, set), "\(set.count) shingles")
        }
    }
}

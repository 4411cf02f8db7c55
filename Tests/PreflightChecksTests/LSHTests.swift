import PreflightTestSupport
import Testing

@testable import PreflightChecks

struct LSHTests {
    @Test(arguments: [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
    func bandsDetectPairsAtTheThreshold(threshold: Double) {
        let (bands, rows) = LSH.choose(threshold: threshold)
        #expect(bands * rows <= MinHash.k)
        #expect(bands == MinHash.k / rows)
        #expect(LSH.detection(similarity: threshold, bands: bands, rows: rows) >= 0.99)
        // One more row per band would miss the target: rows is maximal.
        let more = rows + 1
        #expect(LSH.detection(similarity: threshold, bands: MinHash.k / more, rows: more) < 0.99)
        print("threshold \(threshold): \(bands) bands × \(rows) rows")
    }

    @Test func defaultThresholdBanding() {
        #expect(LSH.choose(threshold: 0.8) == (21, 6))
        #expect(LSH.choose(threshold: 0.5) == (42, 3))
        #expect(LSH.choose(threshold: 0.95) == (8, 16))
        #expect(LSH.choose(threshold: 1.0) == (1, 128))
    }

    @Test(arguments: [0, 1, 100, 2047, 2048, 5000, 70_000])
    func radixSortSorts(count: Int) {
        var rng = SplitMix(seed: UInt64(count))
        let values = (0..<count).map { _ in rng.next() >> UInt64(rng.int(0..<40)) }
        var sorted = values
        var temp: [UInt64] = []
        RadixSort.sort(&sorted, temp: &temp, lowBit: 0)
        #expect(sorted == values.sorted())
    }

    @Test func radixSortReusesALongerScratchArray() {
        // LSH reuses one scratch array across bands: stale values past the sorted count must
        // not be counted.
        var rng = SplitMix(seed: 9)
        var temp = (0..<50_000).map { _ in rng.next() }
        for count in [3_000, 20_000] {
            let values = (0..<count).map { _ in rng.next() >> 20 }
            var sorted = values
            RadixSort.sort(&sorted, temp: &temp, lowBit: 0)
            #expect(sorted == values.sorted())
        }
    }

    @Test func radixSortOnHighBitsIsStable() {
        var rng = SplitMix(seed: 5)
        for count in [100, 10_000] {
            let values = (0..<count).map { UInt64(rng.int(0..<50)) << 32 | UInt64($0) }
            var sorted = values
            var temp: [UInt64] = []
            RadixSort.sort(&sorted, temp: &temp, lowBit: 32)
            #expect(sorted == values.sorted())
        }
    }

    @Test(arguments: [0, 1, 2047, 2048, 70_000])
    func positionsSortByKeyThenPosition(count: Int) {
        // Few distinct keys (long runs of equal keys) and keys differing only in high bits.
        var rng = SplitMix(seed: UInt64(count) + 3)
        let keys = (0..<count).map { _ in UInt64(rng.int(0..<300)) << UInt64(rng.int(0..<4) * 16) }
        let positions = (0..<Int32(count)).filter { _ in rng.int(0..<5) != 0 }
        let expected = positions.sorted { a, b in
            keys[Int(a)] != keys[Int(b)] ? keys[Int(a)] < keys[Int(b)] : a < b
        }
        #expect(RadixSort.positions(positions, byKeys: keys) == expected)
    }

    @Test func cappedBucketPairsEachMemberWithItsNextMembers() {
        // One band, 10 records in one bucket, cap 3: each member is paired with its next
        // `cappedNeighbors` members only.
        let n = 10
        let found = LSH.candidates(
            bandHashes: [UInt32](repeating: 7, count: n), bands: 1, count: n,
            active: (0..<Int32(n)).map { $0 }, keys: (0..<UInt64(n)).map { $0 }, maxBucket: 3)
        #expect(found.cappedBuckets == 1)
        #expect(found.largestBucket == 10)
        var expected: [UInt64] = []
        for a in 0..<n {
            for b in (a + 1)..<min(n, a + 1 + LSH.cappedNeighbors) {
                expected.append(UInt64(a) << 32 | UInt64(b))
            }
        }
        #expect(found.pairs == expected)
    }

    @Test(arguments: [5, 17, 18, 40])
    func bucketPairsEachMemberWithItsNextSixteen(size: Int) {
        // One band, one bucket under the cap: all pairs up to 17 members, then a window.
        let found = LSH.candidates(
            bandHashes: [UInt32](repeating: 7, count: size), bands: 1, count: size,
            active: (0..<Int32(size)).map { $0 }, keys: (0..<UInt64(size)).map { $0 },
            maxBucket: 200)
        #expect(found.cappedBuckets == 0)
        var expected: [UInt64] = []
        for a in 0..<size {
            for b in (a + 1)..<min(size, a + 1 + LSH.windowNeighbors) {
                expected.append(UInt64(a) << 32 | UInt64(b))
            }
        }
        #expect(found.pairs == expected)
        #expect(LSH.windowNeighbors == 16)
        if size <= 17 { #expect(found.pairs.count == size * (size - 1) / 2) }
    }

    @Test func identicalKeysAreNotCandidates() {
        let found = LSH.candidates(
            bandHashes: [1, 1, 1], bands: 1, count: 3, active: [0, 1, 2], keys: [5, 5, 6],
            maxBucket: 10)
        #expect(found.pairs == [0 << 32 | 2, 1 << 32 | 2])
        #expect(found.cappedBuckets == 0)
    }
}

import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

// MARK: - Reference and builders

/// The exact all-pairs search the engine replaced (quadratic): the definition of the results.
enum ReferenceNearSearch {
    static func run(_ spec: NearSpec, in index: DatasetIndex) -> NearPairs {
        let dataset = index.dataset
        let layout = index.value(ChecksIndex.layout)
        let hashes = ChecksIndex.keyHashes(spec.key, in: index)
        var texts: [String] = []
        for (f, file) in dataset.files.enumerated() {
            for record in file.records {
                let raw = spec.key.fields[f] == .input ? record.input : record.example
                texts.append(spec.key.normalizer.normalize(String(raw)))
            }
        }
        let words = texts.map { $0.split(separator: " ").count }.sorted()
        let median = words.isEmpty ? 0 : words[words.count / 2]
        let scheme = spec.shingle.resolved(medianWords: median)
        let sets = texts.map { ReferenceShingler.shingles(scheme, of: $0) }
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

/// A dataset of classification records, one file per split, texts as given.
func nearDataset(_ splits: [(SplitRole, [String])]) -> Dataset {
    Dataset(
        files: splits.map { split, texts in
            InputFile(
                path: "\(split).jsonl", split: split, splitSource: "test", format: .jsonl,
                schema: DatasetSchema(
                    shape: .classification, textFields: ["text"], labelField: "label"),
                sha256: "", byteCount: 0,
                records: texts.enumerated().map { i, text in
                    Record(
                        line: i + 1, ordinal: i + 1, input: text, example: text,
                        label: LabelValue(text: "l"), value: .null)
                }, issues: [])
        })
}

func nearSpec(
    _ dataset: Dataset, shingle: ShingleOption = .auto, threshold: Double = 0.8,
    maxBucket: Int = 1000
) -> NearSpec {
    NearSpec(
        key: KeySpec(.input, Normalization.standard, dataset: dataset), shingle: shingle,
        threshold: threshold, maxBucket: maxBucket)
}

/// Random texts with injected near-copies (substitutions, insertions, deletions, swaps,
/// case and whitespace variants).
struct NearCopyGenerator {
    var rng: SplitMix
    let vocabulary: [String]

    init(seed: UInt64, vocabulary size: Int = 5000) {
        rng = SplitMix(seed: seed)
        var words: [String] = []
        let syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "si", "po", "be", "du", "fa", "gi"]
        var gen = SplitMix(seed: 1)
        while words.count < size {
            var w = ""
            for _ in 0..<(2 + gen.int(0..<3)) { w += syllables[gen.int(0..<syllables.count)] }
            words.append(w)
        }
        vocabulary = words
    }

    mutating func word() -> String { vocabulary[rng.int(0..<vocabulary.count)] }

    mutating func text(words count: Int) -> [String] { (0..<count).map { _ in word() } }

    /// A variant of `words` with `edits` random edits, rendered with random case and spacing.
    mutating func variant(of words: [String], edits: Int) -> String {
        var w = words
        for _ in 0..<edits {
            switch rng.int(0..<4) {
            case 0 where !w.isEmpty: w[rng.int(0..<w.count)] = word()
            case 1: w.insert(word(), at: rng.int(0..<(w.count + 1)))
            case 2 where w.count > 1: w.remove(at: rng.int(0..<w.count))
            default:
                if w.count > 1 { w.swapAt(rng.int(0..<w.count), rng.int(0..<w.count)) }
            }
        }
        return render(w)
    }

    mutating func render(_ words: [String]) -> String {
        words.map { rng.int(0..<10) == 0 ? $0.uppercased() : $0 }
            .joined(separator: rng.int(0..<5) == 0 ? "  " : " ")
    }
}

// MARK: - Tests

struct NearDuplicateSearchTests {
    static func search(_ dataset: Dataset, _ spec: NearSpec) -> (NearPairs, NearPairs) {
        let index = DatasetIndex(dataset: dataset)
        return (
            NearDuplicateSearch(spec: spec, index: index).run(),
            ReferenceNearSearch.run(spec, in: index)
        )
    }

    /// What must equal the reference: every reported pair with its similarity, the scheme
    /// and the median; LSH may miss a pair ≥ threshold only rarely (detection ≥ 0.99 at the
    /// threshold), and when it misses none, the samples above and the histogram at and above
    /// the threshold are identical too.
    /// - Returns: the number of missed pairs.
    @discardableResult
    static func expectSame(_ got: NearPairs, _ want: NearPairs, threshold: Double) -> Int {
        let wanted = Set(want.pairs)
        #expect(got.pairs.allSatisfy { wanted.contains($0) })
        let missed = wanted.subtracting(got.pairs)
        #expect(
            missed.count <= max(1, want.pairs.count / 100),
            "missed \(missed.sorted { $0.a < $1.a })")
        #expect(got.scheme == want.scheme)
        #expect(got.medianWords == want.medianWords)
        #expect(got.candidates <= want.candidates)
        #expect(got.histogram.reduce(0, +) == got.candidates)
        if missed.isEmpty {
            #expect(got.pairs == want.pairs)
            #expect(got.samplesAbove == want.samplesAbove)
            let first = Int((threshold * 20).rounded(.up))
            #expect(Array(got.histogram[first...]) == Array(want.histogram[first...]))
        }
        // Every sample below is a genuine pair below the threshold.
        for pair in got.samplesBelow { #expect(pair.similarity < threshold && pair.similarity > 0) }
        return missed.count
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func equalsTheReferenceOnRandomDatasets(seed: UInt64) {
        var gen = NearCopyGenerator(seed: seed, vocabulary: 300)
        var splits: [(SplitRole, [String])] = []
        for split in [SplitRole.train, .validation, .test] {
            var texts: [String] = []
            for _ in 0..<(split == .train ? 150 : 50) {
                let base = gen.text(words: 3 + gen.rng.int(0..<(seed % 2 == 0 ? 60 : 25)))
                texts.append(gen.render(base))
                for _ in 0..<gen.rng.int(0..<3) {
                    texts.append(gen.variant(of: base, edits: gen.rng.int(0..<3)))
                }
                if gen.rng.int(0..<10) == 0 { texts.append(texts[gen.rng.int(0..<texts.count)]) }
            }
            splits.append((split, texts))
        }
        let dataset = nearDataset(splits)
        for threshold in [0.6, 0.8, 0.9] {
            let spec = nearSpec(dataset, threshold: threshold)
            let (got, want) = Self.search(dataset, spec)
            #expect(!want.pairs.isEmpty)
            let missed = Self.expectSame(got, want, threshold: threshold)
            print(
                "seed \(seed), threshold \(threshold): \(want.pairs.count) pairs, missed \(missed)")
            #expect((got.bands, got.rows) == LSH.choose(threshold: threshold))
        }
    }

    @Test(arguments: [ShingleScheme.chars(5), .words(2), .chars(3)])
    func equalsTheReferenceWithExplicitSchemes(scheme: ShingleScheme) {
        var gen = NearCopyGenerator(seed: 42, vocabulary: 200)
        var texts: [String] = []
        for _ in 0..<150 {
            let base = gen.text(words: 2 + gen.rng.int(0..<12))
            texts.append(gen.render(base))
            if gen.rng.int(0..<2) == 0 { texts.append(gen.variant(of: base, edits: 1)) }
        }
        texts += [
            "", "   ", "a", "ab", "Ünïcödé tëxt", "ünïcödé tëxt!", "a \u{301}b", "a \u{301}c",
        ]
        let dataset = nearDataset([(.train, texts)])
        let spec = nearSpec(dataset, shingle: .scheme(scheme), threshold: 0.7)
        let (got, want) = Self.search(dataset, spec)
        Self.expectSame(got, want, threshold: 0.7)
    }

    @Test func shortAndLongTexts() {
        var gen = NearCopyGenerator(seed: 9)
        var texts: [String] = []
        for _ in 0..<100 {
            let short = gen.text(words: 1 + gen.rng.int(0..<4))
            texts.append(gen.render(short))
            texts.append(gen.variant(of: short, edits: 1))
        }
        for _ in 0..<100 {
            let long = gen.text(words: 300 + gen.rng.int(0..<500))
            texts.append(gen.render(long))
            texts.append(gen.variant(of: long, edits: gen.rng.int(1..<30)))
        }
        let dataset = nearDataset([(.train, texts)])
        for shingle in [ShingleOption.scheme(.words(1)), .scheme(.words(3))] {
            let spec = nearSpec(dataset, shingle: shingle)
            let (got, want) = Self.search(dataset, spec)
            Self.expectSame(got, want, threshold: 0.8)
        }
    }

    /// The scheme guessed from a sample differs from the exact median's: signatures are
    /// recomputed under the right scheme.
    @Test func wrongSchemeGuessIsCorrected() {
        var gen = NearCopyGenerator(seed: 13)
        var texts = [gen.text(words: 80).joined(separator: " ")]
        for _ in 0..<60 {
            let base = gen.text(words: 8)
            texts.append(gen.render(base))
            texts.append(gen.variant(of: base, edits: 1))
        }
        let dataset = nearDataset([(.train, texts)])
        let spec = nearSpec(dataset)
        let index = DatasetIndex(dataset: dataset)
        var search = NearDuplicateSearch(spec: spec, index: index)
        search.medianSample = 1  // samples only the 80-word text: guesses words:3
        let got = search.run()
        #expect(got.scheme == .words(1))
        Self.expectSame(got, ReferenceNearSearch.run(spec, in: index), threshold: 0.8)
    }

    @Test func emptyAndTinyDatasets() {
        for texts in [[], [""], ["a"], ["a", "a"], ["a b", "a b c"], ["", "", "x"]] {
            let dataset = nearDataset([(.train, texts)])
            let (got, want) = Self.search(dataset, nearSpec(dataset))
            Self.expectSame(got, want, threshold: 0.8)
        }
    }

    @Test func exactCopiesAreNotNearPairs() {
        let dataset = nearDataset([
            (.train, ["the cat sat on the mat today", "The  cat sat on the mat today", "x"]),
            (.test, ["the cat sat on the mat today", "the cat sat on a mat today"]),
        ])
        let (got, want) = Self.search(dataset, nearSpec(dataset, threshold: 0.5))
        Self.expectSame(got, want, threshold: 0.5)
        // Train's first record and test's variant; never identical keys.
        #expect(got.pairs.map { [$0.a, $0.b] } == [[0, 4], [3, 4]])
    }

    @Test func isDeterministic() {
        var gen = NearCopyGenerator(seed: 77)
        var texts: [String] = []
        for _ in 0..<2000 {
            let base = gen.text(words: 10 + gen.rng.int(0..<30))
            texts.append(gen.render(base))
            texts.append(gen.variant(of: base, edits: 2))
        }
        let dataset = nearDataset([(.train, texts)])
        let spec = nearSpec(dataset)
        let first = NearDuplicateSearch(spec: spec, index: DatasetIndex(dataset: dataset)).run()
        let second = NearDuplicateSearch(spec: spec, index: DatasetIndex(dataset: dataset)).run()
        #expect(first.pairs == second.pairs)
        #expect(first.histogram == second.histogram)
        #expect(first.samplesBelow == second.samplesBelow)
        #expect(first.samplesAbove == second.samplesAbove)
        #expect(first.candidates == second.candidates)
    }

    /// Injected near-copies of known similarity: recall ≥ 0.99 of pairs ≥ threshold,
    /// precision 1.
    @Test(arguments: [(0.8, 12), (0.8, 45), (0.7, 20), (0.9, 60)])
    func recallOnInjectedNearCopies(threshold: Double, words: Int) {
        var gen = NearCopyGenerator(seed: UInt64(words))
        var texts: [String] = []
        var families: [[Int]] = []
        for _ in 0..<1500 {
            let base = gen.text(words: words / 2 + gen.rng.int(0..<words))
            var family = [texts.count]
            texts.append(gen.render(base))
            for _ in 0..<(1 + gen.rng.int(0..<3)) {
                family.append(texts.count)
                texts.append(gen.variant(of: base, edits: 1 + gen.rng.int(0..<max(1, words / 10))))
            }
            families.append(family)
        }
        let dataset = nearDataset([(.train, texts)])
        let spec = nearSpec(dataset, threshold: threshold)
        let index = DatasetIndex(dataset: dataset)
        let result = NearDuplicateSearch(spec: spec, index: index).run()
        let shingler = Shingler(result.scheme)
        let sets = texts.map { shingler.shingles(of: spec.key.normalizer.normalize($0)) }
        let keys = ChecksIndex.keyHashes(spec.key, in: index)
        // Ground truth: within-family pairs ≥ threshold (random vocabulary: none across).
        var truth = Set<[Int32]>()
        for family in families {
            for x in family.indices {
                for y in family.indices where x < y {
                    let (a, b) = (family[x], family[y])
                    let first = family.first { keys[$0] == keys[a] }!
                    let firstB = family.first { keys[$0] == keys[b] }!
                    guard first == a, firstB == b, keys[a] != keys[b], !sets[a].isEmpty else {
                        continue
                    }
                    if Shingler.jaccard(sets[a], sets[b]) >= threshold {
                        truth.insert([Int32(a), Int32(b)])
                    }
                }
            }
        }
        let found = Set(result.pairs.map { [$0.a, $0.b] })
        let recall = Double(truth.intersection(found).count) / Double(truth.count)
        print(
            "recall at \(threshold), ~\(words) words: \(recall) of \(truth.count) pairs; \(result.candidates) candidates"
        )
        #expect(truth.count > 200)
        #expect(recall >= 0.99)
        for pair in result.pairs {
            #expect(Shingler.jaccard(sets[Int(pair.a)], sets[Int(pair.b)]) == pair.similarity)
            #expect(pair.similarity >= threshold)
        }
    }

    /// 20,000 copies of one template with one varying word: every pair is a near-copy, the
    /// bucket is capped and the search stays fast.
    @Test func giantTemplateBucketIsCapped() {
        let texts = (0..<20_000).map {
            "please tell me the current balance of my savings account number \($0) thanks"
        }
        let dataset = nearDataset([(.train, texts)])
        let spec = nearSpec(dataset, maxBucket: 50)
        let start = ContinuousClock.now
        let result = NearDuplicateSearch(spec: spec, index: DatasetIndex(dataset: dataset)).run()
        let elapsed = ContinuousClock.now - start
        print(
            "giant bucket: \(elapsed), \(result.candidates) candidates, \(result.cappedBuckets) capped, largest \(result.largestBucket)"
        )
        #expect(result.cappedBuckets > 0)
        #expect(result.largestBucket > 10_000)
        #expect(result.candidates <= result.bands * 20_000 * 50)
        #expect(result.pairs.count == result.candidates)
    }
}

// MARK: - Performance

/// Peak and current resident set size in MB (Linux `/proc/self/status`).
func residentMB() -> (current: Double, peak: Double) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
        return (0, 0)
    }
    func field(_ name: String) -> Double {
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
    return (field("VmRSS:"), field("VmHWM:"))
}

/// 1,000,000 records of ~40 words with 1% injected near-copies. Run with
/// `PREFLIGHT_PERF=1 swift test -c release --filter NearDuplicateSearchPerformance`.
@Test(
    .tags(.performance), .enabled(if: ProcessInfo.processInfo.environment["PREFLIGHT_PERF"] == "1"))
func nearDuplicateSearchPerformanceOnOneMillionRecords() {
    let n = 1_000_000
    var gen = NearCopyGenerator(seed: 2024, vocabulary: 20_000)
    var texts: [String] = []
    texts.reserveCapacity(n)
    var base: [String] = []
    while texts.count < n {
        if texts.count % 100 == 99 {
            texts.append(gen.variant(of: base, edits: 1))
        } else {
            base = gen.text(words: 34 + gen.rng.int(0..<13))
            texts.append(base.joined(separator: " "))
        }
    }
    let dataset = nearDataset([
        (.train, Array(texts[..<(n * 9 / 10)])), (.test, Array(texts[(n * 9 / 10)...])),
    ])
    texts = []
    let index = DatasetIndex(dataset: dataset)
    let spec = nearSpec(dataset, maxBucket: 1000)
    let clock = ContinuousClock()
    let hashing = clock.measure { _ = ChecksIndex.keyHashes(spec.key, in: index) }
    let before = residentMB()
    var result: NearPairs?
    let search = clock.measure { result = ChecksIndex.nearPairs(spec, in: index) }
    let after = residentMB()
    let r = result!
    print(
        """
        near-duplicate search, \(n) records (~40 words, \(r.scheme), \(r.bands)×\(r.rows)): \(search) \
        (key hashes before: \(hashing)); \(r.pairs.count) pairs, \(r.candidates) candidates, \
        largest bucket \(r.largestBucket); RSS before \(before.current) MB, after \(after.current) MB, \
        peak \(after.peak) MB (peak before \(before.peak) MB)
        """)
    #expect(r.pairs.count >= 7_000)
}

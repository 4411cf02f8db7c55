import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// Generated classification texts: each class has its own vocabulary, every class shares a
/// larger vocabulary of noise words, and a fraction of the labels is flipped at random.
struct NoisyTextGenerator {
    var classes = 20
    var wordsPerText = 40
    /// Share of the words drawn from the record's class vocabulary.
    var signal = 0.2
    var classVocabulary = 60
    var noiseVocabulary = 2_000
    /// Share of labels replaced by a different, random class.
    var flipRate = 0.03
    var seed: UInt64 = 7

    struct Sample: Sendable {
        var texts: [String]
        /// The labels as given (some flipped).
        var labels: [Int32]
        /// The labels the texts were generated from.
        var truth: [Int32]
        var flipped: [Bool] { zip(labels, truth).map { $0 != $1 } }
    }

    /// A pronounceable pseudo-word for `n` (letters from a syllable table).
    static func word(_ n: Int) -> String {
        let syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "be", "du", "fa", "go"]
        var n = n
        var out = ""
        repeat {
            out += syllables[n % syllables.count]
            n /= syllables.count
        } while n > 0
        return out
    }

    func make(_ count: Int) -> Sample {
        var random = SplitMix64(seed: seed)
        let classWords = (0..<classes).map { c in
            (0..<classVocabulary).map { Self.word(10_000 + c * classVocabulary + $0) }
        }
        let noiseWords = (0..<noiseVocabulary).map { Self.word($0) }
        let threshold = UInt64(signal * Double(UInt64.max))
        var texts: [String] = []
        var labels: [Int32] = []
        var truth: [Int32] = []
        texts.reserveCapacity(count)
        for _ in 0..<count {
            let c = random.below(classes)
            var text = ""
            for w in 0..<wordsPerText {
                if w > 0 { text += " " }
                if random.next() < threshold {
                    text += classWords[c][random.below(classVocabulary)]
                } else {
                    // Zipf-like noise: squaring favours the first words.
                    let u = Double(random.next() >> 11) / Double(1 << 53)
                    text += noiseWords[Int(u * u * Double(noiseVocabulary))]
                }
            }
            texts.append(text)
            truth.append(Int32(c))
            var given = c
            if Double(random.next() >> 11) / Double(1 << 53) < flipRate {
                given = (c + 1 + random.below(classes - 1)) % classes
            }
            labels.append(Int32(given))
        }
        return Sample(texts: texts, labels: labels, truth: truth)
    }
}

/// Area under the ROC curve of `scores` for telling `positive` rows (Mann–Whitney U, ties
/// counted half).
func rocAUC(_ scores: [Float], _ positive: [Bool]) -> Double {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSum = 0.0
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
        let rank = Double(i + j) / 2 + 1
        for t in i...j where positive[order[t]] { rankSum += rank }
        i = j + 1
    }
    let p = Double(positive.filter { $0 }.count)
    let q = Double(positive.count) - p
    guard p > 0, q > 0 else { return 0.5 }
    return (rankSum - p * (p + 1) / 2) / (p * q)
}

/// Cross-validates `texts` with the default spec.
func crossValidate(
    _ texts: [String], _ labels: [Int32], classes: Int, spec: ClassifierSpec = ClassifierSpec()
) -> CrossValidatedClassifier.Result {
    CrossValidatedClassifier.crossValidate(
        count: texts.count, labels: labels, classes: classes, spec: spec
    ) { texts[$0] }
}

@Suite struct CrossValidatedClassifierTests {
    @Test func sameInputAndSeedGiveIdenticalProbabilities() {
        let sample = NoisyTextGenerator(classes: 5).make(300)
        let a = crossValidate(sample.texts, sample.labels, classes: 5)
        let b = crossValidate(sample.texts, sample.labels, classes: 5)
        #expect(a.probabilities == b.probabilities)
        #expect(a.folds == b.folds)
        var other = ClassifierSpec()
        other.seed = 43
        let c = crossValidate(sample.texts, sample.labels, classes: 5, spec: other)
        #expect(c.probabilities != a.probabilities)
    }

    @Test func rowsAreDistributions() {
        let sample = NoisyTextGenerator(classes: 7).make(400)
        let result = crossValidate(sample.texts, sample.labels, classes: 7)
        #expect(result.probabilities.count == 400 * 7)
        for i in 0..<400 {
            let row = result.probabilities[(i * 7)..<(i * 7 + 7)]
            #expect(row.allSatisfy { $0 >= 0 && $0 <= 1 && $0.isFinite })
            #expect(abs(row.reduce(0, +) - 1) < 1e-4)
        }
    }

    @Test func foldsAreStratified() {
        // Classes of very different sizes, not multiples of the fold count.
        var labels: [Int32] = []
        for (c, size) in [503, 97, 41, 12, 3, 1].enumerated() {
            labels += [Int32](repeating: Int32(c), count: size)
        }
        var random = SplitMix64(seed: 1)
        random.shuffle(&labels)
        let folds = StratifiedFolds.assign(labels: labels, classes: 6, folds: 5, seed: 42)
        var sizes = [Int](repeating: 0, count: 5)
        for f in folds { sizes[Int(f)] += 1 }
        #expect(sizes.max()! - sizes.min()! <= 1)
        for c in 0..<6 {
            var perFold = [Int](repeating: 0, count: 5)
            for (i, f) in folds.enumerated() where labels[i] == Int32(c) { perFold[Int(f)] += 1 }
            #expect(perFold.max()! - perFold.min()! <= 1, "class \(c): \(perFold)")
        }
        #expect(StratifiedFolds.assign(labels: labels, classes: 6, folds: 5, seed: 42) == folds)
    }

    @Test func separableDataIsLearnedPerfectly() {
        var texts: [String] = []
        var labels: [Int32] = []
        let topics = [
            ["apple", "banana", "cherry", "grape", "mango", "peach"],
            ["guitar", "piano", "violin", "drums", "flute", "cello"],
            ["rain", "snow", "storm", "sunny", "cloudy", "windy"],
        ]
        var random = SplitMix64(seed: 3)
        for i in 0..<300 {
            let c = i % 3
            texts.append((0..<6).map { _ in topics[c][random.below(6)] }.joined(separator: " "))
            labels.append(Int32(c))
        }
        let result = crossValidate(texts, labels, classes: 3)
        #expect(result.accuracy == 1)
        for i in 0..<300 { #expect(result.probabilities[i * 3 + Int(labels[i])] > 0.5) }
    }

    @Test func tinyClassesAndSingleClassGiveValidRows() {
        // Classes with one and two records; fewer records than folds; one class; none.
        let cases: [([String], [Int32], Int)] = [
            (["a b", "a c", "a d", "a e", "b x", "b y", "z"], [0, 0, 0, 0, 1, 1, 2], 3),
            (["one", "two", "three"], [0, 1, 1], 2),
            (["only", "one", "class", "here"], [0, 0, 0, 0], 1),
            (["single"], [0], 1),
            (["", "  ", "x"], [0, 1, 0], 2),
            ([], [], 0),
        ]
        for (texts, labels, k) in cases {
            let result = crossValidate(texts, labels, classes: k)
            let width = max(1, k)
            #expect(result.probabilities.count == texts.count * width)
            for i in 0..<texts.count {
                let row = result.probabilities[(i * width)..<((i + 1) * width)]
                #expect(row.allSatisfy { $0.isFinite && $0 >= 0 })
                #expect(abs(row.reduce(0, +) - 1) < 1e-4)
            }
        }
    }

    /// 3% flipped labels on generated data: flipped records get a low out-of-sample
    /// probability for their given label.
    @Test func flippedLabelsGetLowProbability() {
        // Small in debug builds (training there is ~50× slower), larger in release.
        let generator = NoisyTextGenerator(classes: _isDebugAssertConfiguration() ? 5 : 20)
        let sample = generator.make(_isDebugAssertConfiguration() ? 1_000 : 20_000)
        let result = crossValidate(sample.texts, sample.labels, classes: generator.classes)
        let k = generator.classes
        let scores = (0..<sample.labels.count).map {
            1 - result.probabilities[$0 * k + Int(sample.labels[$0])]
        }
        let auc = rocAUC(scores, sample.flipped)
        var agreeWithTruth = 0
        for i in 0..<sample.labels.count {
            let row = result.probabilities[(i * k)..<((i + 1) * k)]
            if row.firstIndex(of: row.max()!)! - row.startIndex == Int(sample.truth[i]) {
                agreeWithTruth += 1
            }
        }
        let truthAccuracy = Double(agreeWithTruth) / Double(sample.labels.count)
        print(
            "generated \(sample.labels.count) × \(k) classes, 3% flipped: accuracy \(result.accuracy), "
                + "vs true labels \(truthAccuracy), AUC(1 − p(given)) \(auc), \(result.source)")
        #expect(result.accuracy > 0.9)
        #expect(auc >= 0.97)
    }

    @Test func indexKeyScoresTrainingRecordsOnly() throws {
        var train: [(String, String)] = []
        let topics = [
            ("spam", ["win", "prize", "free", "cash"]),
            ("ham", ["lunch", "meet", "home", "later"]),
        ]
        for i in 0..<40 {
            let (label, words) = topics[i % 2]
            train.append(("\(words[i % 4]) \(words[(i / 2) % 4]) now", label))
        }
        let dataset = FixtureDataset.make([
            ("train.jsonl", .train, jsonl(train) + "\n{\"text\": \"no label\"}"),
            ("test.jsonl", .test, jsonl([("free cash", "spam")])),
        ])
        let index = DatasetIndex(dataset: dataset)
        let oos = ChecksIndex.outOfSampleProbabilities(ClassifierSpec(), in: index)
        #expect(oos.rows == 40)
        #expect(oos.positions == (0..<40).map { Int32($0) })
        #expect(oos.classes.map(\.text) == ["ham", "spam"])
        #expect(oos.probabilities.count == 80)
        #expect(oos.accuracy == 1)
        #expect(oos.source.contains("5-fold"))
    }
}

/// Resident and peak resident memory of this process in bytes (Linux `/proc/self/status`).
func memoryStatus() -> (rss: Int, peak: Int) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
        return (0, 0)
    }
    func field(_ name: String) -> Int {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else {
            return 0
        }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }
    return (field("VmRSS:"), field("VmHWM:"))
}

/// Resets the peak resident size to the current one (Linux ≥ 4.0).
func resetPeakMemory() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

/// Time and memory of features + 5-fold training + scoring on 100k and 1M generated records of
/// 40 words in 20 classes. Run with
/// `PREFLIGHT_PERF=1 swift test -c release --filter CrossValidatedClassifierPerformance`.
@Test(
    .tags(.performance), .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["PREFLIGHT_PERF"] == "1"),
    arguments: [100_000, 1_000_000])
func crossValidatedClassifierPerformance(records: Int) {
    let generator = NoisyTextGenerator()
    let sample = generator.make(records)
    var schedule: TrainingSchedule?
    if let epochs = ProcessInfo.processInfo.environment["PREFLIGHT_EPOCHS"].flatMap(Int.init) {
        schedule = TrainingSchedule.forRows(records * 4 / 5)
        schedule?.epochs = epochs
    }
    let before = memoryStatus().rss
    resetPeakMemory()
    let clock = ContinuousClock()
    let start = clock.now
    var bytes = 0
    for text in sample.texts { bytes += text.utf8.count }
    let config = CrossValidatedClassifier.featureConfig(
        count: records, bytes: bytes, classes: generator.classes)
    let features = HashedFeatures.extract(count: records, config: config) { sample.texts[$0] }
    let extracted = clock.now - start
    let result = CrossValidatedClassifier.crossValidate(
        features, labels: sample.labels, classes: generator.classes, spec: ClassifierSpec(),
        schedule: schedule)
    let total = clock.now - start
    let peak = memoryStatus().peak
    let k = generator.classes
    let scores = (0..<records).map { 1 - result.probabilities[$0 * k + Int(sample.labels[$0])] }
    let auc = rocAUC(scores, sample.flipped)
    print(
        "\(records) records: features \(extracted) (\(features.nonZeros) non-zeros, \(features.dimension) features), total \(total), "
            + "peak RSS added \((peak - before) >> 20) MB; accuracy \(result.accuracy), "
            + "AUC \(auc), epochs \(result.schedule.epochs); \(result.source)")
    #expect(auc >= 0.97)
}

/// Out-of-sample accuracy on real published datasets from `../shared/data`.
/// Release builds only (or `PREFLIGHT_PERF=1`): a debug build trains ~50× slower.
@Suite(
    .enabled(if: RepositoryPaths.sharedData("banking77") != nil, "needs ../shared/data"),
    .enabled(
        if: !_isDebugAssertConfiguration()
            || ProcessInfo.processInfo.environment["PREFLIGHT_PERF"] == "1",
        "release build"))
struct CrossValidatedClassifierRealDataTests {
    static func load(_ name: String, _ file: String) throws -> (
        texts: [String], labels: [Int32], classes: Int
    ) {
        let url = RepositoryPaths.sharedData(name)!.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        var texts: [String] = []
        var names: [String] = []
        for line in text.split(separator: "\n") {
            guard
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8))
                    as? [String: Any],
                let input = object["text"] as? String, let label = object["label"]
            else { continue }
            texts.append(input)
            names.append("\(label)")
        }
        let classes = Array(Set(names)).sorted()
        let ids = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        return (texts, names.map { ids[$0]! }, classes.count)
    }

    @Test(arguments: [("banking77", "train.jsonl", 0.85), ("sms_spam", "data.jsonl", 0.97)])
    func outOfSampleAccuracy(name: String, file: String, expected: Double) throws {
        guard RepositoryPaths.sharedData(name) != nil else { return }
        let data = try Self.load(name, file)
        let clock = ContinuousClock()
        var result: CrossValidatedClassifier.Result?
        let elapsed = clock.measure {
            result = crossValidate(data.texts, data.labels, classes: data.classes)
        }
        print(
            "\(name): \(data.texts.count) records, \(data.classes) classes, out-of-sample accuracy \(result!.accuracy) in \(elapsed)"
        )
        #expect(result!.accuracy >= expected)
    }
}

import Foundation
import PreflightCore

/// How the built-in classifier that scores each training record is trained.
struct ClassifierSpec: Sendable, Hashable {
    /// Folds of stratified cross-validation: each record is scored by a model that never saw it.
    var folds: Int = 5
    /// Seed of the fold assignment and any training randomness: same seed, same probabilities.
    var seed: UInt64 = 42
    /// The index key name: every field of the spec.
    var name: String { "checks.oos.\(folds)/\(seed)" }
}

/// Out-of-sample predicted class probabilities for the labelled training records.
///
/// Row `i` belongs to the record at layout position `positions[i]`, whose given label is
/// `labels[i]` (an index into `classes`). Probabilities are row-major, `rows × classes.count`,
/// each row summing to 1.
struct OutOfSampleProbabilities: Sendable {
    /// Class names in label-id order (`LabelColumn.labels` order).
    var classes: [LabelValue]
    /// Layout positions of the scored records (training split, labelled shape), ascending.
    var positions: [Int32]
    /// The given label id of each row.
    var labels: [Int32]
    /// `rows × classes.count` probabilities, row-major.
    var probabilities: [Float]
    /// Fraction of rows whose most probable class is the given label.
    var accuracy: Double
    /// Where the probabilities come from, for the report (e.g. "built-in classifier, 5-fold").
    var source: String

    var rows: Int { positions.count }

    /// The probabilities of row `i`.
    func row(_ i: Int) -> ArraySlice<Float> {
        let k = classes.count
        return probabilities[(i * k)..<((i + 1) * k)]
    }
}

extension ChecksIndex {
    /// Out-of-sample probabilities of the training records under `spec`, computed once.
    /// - Complexity: O(folds × training cost), parallel over folds.
    static func outOfSampleProbabilities(_ spec: ClassifierSpec, in index: DatasetIndex)
        -> OutOfSampleProbabilities
    {
        index.value(
            IndexKey(spec.name) { _ in
                CrossValidatedClassifier(spec: spec, index: index).run()
            })
    }
}

/// Scores every labelled training record with a classifier trained on the other folds.
///
/// REFERENCE BODY: multinomial naive Bayes on word unigrams (Laplace smoothing), stratified
/// folds by a seeded hash of the position. It defines the interface; the built-in
/// hashed-feature logistic regression replaces it.
struct CrossValidatedClassifier {
    let spec: ClassifierSpec
    let index: DatasetIndex

    func run() -> OutOfSampleProbabilities {
        let dataset = index.dataset
        let layout = index.value(ChecksIndex.layout)
        let labelColumn = index.value(ChecksIndex.labels)
        let k = labelColumn.labels.count
        var positions: [Int32] = []
        var labels: [Int32] = []
        var tokens: [[UInt64]] = []
        for range in layout.ranges(of: .train, in: dataset) {
            for p in range where labelColumn.ids[p] >= 0 {
                let record = dataset[layout.ref(p)]
                positions.append(Int32(p))
                labels.append(labelColumn.ids[p])
                tokens.append(
                    TextNormalizer.standard.normalize(record.input).split(separator: " ").map {
                        XXH64.hash(String($0))
                    })
            }
        }
        let n = positions.count
        // Stratified folds: within each class, records in a seeded hash order, dealt round-robin.
        var fold = [Int](repeating: 0, count: n)
        var byClass = [[Int]](repeating: [], count: k)
        for i in 0..<n { byClass[Int(labels[i])].append(i) }
        for members in byClass {
            let ordered = members.sorted {
                (XXH64.hash(String($0), seed: spec.seed), $0) < (
                    XXH64.hash(String($1), seed: spec.seed), $1
                )
            }
            for (j, i) in ordered.enumerated() { fold[i] = j % spec.folds }
        }
        var probabilities = [Float](repeating: 0, count: n * k)
        var correct = 0
        for f in 0..<spec.folds {
            var classDocs = [Double](repeating: 0, count: k)
            var classTokens = [Double](repeating: 0, count: k)
            var counts = [UInt64: [Double]]()
            for i in 0..<n where fold[i] != f {
                let c = Int(labels[i])
                classDocs[c] += 1
                for t in tokens[i] {
                    counts[t, default: [Double](repeating: 0, count: k)][c] += 1
                    classTokens[c] += 1
                }
            }
            let vocabulary = Double(max(1, counts.count))
            let docs = classDocs.reduce(0, +)
            for i in 0..<n where fold[i] == f {
                var logp = (0..<k).map { c in log((classDocs[c] + 1) / (docs + Double(k))) }
                for t in tokens[i] {
                    let row = counts[t]
                    for c in 0..<k {
                        logp[c] += log(((row?[c] ?? 0) + 1) / (classTokens[c] + vocabulary))
                    }
                }
                let top = logp.max() ?? 0
                let exps = logp.map { exp($0 - top) }
                let sum = exps.reduce(0, +)
                for c in 0..<k { probabilities[i * k + c] = Float(exps[c] / sum) }
                if let best = (0..<k).max(by: { (logp[$0], -$0) < (logp[$1], -$1) }),
                    best == Int(labels[i])
                {
                    correct += 1
                }
            }
        }
        return OutOfSampleProbabilities(
            classes: labelColumn.labels, positions: positions, labels: labels,
            probabilities: probabilities, accuracy: n == 0 ? 0 : Double(correct) / Double(n),
            source:
                "built-in classifier (naive Bayes reference), \(spec.folds)-fold cross-validated")
    }
}

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
    /// Who scored the records, with the verb, to start a finding's clause: "the model trained
    /// without this record gives", or "your predictions give" for `--predictions`.
    var scorer = "the model trained without this record gives"

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

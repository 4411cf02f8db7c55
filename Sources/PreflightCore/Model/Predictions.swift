/// Out-of-sample class probabilities from the user's own model (`--predictions FILE`), as
/// read from the file: one row per training record, tied to it by a key.
///
/// When a dataset carries predictions, the label-noise checks (`label_issues`,
/// `class_confusion`) score the labelled training records with them instead of training the
/// built-in classifier. Readers parse the file (`PredictionsReader`); the checks module ties
/// rows to records and classes to labels (`ExternalPredictions`).
public struct Predictions: Sendable, Equatable {
    /// How a row names its training record.
    public enum KeyKind: String, Sendable, Equatable {
        /// The record's own id (`Record.id`).
        case id
        /// The 1-based physical line where the record starts in its training file (`Record.line`).
        case line
    }

    /// The file as the user named it.
    public var path: String
    /// The key every row uses.
    public var keyKind: KeyKind
    /// Class names in column order, exactly as written (matched against `LabelValue.text`).
    public var classes: [String]
    /// The line of the file that names the classes (the CSV header, the JSONL `classes`
    /// header or the first row), for messages.
    public var classLine: Int
    /// The rows, in file order.
    public var rows: [PredictionRow]
    /// `rows.count × classes.count` probabilities, row-major, each row renormalized to sum to 1.
    public var probabilities: [Float]

    /// Creates predictions.
    /// - Precondition: `probabilities.count == rows.count * classes.count`.
    public init(
        path: String, keyKind: KeyKind, classes: [String], classLine: Int,
        rows: [PredictionRow], probabilities: [Float]
    ) {
        precondition(probabilities.count == rows.count * classes.count, "rows × classes")
        self.path = path
        self.keyKind = keyKind
        self.classes = classes
        self.classLine = classLine
        self.rows = rows
        self.probabilities = probabilities
    }

    /// Where the probabilities come from, for check summaries: "predictions from preds.csv".
    public var source: String { "predictions from \(path)" }

    /// The probabilities of row `i`, in class order.
    public func probabilities(ofRow i: Int) -> ArraySlice<Float> {
        let k = classes.count
        return probabilities[(i * k)..<((i + 1) * k)]
    }
}

/// One row of a predictions file: where it is, and which training record it is about.
public struct PredictionRow: Hashable, Sendable {
    /// 1-based physical line of the row in the predictions file.
    public var line: Int
    /// The training file named in the row's `file` column, when it has one.
    public var file: String?
    /// The record's id or line.
    public var key: PredictionKey

    /// Creates a row.
    public init(line: Int, file: String?, key: PredictionKey) {
        self.line = line
        self.file = file
        self.key = key
    }
}

/// The value that ties a predictions row to a training record.
public enum PredictionKey: Hashable, Sendable, CustomStringConvertible {
    /// The record's own id.
    case id(String)
    /// The 1-based line where the record starts in its training file.
    case line(Int)

    /// `id 't-5'` or `line 12`, for messages.
    public var description: String {
        switch self {
        case .id(let id): "id '\(id)'"
        case .line(let line): "line \(line)"
        }
    }
}

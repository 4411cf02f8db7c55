/// A label value as written in the data.
public struct LabelValue: Hashable, Sendable, Comparable {
    /// The label as text (a number keeps its lexeme).
    public var text: String
    /// True when the data wrote the label as a number rather than a string.
    public var isNumeric: Bool
    public init(text: String, isNumeric: Bool = false) {
        self.text = text
        self.isNumeric = isNumeric
    }
    public static func < (lhs: LabelValue, rhs: LabelValue) -> Bool {
        lhs.text != rhs.text ? lhs.text < rhs.text : (!lhs.isNumeric && rhs.isNumeric)
    }
}

/// One well-formed example, with its canonical views resolved from the schema.
///
/// Readers keep the parsed `value`; `input`, `example` and `label` are the projections
/// every check shares, so that no check re-derives field mapping.
public struct Record: Sendable {
    /// Physical 1-based line where the record starts.
    public var line: Int
    /// 1-based ordinal of the record in its file (CSV header excluded).
    public var ordinal: Int
    /// The user's own id, when the record has one.
    public var id: String?
    /// The class label, for labelled shapes.
    public var label: LabelValue?
    /// The record as parsed.
    public var value: DataValue
    /// UTF-8 bytes at the start of `input` and `example` taken by leading system messages
    /// (chat and ShareGPT records: their lines and the newline after them); 0 when there are
    /// none. Near-duplicate similarity leaves them out (see `Record.similarityText`).
    public var systemPrefix: Int32

    /// The one storage of both texts (stored once): the example, whose first `inputEnd` UTF-8
    /// bytes are the input (chat, prompt/completion and instruction records, whose prompt
    /// side starts the example, and classification records, whose input is the example); or,
    /// when the input does not start the example (some preference records), the input
    /// followed by the example.
    private var texts: String
    /// `input` is `texts`' UTF-8 bytes `0 ..< inputEnd`.
    private var inputEnd: Int
    /// `example` is `texts`' UTF-8 bytes from `exampleStart` to the end.
    private var exampleStart: Int

    /// What the model sees: the text fields for classification, the prompt side of a
    /// generative example (all turns but the last assistant turn, for chat).
    public var input: Substring {
        let utf8 = texts.utf8
        if inputEnd == utf8.count { return texts[...] }
        return Substring(utf8[utf8.startIndex..<utf8.index(utf8.startIndex, offsetBy: inputEnd)])
    }

    /// The whole example as one canonical text (for classification, the input).
    public var example: Substring {
        if exampleStart == 0 { return texts[...] }
        let utf8 = texts.utf8
        return Substring(utf8[utf8.index(utf8.startIndex, offsetBy: exampleStart)...])
    }

    /// A record with its input and example; they share one storage when the example starts
    /// with the input.
    public init(
        line: Int, ordinal: Int, id: String? = nil, input: String, example: String,
        label: LabelValue? = nil, value: DataValue, systemPrefix: Int32 = 0
    ) {
        self.line = line
        self.ordinal = ordinal
        self.id = id
        self.label = label
        self.value = value
        self.systemPrefix = systemPrefix
        texts = ""
        inputEnd = 0
        exampleStart = 0
        setTexts(input: input, example: example)
    }

    /// Sets `input` and `example`: stored once when the example starts with the input.
    /// - Complexity: O(length of the input) to compare it with the example's start.
    public mutating func setTexts(input: String, example: String) {
        let inputBytes = input.utf8.count
        if example.utf8.count >= inputBytes, example.utf8.starts(with: input.utf8) {
            texts = example
            inputEnd = inputBytes
            exampleStart = 0
        } else {
            texts = input + example
            inputEnd = inputBytes
            exampleStart = inputBytes
        }
    }

    /// Sets `example` and, as its first `inputBytes` UTF-8 bytes, `input` (which must end on
    /// a Unicode scalar boundary): the readers' way, without comparing the texts.
    public mutating func setTexts(example: String, inputBytes: Int) {
        precondition(inputBytes >= 0 && inputBytes <= example.utf8.count)
        texts = example
        inputEnd = inputBytes
        exampleStart = 0
    }
}

/// A record that could not be used, and why. Becomes a `malformed_record` finding.
public struct RecordIssue: Hashable, Sendable {
    public var line: Int
    /// 1-based record ordinal, when the reader got far enough to count it.
    public var ordinal: Int?
    /// `invalid_json`, `invalid_utf8`, `missing_field`, `empty_text`, `wrong_type`,
    /// `ragged_row`, `not_an_object`, `mixed_shape`, `invalid_yaml`, `invalid_csv`, …
    public var code: String
    public var message: String
    public var field: String?
    /// The record's id when it could be read.
    public var id: String?

    public init(
        line: Int, ordinal: Int? = nil, code: String, message: String, field: String? = nil,
        id: String? = nil
    ) {
        self.line = line
        self.ordinal = ordinal
        self.code = code
        self.message = message
        self.field = field
        self.id = id
    }
}

/// The fields an input's records are read through.
public struct DatasetSchema: Hashable, Sendable {
    public var shape: Shape
    /// Fields joined (with a newline) to form the input of a classification record.
    public var textFields: [String]
    public var labelField: String?
    public var idField: String?
    /// How the shape and fields were decided, for the report ("detected", "rules", "flag").
    public var source: String

    public init(
        shape: Shape, textFields: [String] = [], labelField: String? = nil,
        idField: String? = nil, source: String = "detected"
    ) {
        self.shape = shape
        self.textFields = textFields
        self.labelField = labelField
        self.idField = idField
        self.source = source
    }
}

/// One input file after reading: its records, its problems and how it was interpreted.
public struct InputFile: Sendable {
    /// The path as the user named it, "/" separators.
    public var path: String
    public var split: SplitRole
    /// How the split role was decided, e.g. "--train flag" or "file name 'train*'".
    public var splitSource: String
    public var format: InputFormat
    /// "gzip" when the file was compressed.
    public var compression: String?
    public var schema: DatasetSchema
    /// Hex SHA-256 of the file's bytes as stored (compressed bytes for .gz).
    public var sha256: String
    public var byteCount: Int
    /// Well-formed records in file order.
    public var records: [Record]
    /// Records that could not be used, in file order: the first `keptIssues` of them.
    public var issues: [RecordIssue]
    /// Records that could not be used after the first `keptIssues`: counted, not kept.
    public var omittedIssues: Int

    /// Issues kept per file, with their line and message. A file of millions of broken lines
    /// (binary data with newlines, a wrong format) would otherwise cost gigabytes and a
    /// report of gigabytes; the first ten thousand show what is wrong, the count says how much.
    public static let keptIssues = 10_000

    /// Records that could not be used, kept or not.
    public var malformedCount: Int { issues.count + omittedIssues }

    public init(
        path: String, split: SplitRole, splitSource: String, format: InputFormat,
        compression: String? = nil, schema: DatasetSchema, sha256: String, byteCount: Int,
        records: [Record], issues: [RecordIssue], omittedIssues: Int = 0
    ) {
        self.path = path
        self.split = split
        self.splitSource = splitSource
        self.format = format
        self.compression = compression
        self.schema = schema
        self.sha256 = sha256
        self.byteCount = byteCount
        self.records = records
        self.issues = issues
        self.omittedIssues = omittedIssues
    }

    /// The location of a record of this file.
    public func location(of record: Record, field: String? = nil) -> DataLocation {
        DataLocation(
            path: path, split: split.rawValue, line: record.line, record: record.ordinal,
            id: record.id, field: field)
    }

    /// The location of a malformed record of this file.
    public func location(of issue: RecordIssue) -> DataLocation {
        DataLocation(
            path: path, split: split.rawValue, line: issue.line, record: issue.ordinal,
            id: issue.id, field: issue.field)
    }

    /// The location of the file as a whole.
    public var fileLocation: DataLocation { DataLocation(path: path, split: split.rawValue) }
}

/// Everything an audit reads: the input files, in the order given, and the user's own
/// out-of-sample probabilities when there are some.
public struct Dataset: Sendable {
    public var files: [InputFile]
    /// Probabilities of the user's model for the labelled training records (`--predictions`).
    /// When set, the label-noise checks use them instead of training the built-in classifier
    /// (the checks module ties them to the records; a mismatch makes those checks throw, so
    /// the CLI checks the fit before running any check).
    public var predictions: Predictions?

    public init(files: [InputFile], predictions: Predictions? = nil) {
        self.files = files
        self.predictions = predictions
    }

    /// The split roles present, in report order.
    public var splits: [SplitRole] { Array(Set(files.map(\.split))).sorted() }

    /// The files of one split, in input order.
    public func files(in split: SplitRole) -> [InputFile] { files.filter { $0.split == split } }

    /// Well-formed records in a split.
    public func recordCount(in split: SplitRole) -> Int {
        files(in: split).reduce(0) { $0 + $1.records.count }
    }
}

/// A position in the dataset: file index and record index within that file.
public struct RecordRef: Hashable, Sendable, Comparable {
    public var file: Int32
    public var record: Int32
    public init(file: Int, record: Int) {
        self.file = Int32(file)
        self.record = Int32(record)
    }
    public static func < (lhs: RecordRef, rhs: RecordRef) -> Bool {
        lhs.file != rhs.file ? lhs.file < rhs.file : lhs.record < rhs.record
    }
}

extension Dataset {
    /// The record a reference points at.
    public subscript(ref: RecordRef) -> Record { files[Int(ref.file)].records[Int(ref.record)] }
    /// The location of the record a reference points at.
    public func location(of ref: RecordRef) -> DataLocation {
        files[Int(ref.file)].location(of: self[ref])
    }
}

import PreflightCore

/// Ties the user's own out-of-sample probabilities (`--predictions`) to the labelled training
/// records, in the row order of `CrossValidatedClassifier.run()`: training files in input
/// order, records with a label in file order.
///
/// - Classes: every label of the labelled training records needs a class of the same text
///   (`LabelValue.text`); a class that is no such label is an error. Labels seen only in
///   held-out splits get probability 0.
/// - Keys: `id` matches `Record.id`, `line` matches `Record.line`; `file` (the path as given,
///   or its base name) restricts a row to one training file and is required for line keys
///   when more than one training file has labelled records.
/// - Every labelled training record needs exactly one row, and every row one record.
///
/// `accuracy` is the share of rows whose most probable class (lowest label id on ties) is
/// the given label, so the checks' `min_accuracy` gate applies as for the built-in model.
public enum ExternalPredictions {
    /// How many records without a row the coverage problem names.
    static let missingShown = 5

    /// Checks that `predictions` fit the labelled training records of `dataset`, as the
    /// label-noise checks will use them.
    /// - Throws: `PredictionsError.invalid` naming the first problems: classes that are not
    ///   the training labels, rows whose key matches no record or the same record as another
    ///   row, and records without a row.
    /// - Complexity: O(n·K + r) for n labelled training records, r rows and K classes.
    public static func validate(_ predictions: Predictions, for dataset: Dataset)
        throws(PredictionsError)
    {
        _ = try align(
            predictions, dataset: dataset, layout: DatasetLayout(dataset),
            labels: LabelColumn(dataset))
    }

    /// The probabilities of `predictions` as out-of-sample probabilities of the labelled
    /// training records.
    /// - Throws: `PredictionsError.invalid`, as `validate`.
    /// - Complexity: O(n·K + r).
    static func align(
        _ predictions: Predictions, dataset: Dataset, layout: DatasetLayout,
        labels column: LabelColumn
    ) throws(PredictionsError) -> OutOfSampleProbabilities {
        var problems = PredictionsProblems(path: predictions.path)
        let records = TrainingRecords(dataset: dataset, layout: layout, labels: column)
        guard !records.positions.isEmpty else {
            problems.add(
                line: nil,
                "the training data has no labelled records to match the predictions with: "
                    + "give classification training data (text and label) or leave out "
                    + "--predictions")
            throw problems.error
        }
        let columnOf = matchClasses(predictions, records: records, problems: &problems)
        let rowOf = matchRows(predictions, records: records, problems: &problems)
        reportMissing(rowOf, records: records, problems: &problems)
        try problems.throwIfAny()

        let k = column.labels.count
        let width = predictions.classes.count
        var probabilities = [Float](repeating: 0, count: records.positions.count * k)
        var correct = 0
        for (i, row) in rowOf.enumerated() {
            let source = row * width
            var best = 0
            for label in 0..<k where columnOf[label] >= 0 {
                probabilities[i * k + label] = predictions.probabilities[source + columnOf[label]]
            }
            for label in 1..<max(1, k)
            where probabilities[i * k + label] > probabilities[i * k + best] {
                best = label
            }
            if best == Int(records.labels[i]) { correct += 1 }
        }
        return OutOfSampleProbabilities(
            classes: column.labels, positions: records.positions, labels: records.labels,
            probabilities: probabilities,
            accuracy: Double(correct) / Double(records.positions.count),
            source: predictions.source, scorer: "your predictions give")
    }

    // MARK: - Classes

    /// The predictions column of every label id (-1: none, for labels of held-out records
    /// only); problems for training labels without a class and classes that are no label.
    private static func matchClasses(
        _ predictions: Predictions, records: TrainingRecords, problems: inout PredictionsProblems
    ) -> [Int] {
        let labels = records.column.labels
        var columnOf = [Int](repeating: -1, count: labels.count)
        var byText: [String: [Int]] = [:]
        for label in records.trainingLabels {
            byText[labels[label].text, default: []].append(label)
        }
        let trainingTexts = records.trainingLabels.map { labels[$0].text }
        let heldOutTexts = Set(labels.map(\.text)).subtracting(trainingTexts)
        var unmatched: [String] = []
        let line = predictions.classLine
        for (c, name) in predictions.classes.enumerated() {
            guard let ids = byText[name] else {
                unmatched.append(name)
                if heldOutTexts.contains(name) {
                    problems.add(
                        line: line,
                        "class \(Format.quoted(name)) is a label of held-out records only, not "
                            + "of any labelled training record: drop it (the predictions are "
                            + "for training records)")
                } else {
                    let missing = trainingTexts.filter { text in
                        !predictions.classes.contains(text)
                    }
                    problems.add(
                        line: line,
                        "class \(Format.quoted(name)) is not a label of the training data: "
                            + "name each class exactly as its label is written in the data"
                            + didYouMean(name, missing.isEmpty ? trainingTexts : missing))
                }
                continue
            }
            guard ids.count == 1 else {
                problems.add(
                    line: line,
                    "class \(Format.quoted(name)) is ambiguous: the training data has the label "
                        + "both as a number and as text (see label_hygiene); write it one way")
                continue
            }
            columnOf[ids[0]] = c
        }
        for label in records.trainingLabels where columnOf[label] < 0 {
            let text = labels[label].text
            guard byText[text]?.count == 1 else { continue }  // ambiguous: reported above
            let count = records.labels.reduce(0) { $0 + ($1 == Int32(label) ? 1 : 0) }
            problems.add(
                line: line,
                "training label \(Format.label(labels[label])) "
                    + "(\(Format.count(count, "record"))) has no class in the predictions: add "
                    + "it, named exactly as the label is written in the data"
                    + didYouMean(text, unmatched))
        }
        return columnOf
    }

    // MARK: - Rows

    /// The predictions row of every labelled training record (-1: none); problems for rows
    /// that match no record, several records, or a record another row matched.
    private static func matchRows(
        _ predictions: Predictions, records: TrainingRecords, problems: inout PredictionsProblems
    ) -> [Int] {
        var rowOf = [Int](repeating: -1, count: records.positions.count)
        var files = FileResolver(records: records)
        var reportedNoFile = false
        for (r, row) in predictions.rows.enumerated() {
            var file: Int?
            if let name = row.file {
                switch files.resolve(name) {
                case .file(let f): file = f
                case .problem(let message, let isNew):
                    if isNew { problems.add(line: row.line, message) }
                    continue
                }
            }
            let candidates: [Int]
            switch row.key {
            case .id(let id):
                candidates = (records.byID[id] ?? []).filter {
                    file == nil || records.file(ofRow: $0) == file
                }
            case .line(let line):
                if file == nil {
                    guard records.labelledFiles.count == 1 else {
                        if !reportedNoFile {
                            reportedNoFile = true
                            problems.add(
                                line: row.line,
                                "rows are keyed by line but \(records.labelledFiles.count) "
                                    + "training files have labelled records ("
                                    + records.names(records.labelledFiles)
                                    + "), and this row names none: add a 'file' column naming "
                                    + "each row's training file")
                        }
                        continue
                    }
                    file = records.labelledFiles[0]
                }
                candidates = records.byLine[LineKey(file: file!, line: line)].map { [$0] } ?? []
            }
            guard candidates.count == 1 else {
                problems.add(
                    line: row.line,
                    candidates.isEmpty
                        ? notFound(
                            row.key, file: file, records: records,
                            verbose: problems.total < PredictionsProblems.limit)
                        : "\(row.key) is shared by \(candidates.count) labelled training records "
                            + "("
                            + candidates.prefix(3).map { records.place(ofRow: $0) }
                            .joined(separator: ", ") + "): key the rows by line instead"
                            + (file == nil && records.labelledFiles.count > 1
                                ? ", or add a 'file' column" : ""))
                continue
            }
            let record = candidates[0]
            if rowOf[record] >= 0 {
                problems.add(
                    line: row.line,
                    "the row is for the same record as line \(predictions.rows[rowOf[record]].line) "
                        + "(\(records.place(ofRow: record))): give each record one row")
                continue
            }
            rowOf[record] = r
        }
        return rowOf
    }

    /// Why a key matches no labelled training record, and which file was searched.
    private static func notFound(
        _ key: PredictionKey, file: Int?, records: TrainingRecords, verbose: Bool
    ) -> String {
        let searched = file.map { [$0] } ?? records.trainFiles
        let dataset = records.dataset
        var message: String
        switch key {
        case .id:
            message = "\(key) matches no labelled training record in \(records.names(searched))"
        case .line(let line):
            let name = records.names([searched[0]])
            message = "line \(line) of \(name) starts no labelled training record"
        }
        guard verbose else { return message + ": give rows for labelled training records only" }
        // A hint for the common mistakes: a malformed or unlabelled record, a held-out record.
        var hint = "give rows for labelled training records only"
        for f in searched {
            let input = dataset.files[f]
            switch key {
            case .id(let id):
                if let issue = input.issues.first(where: { $0.id == id }) {
                    hint =
                        "line \(issue.line) of \(records.names([f])) has that id but is a "
                        + "malformed record (\(issue.code)): fix it, or drop the row"
                } else if input.records.contains(where: { $0.id == id }) {
                    hint = "that record of \(records.names([f])) has no label: drop the row"
                }
            case .line(let line):
                if let issue = input.issues.first(where: { $0.line == line }) {
                    hint = "it is a malformed record (\(issue.code)): fix it, or drop the row"
                } else if input.records.contains(where: { $0.line == line }) {
                    hint = "its record has no label: drop the row"
                }
            }
        }
        if file == nil, case .id(let id) = key,
            let heldOut = dataset.files.first(where: { input in
                input.split != .train && input.records.contains { $0.id == id }
            })
        {
            hint =
                "it is a record of \(Format.quoted(heldOut.path)) (\(heldOut.split.rawValue)): "
                + "give rows for training records only"
        }
        return message + ": " + hint
    }

    /// The coverage problem: labelled training records without a row.
    private static func reportMissing(
        _ rowOf: [Int], records: TrainingRecords, problems: inout PredictionsProblems
    ) {
        let missing = rowOf.indices.filter { rowOf[$0] < 0 }
        guard !missing.isEmpty else { return }
        var shown = missing.prefix(missingShown).map { records.place(ofRow: $0) }
            .joined(separator: ", ")
        if missing.count > missingShown { shown += ", …" }
        problems.add(
            line: nil,
            "\(Format.count(missing.count, "labelled training record")) of "
                + "\(records.positions.count) \(missing.count == 1 ? "has" : "have") no row ("
                + shown + "): give a row for every labelled training record, e.g. the "
                + "out-of-fold probabilities of a cross-validated model")
    }

    /// "; did you mean 'x'?" for a likely typo of one of `candidates`, else empty.
    private static func didYouMean(_ word: String, _ candidates: [String]) -> String {
        Suggestion.closest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}

// MARK: - Lookups

/// A training file and a line within it.
private struct LineKey: Hashable {
    var file: Int
    var line: Int
}

/// The labelled training records in scoring order, with lookups by id and by line.
private struct TrainingRecords {
    let dataset: Dataset
    let layout: DatasetLayout
    let column: LabelColumn
    /// Layout positions of the labelled training records, ascending (the scoring order).
    var positions: [Int32] = []
    /// The given label id of each.
    var labels: [Int32] = []
    /// Indices of the training files, in input order.
    let trainFiles: [Int]
    /// Indices of the training files with labelled records.
    var labelledFiles: [Int] = []
    /// Label ids given to at least one labelled training record, ascending.
    var trainingLabels: [Int] = []
    /// Rows (indices into `positions`) per record id.
    var byID: [String: [Int]] = [:]
    /// The row of the record starting at each line of each file.
    var byLine: [LineKey: Int] = [:]

    init(dataset: Dataset, layout: DatasetLayout, labels column: LabelColumn) {
        self.dataset = dataset
        self.layout = layout
        self.column = column
        trainFiles = dataset.files.indices.filter { dataset.files[$0].split == .train }
        var counts = [Int](repeating: 0, count: column.labels.count)
        for f in trainFiles {
            let records = dataset.files[f].records
            var any = false
            for p in layout.offsets[f]..<layout.offsets[f + 1] where column.ids[p] >= 0 {
                let record = records[p - layout.offsets[f]]
                let row = positions.count
                positions.append(Int32(p))
                labels.append(column.ids[p])
                counts[Int(column.ids[p])] += 1
                if let id = record.id { byID[id, default: []].append(row) }
                byLine[LineKey(file: f, line: record.line)] = row
                any = true
            }
            if any { labelledFiles.append(f) }
        }
        trainingLabels = counts.indices.filter { counts[$0] > 0 }
    }

    /// The file index of a row.
    func file(ofRow row: Int) -> Int { layout.file(of: Int(positions[row])) }

    /// `train.jsonl:12 (id 't-5')` for a row's record.
    func place(ofRow row: Int) -> String {
        let ref = layout.ref(Int(positions[row]))
        let record = dataset[ref]
        let path = dataset.files[Int(ref.file)].path
        return "\(path):\(record.line)" + (record.id.map { " (id \(Format.quoted($0)))" } ?? "")
    }

    /// `'a.jsonl'`, `the training files 'a.jsonl', 'b.jsonl'`: the files searched.
    func names(_ files: [Int]) -> String {
        let quoted = files.prefix(3).map { Format.quoted(dataset.files[$0].path) }
        let list = quoted.joined(separator: ", ") + (files.count > 3 ? ", …" : "")
        return files.count == 1 ? list : "the training files \(list)"
    }
}

/// Resolves the `file` of rows to training files, once per distinct name.
private struct FileResolver {
    enum Resolution {
        case file(Int)
        /// Why the name resolves to no single training file; `isNew` the first time.
        case problem(String, isNew: Bool)
    }

    let records: TrainingRecords
    private var cache: [String: Resolution] = [:]

    init(records: TrainingRecords) { self.records = records }

    /// The training file a row's `file` names: its path as given, or its base name.
    mutating func resolve(_ name: String) -> Resolution {
        if let known = cache[name] {
            if case .problem(let message, _) = known { return .problem(message, isNew: false) }
            return known
        }
        let resolution = compute(name)
        cache[name] = resolution
        return resolution
    }

    private func compute(_ name: String) -> Resolution {
        let files = records.dataset.files
        let stripped = Self.stripDot(name)
        let exact = files.indices.filter { Self.stripDot(files[$0].path) == stripped }
        let matches =
            exact.isEmpty ? files.indices.filter { Self.baseName(files[$0].path) == name } : exact
        let training = matches.filter { files[$0].split == .train }
        if training.count == 1 { return .file(training[0]) }
        let quoted = Format.quoted(name)
        if training.count > 1 {
            return .problem(
                "file \(quoted) matches \(training.count) training files ("
                    + training.prefix(3).map { Format.quoted(files[$0].path) }
                    .joined(separator: ", ") + "): give the path as on the command line",
                isNew: true)
        }
        if let heldOut = matches.first {
            return .problem(
                "file \(quoted) is \(Format.quoted(files[heldOut].path)), a "
                    + "\(files[heldOut].split.rawValue) file: give rows for training records "
                    + "only",
                isNew: true)
        }
        let paths = records.trainFiles.map { files[$0].path }
        let suggestion =
            Suggestion.closest(to: name, in: paths)
            ?? Suggestion.closest(to: name, in: paths.map(Self.baseName))
        return .problem(
            "file \(quoted) is not a training file of this audit (training files: "
                + paths.prefix(3).map(Format.quoted).joined(separator: ", ")
                + (paths.count > 3 ? ", …" : "") + "): name it as on the command line or by "
                + "its base name" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
            isNew: true)
    }

    private static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    private static func stripDot(_ path: String) -> String {
        path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    }
}

// MARK: - Index

extension ChecksIndex {
    /// The dataset's own predictions (`Dataset.predictions`) aligned to the labelled training
    /// records, computed once per audit; nil when the dataset has none.
    /// - Throws: `PredictionsError` when they do not fit the training data (the CLI checks
    ///   this before running checks, so only library callers see it here).
    /// - Complexity: O(n·K + r), once.
    static func externalProbabilities(in index: DatasetIndex) throws(PredictionsError)
        -> OutOfSampleProbabilities?
    {
        guard let predictions = index.dataset.predictions else { return nil }
        let layout = index.value(layout)
        let labels = index.value(labels)
        let aligned = index.value(
            IndexKey<Result<OutOfSampleProbabilities, PredictionsError>>("checks.oos.external") {
                dataset in
                do throws(PredictionsError) {
                    return .success(
                        try ExternalPredictions.align(
                            predictions, dataset: dataset, layout: layout, labels: labels))
                } catch {
                    return .failure(error)
                }
            })
        return try aligned.get()
    }
}

import Foundation
import PreflightCore

/// Reads a predictions file (`--predictions FILE`): the user's out-of-sample class
/// probabilities, one row per labelled training record.
///
/// - **CSV** (`.csv`, `.tsv`): a header row. Key column `id` (the record's id) or `line` (the
///   1-based line where the record starts in its training file), optional `file` (the
///   training file, as given on the command line or its base name); every other column is a
///   class, named exactly as the label appears in the data, holding the row's probability.
/// - **JSONL** (`.jsonl`, `.ndjson`): one object per line with the key (`id` or `line`,
///   optional `file`) and `probs`, either an object `{"class": p, …}` or an array in the order
///   of a first line `{"classes": ["a", "b", …]}`. Other fields are ignored.
/// - Optionally gzip-compressed (`.gz`).
///
/// Probabilities must be finite numbers in [0, 1] whose row sums to 1 within
/// `sumTolerance`; rows within it are renormalized. Reading goes on after a bad row so that
/// one error lists the first `PredictionsProblems.limit` problems of the file. Whether the
/// rows fit the training data (classes, keys, coverage) is checked when they are aligned.
public enum PredictionsReader {
    /// How far a row's probabilities may sum from 1 before the row is an error.
    public static let sumTolerance = 0.01
    /// The largest row accepted, in bytes.
    static let maxRowBytes = 64 << 20

    /// Reads and validates the predictions file at `path`.
    /// - Throws: `PredictionsError.cannotRead` when the file cannot be read at all (missing,
    ///   permission, not text, corrupt gzip), `.invalid` for an unknown extension, an empty
    ///   file, a bad header or bad rows.
    /// - Complexity: O(n) in the file size; the file is held in memory while it is parsed.
    public static func read(path: String) throws(PredictionsError) -> Predictions {
        _ = try format(of: path)
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw .cannotRead(
                path: path, reason: "'\(path)' is a folder: give the predictions file itself")
        }
        var bytes: [UInt8] = []
        do throws(IngestError) {
            let source = try FileChunkSource(fsPath: path, path: path)
            while let chunk = try source.next() { bytes.append(contentsOf: chunk) }
        } catch {
            throw .cannotRead(path: path, reason: error.description)
        }
        return try read(bytes: bytes, path: path)
    }

    /// Reads predictions already in memory; the format comes from `path`'s extension.
    /// - Parameters:
    ///   - bytes: the file as stored (gzip data when `path` ends in `.gz`).
    ///   - path: the name used in the result and in messages.
    /// - Throws: `PredictionsError`, as `read(path:)`.
    /// - Complexity: O(n) in the size of `bytes`.
    public static func read(bytes: [UInt8], path: String) throws(PredictionsError) -> Predictions {
        let format = try format(of: path)
        if bytes.isEmpty { throw emptyFile(path) }
        let gzip = InputPlanner.classify(path).gzip
        let startsWithGzip = bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
        if !gzip, startsWithGzip {
            throw .cannotRead(
                path: path,
                reason: IngestError.notText(
                    path: path, reason: "it holds gzip-compressed data; rename it to end in '.gz'"
                ).description)
        }
        var content = bytes
        if gzip {
            guard startsWithGzip else {
                throw .cannotRead(
                    path: path,
                    reason: IngestError.corruptGzip(
                        path: path, detail: "it does not start with the gzip signature"
                    ).description)
            }
            content = []
            do throws(IngestError) {
                var source = GzipSource(base: MemoryChunkSource(bytes), path: path)
                while let chunk = try source.next() { content.append(contentsOf: chunk) }
            } catch {
                throw .cannotRead(path: path, reason: error.description)
            }
        }
        if let encoding = DatasetLoader.unicodeEncoding(byteOrderMark: content) {
            throw .cannotRead(
                path: path,
                reason: "'\(path)' is \(encoding) text (it starts with a byte order mark); "
                    + "save it as UTF-8")
        }
        if content.prefix(DatasetLoader.textProbeBytes).contains(0) {
            throw .cannotRead(
                path: path,
                reason: "'\(path)' is not a text file: it contains NUL bytes near the start; "
                    + "save it as UTF-8 text")
        }
        if content.allSatisfy({ JSONByteParser.isWhitespace($0) }) { throw emptyFile(path) }
        switch format {
        case .jsonl: return try JSONLPredictions(path: path).parse(content)
        default: return try CSVPredictions(path: path).parse(content, tab: format == .tsv)
        }
    }

    /// The format of a predictions file from its extension.
    static func format(of path: String) throws(PredictionsError) -> InputFormat {
        let kind = InputPlanner.classify(path)
        guard let format = kind.format, [.csv, .tsv, .jsonl].contains(format) else {
            throw .invalid(
                path: path,
                problems: [
                    PredictionsProblem(
                        line: nil,
                        "unknown extension for a predictions file: name it .csv, .tsv, .jsonl "
                            + "or .ndjson (optionally .gz)")
                ], total: 1)
        }
        return format
    }

    private static func emptyFile(_ path: String) -> PredictionsError {
        .invalid(
            path: path,
            problems: [
                PredictionsProblem(
                    line: nil,
                    "the file is empty: write a header and one row of class probabilities per "
                        + "labelled training record")
            ], total: 1)
    }
}

// MARK: - Rows

/// Validates rows and collects them, shared by the CSV and JSONL parsers.
struct PredictionRows {
    let classes: [String]
    var problems: PredictionsProblems
    private(set) var rows: [PredictionRow] = []
    private(set) var probabilities: [Float] = []
    /// The line of the first row of each (file, key), to name both lines of a repeat.
    private var firstLine: [RowKey: Int] = [:]

    private struct RowKey: Hashable {
        var file: String?
        var key: PredictionKey
    }

    /// One written probability: its value when it is a number, and how it was written.
    struct Cell {
        var value: Double?
        var written: String
    }

    init(classes: [String], problems: PredictionsProblems) {
        self.classes = classes
        self.problems = problems
    }

    /// Checks a row's probabilities (one cell per class, in class order) and its key, and
    /// keeps it when it is valid.
    mutating func add(line: Int, file: String?, key: PredictionKey, cells: [Cell]) {
        precondition(cells.count == classes.count, "one cell per class")
        var sum = 0.0
        for (c, cell) in cells.enumerated() {
            let name = "probability of class \(Self.quoted(classes[c]))"
            guard let value = cell.value else {
                problems.add(
                    line: line,
                    "\(name) is \(Self.quoted(cell.written)), not a number: write a number "
                        + "between 0 and 1")
                return
            }
            guard value.isFinite else {
                problems.add(
                    line: line,
                    "\(name) is \(Self.quoted(cell.written)), not a finite number: write a "
                        + "number between 0 and 1")
                return
            }
            guard (0...1).contains(value) else {
                problems.add(
                    line: line,
                    "\(name) is \(cell.written), outside [0, 1]: write probabilities, not "
                        + "scores or logits (apply softmax to scores)")
                return
            }
            sum += value
        }
        guard abs(sum - 1) <= PredictionsReader.sumTolerance else {
            problems.add(
                line: line,
                "probabilities sum to \(Self.number(sum)), not 1 (tolerance "
                    + "\(PredictionsReader.sumTolerance)): give the whole distribution, one "
                    + "probability per class")
            return
        }
        let rowKey = RowKey(file: file, key: key)
        if let first = firstLine[rowKey] {
            let inFile = file.map { " of file \(Self.quoted($0))" } ?? ""
            problems.add(
                line: line, "\(key)\(inFile) repeats line \(first): give each record one row")
            return
        }
        firstLine[rowKey] = line
        rows.append(PredictionRow(line: line, file: file, key: key))
        for cell in cells { probabilities.append(Float(cell.value! / sum)) }
    }

    /// The predictions, or the problems found.
    func finish(path: String, keyKind: Predictions.KeyKind, classLine: Int)
        throws(PredictionsError) -> Predictions
    {
        try problems.throwIfAny()
        guard !rows.isEmpty else {
            throw .invalid(
                path: path,
                problems: [
                    PredictionsProblem(
                        line: nil,
                        "the file has no rows: write one row of class probabilities per "
                            + "labelled training record")
                ], total: 1)
        }
        return Predictions(
            path: path, keyKind: keyKind, classes: classes, classLine: classLine, rows: rows,
            probabilities: probabilities)
    }

    /// A line key from its text: a whole number from 1.
    static func lineKey(_ text: String) -> PredictionKey? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let n = Int(trimmed), n >= 1 else { return nil }
        return .line(n)
    }

    /// The message for a line key that is not a line number.
    static func badLine(_ written: String) -> String {
        "'line' is \(quoted(written)), not a line number: give the 1-based line where the "
            + "record starts in its training file"
    }

    /// A user's value quoted for messages, cut to 60 characters.
    static func quoted(_ text: String) -> String {
        text.count <= 60 ? "'\(text)'" : "'\(text.prefix(60))…'"
    }

    /// A sum for messages: up to four significant digits.
    static func number(_ value: Double) -> String { String(format: "%.4g", value) }

    /// "did you mean 'x'?" for a likely typo of one of `candidates`, else empty.
    static func didYouMean(_ word: String, _ candidates: [String]) -> String {
        Suggestion.closest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}

// MARK: - CSV

/// The CSV and TSV form: a header row naming the key, optional file and class columns.
private struct CSVPredictions {
    let path: String

    func parse(_ content: [UInt8], tab: Bool) throws(PredictionsError) -> Predictions {
        let parsed = CSVReader(
            delimiter: tab ? 0x09 : nil, maxRecordBytes: PredictionsReader.maxRowBytes
        ).read(content)
        var problems = PredictionsProblems(path: path)
        guard let header = parsed.header else {
            problems.add(line: nil, "the file has no header row: write one, e.g. 'id,a,b'")
            throw problems.error
        }
        if let issue = parsed.issues.first(where: { $0.ordinal == nil }) {
            problems.add(line: issue.line, "\(issue.message): fix the header row")
            throw problems.error
        }
        let columns = try columns(header.names, line: header.line, problems: &problems)

        var rows = PredictionRows(
            classes: columns.classes.map { header.names[$0] }, problems: problems)
        var issues = parsed.issues.makeIterator()
        var nextIssue = issues.next()
        for value in parsed.values {
            while let issue = nextIssue, issue.line < value.line {
                rows.problems.add(line: issue.line, Self.message(for: issue))
                nextIssue = issues.next()
            }
            guard case .object(let fields) = value.value else { continue }
            let text = fields.map { $0.value.stringValue ?? "" }
            let keyText = text[columns.key]
            let key: PredictionKey
            if columns.keyKind == .line {
                guard let parsed = PredictionRows.lineKey(keyText) else {
                    rows.problems.add(line: value.line, PredictionRows.badLine(keyText))
                    continue
                }
                key = parsed
            } else {
                guard !keyText.isEmpty else {
                    rows.problems.add(
                        line: value.line, "the 'id' is empty: give the id of the row's record")
                    continue
                }
                key = .id(keyText)
            }
            let file = columns.file.map { text[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            rows.add(
                line: value.line, file: file, key: key,
                cells: columns.classes.map { c in
                    let written = text[c].trimmingCharacters(in: .whitespaces)
                    return PredictionRows.Cell(value: Double(written), written: written)
                })
        }
        while let issue = nextIssue {
            rows.problems.add(line: issue.line, Self.message(for: issue))
            nextIssue = issues.next()
        }
        return try rows.finish(path: path, keyKind: columns.keyKind, classLine: header.line)
    }

    /// What the header's columns are.
    private struct Columns {
        var keyKind: Predictions.KeyKind
        var key: Int
        var file: Int?
        var classes: [Int]
    }

    /// The key, file and class columns of the header; a header problem is fatal.
    private func columns(_ names: [String], line: Int, problems: inout PredictionsProblems)
        throws(PredictionsError) -> Columns
    {
        var id: Int?
        var lineColumn: Int?
        var file: Int?
        var classes: [Int] = []
        var firstColumn: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            if let first = firstColumn[name] {
                problems.add(
                    line: line,
                    "column \(PredictionRows.quoted(name)) appears twice (columns \(first + 1) "
                        + "and \(i + 1)): give each class one column")
                continue
            }
            firstColumn[name] = i
            switch name {
            case "id": id = i
            case "line": lineColumn = i
            case "file": file = i
            case "":
                problems.add(
                    line: line,
                    "column \(i + 1) has no name: name it after its class, as the label is "
                        + "written in the data")
            default: classes.append(i)
            }
        }
        let others = names.filter { !["id", "line", "file"].contains($0) }
        if id != nil && lineColumn != nil {
            problems.add(
                line: line,
                "the header has both an 'id' and a 'line' column: keep one key column, 'id' "
                    + "(the record's id) or 'line' (the line where it starts)")
        } else if id == nil && lineColumn == nil {
            let hint =
                Suggestion.closest(to: "id", in: others)
                ?? Suggestion.closest(to: "line", in: others)
            problems.add(
                line: line,
                "no key column: add a column 'id' (the record's id) or 'line' (the 1-based "
                    + "line where the record starts in its training file)"
                    + (hint.map { "; did you mean to name '\($0)' 'id' or 'line'?" } ?? ""))
        }
        if classes.isEmpty {
            problems.add(
                line: line,
                "no class columns: add one column per class, named as the label is written in "
                    + "the data, holding the row's probability of that class")
        }
        try problems.throwIfAny()
        return Columns(
            keyKind: id != nil ? .id : .line, key: id ?? lineColumn!, file: file,
            classes: classes)
    }

    /// A reader issue as a predictions problem, with what to do.
    private static func message(for issue: RecordIssue) -> String {
        switch issue.code {
        case "ragged_row":
            "\(issue.message): give the key, the file if there is a 'file' column, and one "
                + "probability per class"
        default: "\(issue.message): fix the row"
        }
    }
}

// MARK: - JSONL

/// The JSONL form: `{"id": …, "probs": {…}}` rows, or `probs` arrays after a
/// `{"classes": […]}` first line.
private struct JSONLPredictions {
    let path: String

    func parse(_ content: [UInt8]) throws(PredictionsError) -> Predictions {
        let parsed = JSONLReader.read(content, maxRecordBytes: PredictionsReader.maxRowBytes)
        var problems = PredictionsProblems(path: path)
        var values = parsed.values[...]

        // The header, when the first line is one; a header anywhere else is fatal.
        let firstLine = min(
            parsed.values.first?.line ?? .max, parsed.issues.first?.line ?? .max)
        var header: (line: Int, classes: [String])?
        if let first = values.first, first.line == firstLine, first.value["classes"] != nil {
            header = (first.line, try headerClasses(first, problems: &problems))
            values = values.dropFirst()
        }
        if let late = values.first(where: { $0.value["classes"] != nil }) {
            problems.add(
                line: late.line,
                "the {\"classes\": […]} header must be the first line of the file: move it "
                    + "to the top")
            throw problems.error
        }

        // The key and the classes, from the first row when there is no header.
        guard let firstRow = values.first else {
            for issue in parsed.issues {
                problems.add(line: issue.line, "\(issue.message): fix the line")
            }
            try problems.throwIfAny()
            return try PredictionRows(classes: header?.classes ?? [], problems: problems)
                .finish(path: path, keyKind: .id, classLine: header?.line ?? 1)
        }
        let keyKind = try keyKind(of: firstRow, problems: &problems)
        let classes: [String]
        let classLine: Int
        if let header {
            (classLine, classes) = header
        } else {
            (classLine, classes) = try classesFromFirstObject(values, problems: &problems)
        }

        var rows = PredictionRows(classes: classes, problems: problems)
        var issues = parsed.issues.makeIterator()
        var nextIssue = issues.next()
        for value in values {
            while let issue = nextIssue, issue.line < value.line {
                rows.problems.add(line: issue.line, "\(issue.message): fix the line")
                nextIssue = issues.next()
            }
            row(
                value, keyKind: keyKind, firstRowLine: firstRow.line, classLine: classLine,
                into: &rows)
        }
        while let issue = nextIssue {
            rows.problems.add(line: issue.line, "\(issue.message): fix the line")
            nextIssue = issues.next()
        }
        return try rows.finish(path: path, keyKind: keyKind, classLine: classLine)
    }

    /// The class names of a `{"classes": […]}` header; a bad header is fatal.
    private func headerClasses(_ header: ParsedValue, problems: inout PredictionsProblems)
        throws(PredictionsError) -> [String]
    {
        guard case .array(let items) = header.value["classes"], !items.isEmpty,
            items.allSatisfy({ $0.stringValue != nil || $0.kindName == "number" })
        else {
            problems.add(
                line: header.line,
                "'classes' must be a non-empty array of class names, e.g. "
                    + "{\"classes\": [\"billing\", \"shipping\"]}")
            throw problems.error
        }
        let classes = items.compactMap(\.scalarText)
        var seen = Set<String>()
        for name in classes where !seen.insert(name).inserted {
            problems.add(
                line: header.line,
                "class \(PredictionRows.quoted(name)) appears twice in 'classes': name each "
                    + "class once")
        }
        try problems.throwIfAny()
        return classes
    }

    /// The key every row uses, from the first row; a first row without one key is fatal.
    private func keyKind(of row: ParsedValue, problems: inout PredictionsProblems)
        throws(PredictionsError) -> Predictions.KeyKind
    {
        let hasID = row.value["id"] != nil
        let hasLine = row.value["line"] != nil
        if hasID && hasLine {
            problems.add(
                line: row.line,
                "the row has both 'id' and 'line': use one key on every row, 'id' (the "
                    + "record's id) or 'line' (the line where it starts)")
        } else if !hasID && !hasLine {
            let fields = row.value.fieldNames
            let hint =
                Suggestion.closest(to: "id", in: fields)
                ?? Suggestion.closest(to: "line", in: fields)
            problems.add(
                line: row.line,
                "no key: give every row 'id' (the record's id) or 'line' (the 1-based line "
                    + "where the record starts in its training file)"
                    + (hint.map { "; did you mean to name '\($0)' 'id' or 'line'?" } ?? ""))
        }
        try problems.throwIfAny()
        return hasID ? .id : .line
    }

    /// Without a header, the classes are the keys of the first row's `probs` object.
    private func classesFromFirstObject(
        _ values: ArraySlice<ParsedValue>, problems: inout PredictionsProblems
    ) throws(PredictionsError) -> (Int, [String]) {
        for value in values {
            switch value.value["probs"] {
            case .object(let fields)?:
                var seen = Set<String>()
                for field in fields where !seen.insert(field.name).inserted {
                    problems.add(
                        line: value.line,
                        "'probs' names class \(PredictionRows.quoted(field.name)) twice: name "
                            + "each class once")
                }
                if fields.isEmpty {
                    problems.add(
                        line: value.line,
                        "'probs' is empty: give one probability per class, "
                            + "{\"class\": probability, …}")
                }
                try problems.throwIfAny()
                return (value.line, fields.map(\.name))
            case .array?:
                problems.add(
                    line: value.line,
                    "'probs' is an array but the file has no {\"classes\": […]} header: add "
                        + "one as the first line to name the classes in order, or write "
                        + "'probs' as an object {\"class\": probability, …}")
                throw problems.error
            default: continue
            }
        }
        problems.add(
            line: values.first?.line,
            "no row has 'probs': give each row 'probs', {\"class\": probability, …}")
        throw problems.error
    }

    /// Checks one row and adds it.
    private func row(
        _ value: ParsedValue, keyKind: Predictions.KeyKind, firstRowLine: Int, classLine: Int,
        into rows: inout PredictionRows
    ) {
        let line = value.line
        let other: Predictions.KeyKind = keyKind == .id ? .line : .id
        if value.value[other.rawValue] != nil {
            rows.problems.add(
                line: line,
                "the row has '\(other.rawValue)' but the first row (line \(firstRowLine)) is "
                    + "keyed by '\(keyKind.rawValue)': use one key on every row")
            return
        }
        guard let keyValue = value.value[keyKind.rawValue] else {
            rows.problems.add(
                line: line,
                "the row has no '\(keyKind.rawValue)': give every row the "
                    + "\(keyKind == .id ? "id" : "line") of its record")
            return
        }
        let key: PredictionKey
        switch keyKind {
        case .id:
            guard
                let id = keyValue.stringValue
                    ?? (keyValue.kindName == "number" ? keyValue.scalarText : nil),
                !id.isEmpty
            else {
                rows.problems.add(
                    line: line,
                    "'id' is \(keyValue.kindName == "string" ? "empty" : "\(keyValue.kindNameWithArticle)"): "
                        + "give the id of the row's record as a string")
                return
            }
            key = .id(id)
        case .line:
            let written = keyValue.scalarText ?? keyValue.kindName
            guard keyValue.kindName != "boolean", let parsed = PredictionRows.lineKey(written)
            else {
                rows.problems.add(line: line, PredictionRows.badLine(written))
                return
            }
            key = parsed
        }
        var file: String?
        switch value.value["file"] {
        case nil, .null?: file = nil
        case .string(let name)?: file = name.isEmpty ? nil : name
        case let other?:
            rows.problems.add(
                line: line,
                "'file' is \(other.kindNameWithArticle): give the training file's name as a "
                    + "string")
            return
        }
        let classes = rows.classes
        let cells: [PredictionRows.Cell]
        switch value.value["probs"] {
        case .array(let items)?:
            guard items.count == classes.count else {
                rows.problems.add(
                    line: line,
                    "'probs' has \(items.count) value\(items.count == 1 ? "" : "s") but the "
                        + "header names \(classes.count) classes: give one probability per "
                        + "class, in the order of the header")
                return
            }
            cells = items.map(Self.cell)
        case .object(let fields)?:
            var byName: [String: DataValue] = [:]
            for field in fields {
                guard byName.updateValue(field.value, forKey: field.name) == nil else {
                    rows.problems.add(
                        line: line,
                        "'probs' names class \(PredictionRows.quoted(field.name)) twice: name "
                            + "each class once")
                    return
                }
            }
            let known = Set(classes)
            if let extra = fields.first(where: { !known.contains($0.name) }) {
                rows.problems.add(
                    line: line,
                    "'probs' names class \(PredictionRows.quoted(extra.name)), which is not "
                        + "among the classes of the file (from line \(classLine)): use "
                        + "the same classes on every row"
                        + PredictionRows.didYouMean(extra.name, classes))
                return
            }
            if let missing = classes.first(where: { byName[$0] == nil }) {
                rows.problems.add(
                    line: line,
                    "'probs' has no probability for class \(PredictionRows.quoted(missing)): "
                        + "give one for every class")
                return
            }
            cells = classes.map { Self.cell(byName[$0]!) }
        case nil:
            rows.problems.add(
                line: line, "the row has no 'probs': give the class probabilities of its record")
            return
        case let other?:
            rows.problems.add(
                line: line,
                "'probs' is \(other.kindNameWithArticle): write an object "
                    + "{\"class\": probability, …} or an array in the order of the header")
            return
        }
        rows.add(line: line, file: file, key: key, cells: cells)
    }

    /// A JSON value as a probability cell: only numbers are numbers.
    private static func cell(_ value: DataValue) -> PredictionRows.Cell {
        if case .number(let lexeme) = value {
            return PredictionRows.Cell(value: Double(lexeme), written: lexeme)
        }
        return PredictionRows.Cell(value: nil, written: value.scalarText ?? value.kindName)
    }
}

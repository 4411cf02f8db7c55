import Foundation
import PreflightCore
import PreflightReaders
import Testing

/// Reads `text` as a predictions file named `path`.
private func read(_ text: String, path: String = "preds.csv") throws(PredictionsError)
    -> Predictions
{
    try PredictionsReader.read(bytes: Array(text.utf8), path: path)
}

/// The error reading `text` gives; records an issue when it reads fine.
private func failure(_ text: String, path: String = "preds.csv") -> PredictionsError? {
    do {
        let predictions = try read(text, path: path)
        Issue.record("expected an error, read \(predictions.rows.count) rows")
        return nil
    } catch {
        return error
    }
}

/// The single problem of a file, as `line`, `message`.
private func problem(_ text: String, path: String = "preds.csv") -> PredictionsProblem? {
    guard let error = failure(text, path: path) else { return nil }
    #expect(error.problems.count == 1, "\(error)")
    return error.problems.first
}

@Suite struct PredictionsReaderTests {
    // MARK: - CSV

    @Test func readsIDKeyedCSV() throws {
        let p = try read("id,spam,ham\nr-1,0.8,0.2\nr-2,0.25,0.75\n")
        #expect(p.path == "preds.csv")
        #expect(p.source == "predictions from preds.csv")
        #expect(p.keyKind == .id)
        #expect(p.classes == ["spam", "ham"])
        #expect(p.classLine == 1)
        #expect(
            p.rows == [
                PredictionRow(line: 2, file: nil, key: .id("r-1")),
                PredictionRow(line: 3, file: nil, key: .id("r-2")),
            ])
        #expect(p.probabilities == [0.8, 0.2, 0.25, 0.75])
        #expect(Array(p.probabilities(ofRow: 1)) == [0.25, 0.75])
    }

    @Test func readsLineKeysWithAFileColumnInAnyColumnOrder() throws {
        let p = try read("b,line,a,file\n0.5,3,0.5,train.jsonl\n\n0.1,7,0.9,data/b.csv\n")
        #expect(p.keyKind == .line)
        #expect(p.classes == ["b", "a"])
        #expect(
            p.rows == [
                PredictionRow(line: 2, file: "train.jsonl", key: .line(3)),
                PredictionRow(line: 4, file: "data/b.csv", key: .line(7)),
            ])
        #expect(p.probabilities == [0.5, 0.5, 0.1, 0.9])
    }

    @Test func numericClassNamesAndQuotedNamesKeepTheirText() throws {
        let p = try read("id,0,1,\"Billing \"\nx,0.2,0.3,0.5\n")
        #expect(p.classes == ["0", "1", "Billing "])
    }

    @Test func tsvByExtension() throws {
        let p = try read("id\tspam\tham\nr-1\t1\t0\n", path: "preds.tsv")
        #expect(p.classes == ["spam", "ham"])
        #expect(p.probabilities == [1, 0])
    }

    @Test func rowsWithinTheToleranceAreRenormalized() throws {
        let p = try read("id,a,b\nx,0.5,0.496\ny, 0.3 ,0.7\n")
        #expect(abs(p.probabilities[0] - Float(0.5 / 0.996)) < 1e-6)
        #expect(abs(p.probabilities[0] + p.probabilities[1] - 1) < 1e-6)
        #expect(p.probabilities[2] == 0.3)
    }

    // MARK: - JSONL

    @Test func readsJSONLWithObjectProbabilities() throws {
        let p = try read(
            """
            {"id": "r-1", "probs": {"spam": 0.9, "ham": 0.1}, "text": "ignored"}
            {"id": 17, "probs": {"ham": 0.3, "spam": 0.7}}
            """, path: "preds.jsonl")
        #expect(p.keyKind == .id)
        #expect(p.classes == ["spam", "ham"])
        #expect(p.classLine == 1)
        #expect(p.rows.map(\.key) == [.id("r-1"), .id("17")])
        #expect(p.probabilities == [0.9, 0.1, 0.7, 0.3])
    }

    @Test func readsJSONLArraysInTheOrderOfTheHeader() throws {
        let p = try read(
            """
            {"classes": ["0", 1]}
            {"line": 4, "file": "train.jsonl", "probs": [0.25, 0.75]}

            {"line": 9, "probs": [1, 0]}
            """, path: "preds.ndjson")
        #expect(p.keyKind == .line)
        #expect(p.classes == ["0", "1"])
        #expect(p.classLine == 1)
        #expect(
            p.rows == [
                PredictionRow(line: 2, file: "train.jsonl", key: .line(4)),
                PredictionRow(line: 4, file: nil, key: .line(9)),
            ])
        #expect(p.probabilities == [0.25, 0.75, 1, 0])
    }

    // MARK: - gzip

    @Test(arguments: ["gzipCSV.csv.gz", "gzipJSONL.jsonl.gz"])
    func gzipCompressedFiles(_ name: String) throws {
        let path = Fixture.path("PredictionsReader", name)
        let p = try PredictionsReader.read(path: path)
        #expect(p.classes == ["spam", "ham"])
        #expect(p.rows.count == 2)
        #expect(p.probabilities == [0.8, 0.2, 0.1, 0.9])
        #expect(p.path == path)
    }

    @Test func gzipDataWithoutGzIsUnreadable() throws {
        let bytes = try Fixture.bytes("PredictionsReader", "gzipCSV.csv.gz")
        let error = #expect(throws: PredictionsError.self) {
            try PredictionsReader.read(bytes: bytes, path: "preds.csv")
        }
        #expect(error?.isInputError == true)
        #expect(error?.description.contains("rename it to end in '.gz'") == true)
    }

    @Test func truncatedGzipIsUnreadable() throws {
        let bytes = try Fixture.bytes("PredictionsReader", "gzipCSV.csv.gz")
        let error = #expect(throws: PredictionsError.self) {
            try PredictionsReader.read(bytes: Array(bytes.prefix(30)), path: "preds.csv.gz")
        }
        #expect(error?.isInputError == true)
        #expect(error?.description.contains("'preds.csv.gz' is not valid gzip data") == true)
    }

    // MARK: - The file

    @Test func missingFileIsAnInputError() {
        let error = #expect(throws: PredictionsError.self) {
            try PredictionsReader.read(path: "no/such/preds.csv")
        }
        #expect(error?.isInputError == true)
        #expect(
            error?.description
                == "error: predictions file 'no/such/preds.csv' was not found: check the path (it is relative to the current folder)"
        )
    }

    @Test func folderIsAnInputError() {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-predictions-\(UUID().uuidString).csv").path
        try? FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error = #expect(throws: PredictionsError.self) {
            try PredictionsReader.read(path: folder)
        }
        #expect(error?.isInputError == true)
        #expect(error?.description.contains("is a folder") == true)
    }

    @Test func unknownExtension() {
        let found = problem("id,a\nx,1\n", path: "preds.json")
        #expect(found?.line == nil)
        #expect(found?.message.contains("name it .csv, .tsv, .jsonl or .ndjson") == true)
        #expect(failure("", path: "preds.json")?.isInputError == false)
        #expect(
            failure("", path: "preds.json")?.description.hasPrefix(
                "preds.json: error: unknown extension for a predictions file") == true)
    }

    @Test(arguments: ["", " \n\n", "\n"])
    func emptyFile(_ text: String) {
        let found = problem(text)
        #expect(found?.line == nil)
        #expect(found?.message.hasPrefix("the file is empty") == true)
        #expect(failure(text)?.isInputError == false)
    }

    @Test(arguments: [("id,a,b\n", "preds.csv"), (#"{"classes": ["a"]}"#, "preds.jsonl")])
    func headerWithoutRows(_ text: String, _ path: String) {
        #expect(problem(text, path: path)?.message.hasPrefix("the file has no rows") == true)
    }

    @Test func binaryFileIsUnreadable() {
        let error = #expect(throws: PredictionsError.self) {
            try PredictionsReader.read(bytes: [0x69, 0x64, 0, 0x0A], path: "preds.csv")
        }
        #expect(error?.isInputError == true)
        #expect(error?.description.contains("NUL bytes") == true)
    }

    // MARK: - Header

    @Test func noKeyColumnSuggestsTheCloseName() {
        let found = problem("ID,a,b\nx,0.5,0.5\n")
        #expect(found?.line == 1)
        #expect(
            found?.message
                == "no key column: add a column 'id' (the record's id) or 'line' (the 1-based line where the record starts in its training file); did you mean to name 'ID' 'id' or 'line'?"
        )
        let error = failure("\n\ntext,a,b\nx,0.5,0.5\n")
        #expect(error?.problems.first?.line == 3)
        #expect(error?.description.hasPrefix("preds.csv:3: error: no key column") == true)
    }

    @Test func bothKeyColumns() {
        let found = problem("id,line,a,b\nx,1,0.5,0.5\n")
        #expect(found?.line == 1)
        #expect(found?.message.hasPrefix("the header has both an 'id' and a 'line' column") == true)
    }

    @Test func duplicateClassColumns() {
        let found = problem("id,a,b,a\nx,0.2,0.3,0.5\n")
        #expect(found?.line == 1)
        #expect(
            found?.message
                == "column 'a' appears twice (columns 2 and 4): give each class one column")
    }

    @Test func unnamedAndMissingClassColumns() {
        #expect(
            problem("id,a,,b\nx,0.2,0.3,0.5\n")?.message.hasPrefix("column 3 has no name") == true)
        #expect(problem("id,file\nx,t.jsonl\n")?.message.hasPrefix("no class columns") == true)
    }

    @Test func jsonlArrayWithoutHeader() {
        let found = problem(
            """
            {"id": "x", "probs": [0.5, 0.5]}
            """, path: "preds.jsonl")
        #expect(found?.line == 1)
        #expect(
            found?.message.hasPrefix(
                #"'probs' is an array but the file has no {"classes": […]} header"#) == true)
    }

    @Test func jsonlHeaderNotFirst() {
        let found = problem(
            """
            {"id": "x", "probs": {"a": 0.5, "b": 0.5}}
            {"classes": ["a", "b"]}
            """, path: "preds.jsonl")
        #expect(found?.line == 2)
        #expect(
            found?.message
                == #"the {"classes": […]} header must be the first line of the file: move it to the top"#
        )
    }

    @Test func jsonlHeaderProblems() {
        let duplicate = problem(
            """
            {"classes": ["a", "b", "a"]}
            {"id": "x", "probs": [0.2, 0.3, 0.5]}
            """, path: "preds.jsonl")
        #expect(duplicate?.line == 1)
        #expect(duplicate?.message == "class 'a' appears twice in 'classes': name each class once")
        let empty = problem(#"{"classes": []}"#, path: "preds.jsonl")
        #expect(empty?.message.hasPrefix("'classes' must be a non-empty array") == true)
    }

    @Test func jsonlKeys() {
        let none = problem(#"{"ids": "x", "probs": {"a": 1}}"#, path: "preds.jsonl")
        #expect(none?.line == 1)
        #expect(none?.message.hasSuffix("did you mean to name 'ids' 'id' or 'line'?") == true)
        let both = problem(#"{"id": "x", "line": 3, "probs": {"a": 1}}"#, path: "preds.jsonl")
        #expect(both?.message.hasPrefix("the row has both 'id' and 'line'") == true)
        let mixed = failure(
            """
            {"id": "x", "probs": {"a": 1}}
            {"line": 3, "probs": {"a": 1}}
            {"probs": {"a": 1}}
            """, path: "preds.jsonl")
        #expect(
            mixed?.problems == [
                PredictionsProblem(
                    line: 2,
                    "the row has 'line' but the first row (line 1) is keyed by 'id': use one key on every row"
                ),
                PredictionsProblem(
                    line: 3, "the row has no 'id': give every row the id of its record"),
            ])
    }

    // MARK: - Rows

    @Test func wrongNumberOfFields() {
        let csv = problem("id,a,b\nx,0.5\n")
        #expect(csv?.line == 2)
        #expect(csv?.message.hasPrefix("row has 2 fields, the header has 3: give the key") == true)
        let jsonl = problem(
            """
            {"classes": ["a", "b"]}
            {"id": "x", "probs": [1]}
            """, path: "preds.jsonl")
        #expect(jsonl?.line == 2)
        #expect(
            jsonl?.message
                == "'probs' has 1 value but the header names 2 classes: give one probability per class, in the order of the header"
        )
    }

    @Test func jsonlObjectsMustNameEveryClass() {
        let error = failure(
            """
            {"id": "x", "probs": {"spam": 0.5, "ham": 0.5}}
            {"id": "y", "probs": {"spam": 1}}
            {"id": "z", "probs": {"spam": 0.5, "hamm": 0.5}}
            {"id": "w", "probs": "spam"}
            """, path: "preds.jsonl")
        #expect(error?.problems.map(\.line) == [2, 3, 4])
        #expect(
            error?.problems.first?.message
                == "'probs' has no probability for class 'ham': give one for every class")
        #expect(error?.problems[1].message.hasSuffix("did you mean 'ham'?") == true)
        #expect(error?.problems[2].message.hasPrefix("'probs' is a string") == true)
    }

    @Test(arguments: [
        (
            "x,abc,0",
            "probability of class 'a' is 'abc', not a number: write a number between 0 and 1"
        ),
        ("x,,1", "probability of class 'a' is '', not a number: write a number between 0 and 1"),
        (
            "x,nan,0",
            "probability of class 'a' is 'nan', not a finite number: write a number between 0 and 1"
        ),
        (
            "x,0,inf",
            "probability of class 'b' is 'inf', not a finite number: write a number between 0 and 1"
        ),
        (
            "x,1.5,-0.5",
            "probability of class 'a' is 1.5, outside [0, 1]: write probabilities, not scores or logits (apply softmax to scores)"
        ),
        (
            "x,0.5,0.3",
            "probabilities sum to 0.8, not 1 (tolerance 0.01): give the whole distribution, one probability per class"
        ),
        (
            "0,1,0",
            "'line' is '0', not a line number: give the 1-based line where the record starts in its training file"
        ),
    ])
    func badValues(_ row: String, _ message: String) {
        let key = row.hasPrefix("0,") ? "line" : "id"
        let found = problem("\(key),a,b\n\(row)\n")
        #expect(found?.line == 2)
        #expect(found?.message == message)
    }

    @Test func jsonValuesMustBeNumbers() {
        let error = failure(
            """
            {"id": "x", "probs": {"a": "0.5", "b": 0.5}}
            {"id": "y", "probs": {"a": 1e999, "b": 0}}
            """, path: "preds.jsonl")
        #expect(
            error?.problems.map(\.message) == [
                "probability of class 'a' is '0.5', not a number: write a number between 0 and 1",
                "probability of class 'a' is '1e999', not a finite number: write a number between 0 and 1",
            ])
    }

    @Test func repeatedKeysNameBothLines() {
        let error = failure("line,file,a\n3,a.jsonl,1\n3,b.jsonl,1\n3,a.jsonl,1\n")
        #expect(
            error?.problems == [
                PredictionsProblem(
                    line: 4, "line 3 of file 'a.jsonl' repeats line 2: give each record one row")
            ])
        let ids = failure("id,a\nx,1\ny,1\nx,1\n")
        #expect(
            ids?.description
                == "preds.csv:4: error: id 'x' repeats line 2: give each record one row")
    }

    @Test func invalidJSONLinesAreProblemsAtTheirLine() {
        let error = failure(
            """
            {"id": "x", "probs": {"a": 1}}
            {"id": "y", "probs": {"a": 1}
            """, path: "preds.jsonl")
        #expect(error?.problems.first?.line == 2)
        #expect(error?.problems.first?.message.hasPrefix("invalid JSON") == true)
    }

    @Test func reportsTheFirstTenProblemsAndCountsTheRest() throws {
        let rows = (1...15).map { "r-\($0),2,0" }.joined(separator: "\n")
        let error = try #require(failure("id,a,b\n\(rows)\n"))
        #expect(error.problems.count == PredictionsProblems.limit)
        #expect(error.problems.map(\.line) == Array(2...11))
        guard case .invalid(_, _, let total) = error else {
            Issue.record("expected invalid")
            return
        }
        #expect(total == 15)
        let lines = error.description.split(separator: "\n")
        #expect(lines.count == 11)
        #expect(lines.first?.hasPrefix("preds.csv:2: error: probability of class 'a' is 2") == true)
        #expect(
            lines.last
                == "preds.csv: error: … and 5 more problems (15 in all); fix the ones above and run again"
        )
    }
}

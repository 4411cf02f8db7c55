import Foundation
import PreflightCore
import PreflightReaders
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// Predictions read from in-memory text through the real reader.
private func predictions(_ text: String, path: String = "preds.csv") throws -> Predictions {
    try PredictionsReader.read(bytes: Array(text.utf8), path: path)
}

/// `predictions` aligned to `dataset`.
private func aligned(_ predictions: Predictions, _ dataset: Dataset) throws(PredictionsError)
    -> OutOfSampleProbabilities
{
    try ExternalPredictions.align(
        predictions, dataset: dataset, layout: DatasetLayout(dataset),
        labels: LabelColumn(dataset))
}

/// The problems aligning `predictions` to `dataset` gives; records an issue when it fits.
private func problems(_ predictions: Predictions, _ dataset: Dataset) -> [PredictionsProblem] {
    do {
        _ = try aligned(predictions, dataset)
        Issue.record("expected the predictions not to fit")
        return []
    } catch {
        return error.problems
    }
}

@Suite struct ExternalPredictionsTests {
    /// Training records on lines 1, 2, 4 (line 3 lacks its label: a malformed record); a
    /// held-out-only label 'eggs'.
    static let dataset = FixtureDataset.make([
        (
            "train.jsonl", .train,
            """
            {"id": "a1", "text": "first", "label": "spam"}
            {"id": "a2", "text": "second", "label": "ham"}
            {"id": "a9", "text": "no label here"}
            {"id": "a3", "text": "third", "label": "spam"}
            """
        ),
        ("test.jsonl", .test, #"{"id": "b1", "text": "held out", "label": "eggs"}"#),
    ])

    // MARK: - Keys

    @Test func byIDInAnyRowOrder() throws {
        let p = try predictions("id,spam,ham\na3,0.3,0.7\na1,0.9,0.1\na2,0.2,0.8\n")
        let oos = try aligned(p, Self.dataset)
        // Label ids in sorted label order: eggs 0, ham 1, spam 2; 'eggs' is held out only.
        #expect(oos.classes.map(\.text) == ["eggs", "ham", "spam"])
        #expect(oos.positions == [0, 1, 2])
        #expect(oos.labels == [2, 1, 2])
        #expect(oos.probabilities == [0, 0.1, 0.9, 0, 0.8, 0.2, 0, 0.7, 0.3])
        // Rows 1 and 2 have their given label on top; row 3 (a3, spam) does not.
        #expect(abs(oos.accuracy - 2.0 / 3) < 1e-12)
        #expect(oos.source == "predictions from preds.csv")
    }

    @Test func byLineInOneTrainingFile() throws {
        let p = try predictions(
            """
            {"line": 4, "probs": {"ham": 0.0, "spam": 1.0}}
            {"line": 1, "probs": {"ham": 0.5, "spam": 0.5}}
            {"line": 2, "probs": {"ham": 1.0, "spam": 0.0}}
            """, path: "preds.jsonl")
        let oos = try aligned(p, Self.dataset)
        #expect(oos.probabilities == [0, 0.5, 0.5, 0, 1, 0, 0, 0, 1])
        // Line 1 (spam) is a tie, which goes to the lower label id, 'ham': a miss.
        #expect(abs(oos.accuracy - 2.0 / 3) < 1e-12)
    }

    static let twoFiles = FixtureDataset.make([
        (
            "data/a.jsonl", .train,
            """
            {"text": "a one", "label": "x"}
            {"text": "a two", "label": "y"}
            """
        ),
        (
            "data/b.jsonl", .train,
            """
            {"text": "b one", "label": "y"}

            {"text": "b two", "label": "x"}
            """
        ),
    ])

    @Test func lineKeysWithAFileColumnForTwoTrainingFiles() throws {
        // `file` by base name or by the path as given; rows in any order.
        let p = try predictions(
            """
            file,line,x,y
            data/b.jsonl,3,0.6,0.4
            a.jsonl,2,0.1,0.9
            b.jsonl,1,0.2,0.8
            ./data/a.jsonl,1,0.7,0.3
            """)
        let oos = try aligned(p, Self.twoFiles)
        #expect(oos.positions == [0, 1, 2, 3])
        #expect(oos.probabilities == [0.7, 0.3, 0.1, 0.9, 0.2, 0.8, 0.6, 0.4])
        #expect(oos.accuracy == 1)
    }

    @Test func lineKeysWithoutAFileColumnAreAmbiguousWithTwoTrainingFiles() throws {
        let p = try predictions("line,x,y\n1,1,0\n2,0,1\n")
        let found = problems(p, Self.twoFiles)
        #expect(found.first?.line == 2)
        #expect(
            found.first?.message
                == "rows are keyed by line but 2 training files have labelled records (the training files 'data/a.jsonl', 'data/b.jsonl'), and this row names none: add a 'file' column naming each row's training file"
        )
    }

    @Test func unknownAndHeldOutFiles() throws {
        let dataset = FixtureDataset.make([
            ("data/a.jsonl", .train, #"{"text": "a one", "label": "x"}"#),
            ("data/val.jsonl", .validation, #"{"text": "v one", "label": "x"}"#),
        ])
        let p = try predictions("file,line,x\nb.jsonl,1,1\nval.jsonl,1,1\na.jsonl,1,1\n")
        let found = problems(p, dataset)
        #expect(
            found == [
                PredictionsProblem(
                    line: 2,
                    "file 'b.jsonl' is not a training file of this audit (training files: 'data/a.jsonl'): name it as on the command line or by its base name; did you mean 'a.jsonl'?"
                ),
                PredictionsProblem(
                    line: 3,
                    "file 'val.jsonl' is 'data/val.jsonl', a validation file: give rows for training records only"
                ),
            ])
    }

    // MARK: - Keys that match no record, or the same record twice

    @Test func keysThatMatchNoLabelledTrainingRecordSayWhichFileWasSearched() throws {
        let p = try predictions("id,spam,ham\na1,1,0\na2,0,1\na3,1,0\nzz,1,0\na9,1,0\nb1,1,0\n")
        #expect(
            problems(p, Self.dataset) == [
                PredictionsProblem(
                    line: 5,
                    "id 'zz' matches no labelled training record in 'train.jsonl': give rows for labelled training records only"
                ),
                PredictionsProblem(
                    line: 6,
                    "id 'a9' matches no labelled training record in 'train.jsonl': line 3 of 'train.jsonl' has that id but is a malformed record (missing_field): fix it, or drop the row"
                ),
                PredictionsProblem(
                    line: 7,
                    "id 'b1' matches no labelled training record in 'train.jsonl': it is a record of 'test.jsonl' (test): give rows for training records only"
                ),
            ])
        let lines = try predictions("line,spam,ham\n1,1,0\n2,0,1\n4,1,0\n3,1,0\n9,1,0\n")
        #expect(
            problems(lines, Self.dataset).map(\.message) == [
                "line 3 of 'train.jsonl' starts no labelled training record: it is a malformed record (missing_field): fix it, or drop the row",
                "line 9 of 'train.jsonl' starts no labelled training record: give rows for labelled training records only",
            ])
    }

    @Test func twoRowsForOneRecordNameBothLines() throws {
        let p = try predictions("file,line,x,y\na.jsonl,1,1,0\ndata/a.jsonl,1,1,0\n")
        let found = problems(p, Self.twoFiles)
        #expect(
            found.first
                == PredictionsProblem(
                    line: 3,
                    "the row is for the same record as line 2 (data/a.jsonl:1): give each record one row"
                ))
    }

    @Test func anIDSharedByTwoRecordsIsAmbiguous() throws {
        let dataset = FixtureDataset.make([
            (
                "train.jsonl", .train,
                """
                {"id": "same", "text": "one", "label": "x"}
                {"id": "same", "text": "two", "label": "y"}
                """
            )
        ])
        let found = problems(try predictions("id,x,y\nsame,1,0\n"), dataset)
        #expect(
            found.first?.message
                == "id 'same' is shared by 2 labelled training records (train.jsonl:1 (id 'same'), train.jsonl:2 (id 'same')): key the rows by line instead"
        )
    }

    // MARK: - Coverage

    @Test func everyLabelledTrainingRecordNeedsARow() throws {
        let records = (1...8).map { #"{"id": "r\#($0)", "text": "t\#($0)", "label": "x"}"# }
        let dataset = FixtureDataset.make([
            (
                "train.jsonl", .train,
                records.joined(separator: "\n") + "\n" + #"{"text": "u", "label": "y"}"#
            )
        ])
        let found = problems(try predictions("id,x,y\nr2,1,0\n"), dataset)
        #expect(
            found == [
                PredictionsProblem(
                    line: nil,
                    "8 labelled training records of 9 have no row (train.jsonl:1 (id 'r1'), train.jsonl:3 (id 'r3'), train.jsonl:4 (id 'r4'), train.jsonl:5 (id 'r5'), train.jsonl:6 (id 'r6'), …): give a row for every labelled training record, e.g. the out-of-fold probabilities of a cross-validated model"
                )
            ])
    }

    // MARK: - Classes

    @Test func aClassThatIsNoTrainingLabelAndALabelWithoutAClass() throws {
        let p = try predictions("id,spma,ham,eggs\na1,1,0,0\na2,0,1,0\na3,1,0,0\n")
        #expect(
            problems(p, Self.dataset) == [
                PredictionsProblem(
                    line: 1,
                    "class 'spma' is not a label of the training data: name each class exactly as its label is written in the data; did you mean 'spam'?"
                ),
                PredictionsProblem(
                    line: 1,
                    "class 'eggs' is a label of held-out records only, not of any labelled training record: drop it (the predictions are for training records)"
                ),
                PredictionsProblem(
                    line: 1,
                    "training label 'spam' (2 records) has no class in the predictions: add it, named exactly as the label is written in the data; did you mean 'spma'?"
                ),
            ])
    }

    @Test func numericLabels() throws {
        let dataset = FixtureDataset.make([
            (
                "train.jsonl", .train,
                """
                {"id": "n1", "text": "one", "label": 0}
                {"id": "n2", "text": "two", "label": 1}
                """
            )
        ])
        let oos = try aligned(try predictions("id,1,0\nn1,0.25,0.75\nn2,0.6,0.4\n"), dataset)
        #expect(
            oos.classes == [
                LabelValue(text: "0", isNumeric: true), LabelValue(text: "1", isNumeric: true),
            ])
        #expect(oos.probabilities == [0.75, 0.25, 0.4, 0.6])
        #expect(oos.accuracy == 1)
        let jsonl = try predictions(
            """
            {"classes": [0, 1]}
            {"id": "n1", "probs": [0.75, 0.25]}
            {"id": "n2", "probs": [0.4, 0.6]}
            """, path: "preds.jsonl")
        #expect(try aligned(jsonl, dataset).probabilities == [0.75, 0.25, 0.4, 0.6])
    }

    @Test func validateIsThePublicEntryPoint() throws {
        try ExternalPredictions.validate(
            try predictions("id,spam,ham\na3,0.3,0.7\na1,0.9,0.1\na2,0.2,0.8\n"), for: Self.dataset)
        let error = #expect(throws: PredictionsError.self) {
            try ExternalPredictions.validate(
                try predictions("id,spam,ham\na1,0.9,0.1\n"), for: Self.dataset)
        }
        #expect(
            error?.description.hasPrefix(
                "preds.csv: error: 2 labelled training records of 3 have no row") == true)
    }

    // MARK: - The checks use the predictions

    /// 120 records of 3 classes whose texts carry no signal (the built-in classifier could
    /// not beat chance on them), and predictions that give the given label 0.9 except on
    /// `planted` lines, where another class gets 0.96.
    static func plantedData(planted: [Int: String]) throws -> Dataset {
        let classes = ["alpha", "beta", "gamma"]
        var lines: [String] = []
        var csv = "id," + classes.joined(separator: ",") + "\n"
        for i in 1...120 {
            let label = classes[i % 3]
            lines.append(#"{"id": "r\#(i)", "text": "record number \#(i)", "label": "\#(label)"}"#)
            let top = planted[i] ?? label
            let probs = classes.map { c in
                c == top
                    ? (planted[i] == nil ? "0.9" : "0.96") : (planted[i] == nil ? "0.05" : "0.02")
            }
            csv += "r\(i)," + probs.joined(separator: ",") + "\n"
        }
        var dataset = FixtureDataset.make([("train.jsonl", .train, lines.joined(separator: "\n"))])
        dataset.predictions = try predictions(csv)
        return dataset
    }

    @Test func labelIssuesFlagsExactlyTheRecordsWhoseLabelHasLowProbability() throws {
        let planted = [7: "gamma", 50: "alpha", 99: "beta", 100: "alpha"]
        let dataset = try Self.plantedData(planted: planted)
        let result = try CheckExampleRunner.run(LabelIssuesCheck.self, on: dataset)
        #expect(Set(result.findings.compactMap(\.location?.line)) == Set(planted.keys))
        for finding in result.findings {
            let line = try #require(finding.location?.line)
            #expect(finding.hint?.contains("relabel as '\(planted[line]!)'") == true)
            #expect(abs(finding.metrics["given_probability"]! - 0.02) < 1e-6)
            #expect(finding.message.contains("looks wrong: your predictions give it 0.02"))
        }
        #expect(result.metrics["oos_accuracy"] == 116.0 / 120)
        #expect(result.metrics["records_scored"] == 120)
        #expect(
            result.summary.hasPrefix(
                "4 likely mislabeled records of 120 scored, estimated noise rate 3.3%; predictions from preds.csv, out-of-sample accuracy 96.7%"
            ))
    }

    @Test func withoutPredictionsTheBuiltInModelCannotLearnThisData() throws {
        var dataset = try Self.plantedData(planted: [7: "gamma"])
        dataset.predictions = nil
        let result = try CheckExampleRunner.run(LabelIssuesCheck.self, on: dataset)
        #expect(result.findings.isEmpty)
        #expect(result.skippedReason?.contains("built-in classifier") == true)
    }

    @Test func classConfusionUsesThePredictions() throws {
        // Four records each way between alpha and beta: an unclear boundary.
        let planted = [3: "beta", 6: "beta", 9: "beta", 12: "beta"]
            .merging([1: "alpha", 4: "alpha", 7: "alpha", 10: "alpha"]) { a, _ in a }
        let dataset = try Self.plantedData(planted: planted)
        let result = try CheckExampleRunner.run(ClassConfusionCheck.self, on: dataset)
        #expect(result.summary.contains("predictions from preds.csv"))
        #expect(result.findings.count == 1)
        #expect(
            result.findings.first?.message.hasPrefix("unclear boundary between 'alpha' and 'beta'")
                == true)
    }

    @Test func theGateAppliesToPredictionsAndNamesTheirSource() throws {
        // Every beta and gamma record predicted as alpha: accuracy 1/3.
        let planted = Dictionary(
            uniqueKeysWithValues: (1...120).filter { $0 % 3 != 0 }.map { ($0, "alpha") })
        let dataset = try Self.plantedData(planted: planted)
        let result = try CheckExampleRunner.run(LabelIssuesCheck.self, on: dataset)
        #expect(result.findings.isEmpty)
        #expect(result.metrics["oos_accuracy"] == 40.0 / 120)
        #expect(
            result.skippedReason
                == "out-of-sample accuracy 33.3% is below 'min_accuracy' 50.0% (predictions from preds.csv): the model cannot tell the classes apart well enough for its disagreements to point at label errors"
        )
    }

    @Test func predictionsThatDoNotFitMakeTheChecksThrow() throws {
        var dataset = try Self.plantedData(planted: [:])
        dataset.predictions = try predictions("id,alpha,beta,gamma\nr1,1,0,0\n")
        #expect(throws: PredictionsError.self) {
            try CheckExampleRunner.run(LabelIssuesCheck.self, on: dataset)
        }
        #expect(throws: PredictionsError.self) {
            try CheckExampleRunner.run(ClassConfusionCheck.self, on: dataset)
        }
    }
}

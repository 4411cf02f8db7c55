import Foundation
import PreflightTestSupport
import Testing

/// `preflight audit --predictions FILE`: the user's own out-of-sample probabilities.
@Suite struct PredictionsTests {
    static let sample = "samples/predictions/support-tickets.csv"
    static let audit = ["audit", "samples/support-tickets", "--profile", "classification"]

    /// A temporary file with `text`, removed by the caller.
    static func temporary(_ text: String, name: String = "preds.csv") throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-predictions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func labelIssuesLines(_ report: URL) throws -> [Int] {
        let json = try JSONValue.parse(Data(contentsOf: report))
        guard case .array(let findings)? = json["findings"] else { return [] }
        return findings.filter { $0["check"] == .string("label_issues") }.compactMap {
            if case .number(let line)? = $0["location"]?["line"] { return Int(line) }
            return nil
        }.sorted()
    }

    @Test func theSamplePredictionsFlagTheirPlantedRecords() throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-pred-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let result = runCLI(
            Self.audit + ["--predictions", Self.sample, "--report", "json=\(report.path)"])
        #expect(result.code == 1)  // the sample is not ready for other reasons
        #expect(result.stderr == "")
        #expect(
            result.stdout.contains(
                "5 likely mislabeled records of 129 scored, estimated noise rate 3.9%;"))
        #expect(result.stdout.contains("predictions from samples/predictions/support-tickets.csv"))
        // t-14, t-63, t-101 (disagreements planted in the file), c-1 (the conflicting copy)
        // and v-1 (the 'Billing ' variant).
        #expect(try Self.labelIssuesLines(report) == [15, 66, 105, 127, 128])
    }

    @Test func sameInputsGiveIdenticalReports() throws {
        let tmp = FileManager.default.temporaryDirectory
        let a = tmp.appendingPathComponent("preflight-pred-a-\(UUID().uuidString).json")
        let b = tmp.appendingPathComponent("preflight-pred-b-\(UUID().uuidString).json")
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        let first = runCLI(
            Self.audit + ["--predictions", Self.sample, "--report", "json=\(a.path)"])
        let second = runCLI(
            Self.audit + ["--predictions", Self.sample, "--report", "json=\(b.path)"])
        #expect(first.stdout == second.stdout)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    }

    @Test func aBadRowExitsTwoNamingTheFileAndLineBeforeAnyCheck() throws {
        let file = try Self.temporary("id,account,billing\nt-1,0.5,0.5\nt-2,0.5,x\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = runCLI(Self.audit + ["--predictions", file.path])
        #expect(result.code == 2)
        #expect(
            result.stderr
                == "\(file.path):3: error: probability of class 'billing' is 'x', not a number: write a number between 0 and 1\n"
        )
        #expect(result.stdout == "")
    }

    @Test func predictionsThatDoNotFitTheDataExitTwo() throws {
        let text = try String(contentsOfFile: Self.sample, encoding: .utf8)
            .replacingOccurrences(of: "\"technical\"", with: "\"tecnical\"")
        let file = try Self.temporary(text)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = runCLI(Self.audit + ["--predictions", file.path])
        #expect(result.code == 2)
        #expect(
            result.stderr.contains(
                "\(file.path):1: error: class 'tecnical' is not a label of the training data: name each class exactly as its label is written in the data; did you mean 'technical'?"
            ))
        #expect(result.stdout == "")
    }

    @Test func aMissingPredictionsFileExitsThree() {
        let result = runCLI(Self.audit + ["--predictions", "samples/predictions/nope.csv"])
        #expect(result.code == 3)
        #expect(
            result.stderr
                == "error: predictions file 'samples/predictions/nope.csv' was not found: check the path (it is relative to the current folder)\n"
        )
    }

    @Test func unusedPredictionsWarnAndSayHowToEnableTheChecks() {
        let result = runCLI(["audit", "samples/support-tickets", "--predictions", Self.sample])
        #expect(result.code == 1)
        #expect(
            result.stderr
                == "warning: --predictions 'samples/predictions/support-tickets.csv' is unused: neither label_issues nor class_confusion is enabled; enable them with --profile classification, or with 'label_issues: true' (and 'class_confusion: true') in a rule file\n"
        )
        #expect(!result.stdout.contains("predictions from"))
    }

    @Test func aRuleFileEnablingLabelIssuesUsesThem() throws {
        let rules = try Self.temporary(
            "version: 1\nchecks:\n  label_issues: true\n", name: "r.yaml")
        defer { try? FileManager.default.removeItem(at: rules.deletingLastPathComponent()) }
        let result = runCLI([
            "audit", "samples/support-tickets", "--rules", rules.path, "--predictions", Self.sample,
        ])
        #expect(result.stderr == "")
        #expect(result.stdout.contains("predictions from samples/predictions/support-tickets.csv"))
    }

    @Test func aReportOverThePredictionsIsRefused() throws {
        // A copy, so that a regression cannot overwrite the sample.
        let file = try Self.temporary(try String(contentsOfFile: Self.sample, encoding: .utf8))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let before = try Data(contentsOf: file)
        let result = runCLI(
            Self.audit + ["--predictions", file.path, "--report", "json=\(file.path)"])
        #expect(result.code == 2)
        #expect(result.stderr.contains("refusing to write a report over the input"))
        #expect(try Data(contentsOf: file) == before)
    }

    @Test func helpDocumentsTheFormat() {
        let result = runCLI(["audit", "--help"])
        #expect(result.code == 0)
        #expect(result.stdout.contains("--predictions <FILE>"))
        #expect(result.stdout.contains(#"{"classes": ["billing", "shipping"]}"#))
        #expect(result.stdout.contains("'id' (the record's id) or 'line'"))
    }
}

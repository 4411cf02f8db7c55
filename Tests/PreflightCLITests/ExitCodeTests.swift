import Foundation
import PreflightTestSupport
import Testing

@testable import preflight

/// Exit codes and diagnostics of the command line.
@Suite struct ExitCodeTests {
    /// The clean sample's only finding is the `no_taxonomy` warning (the built-in rules
    /// declare no failure taxonomy): ready with warnings, exit code 0.
    @Test func readySampleExitsZero() throws {
        let result = runCLI(["audit", "samples/clean-intents"])
        #expect(result.code == 0, "\(result.stdout)")
        #expect(result.stdout.hasPrefix("READY WITH WARNINGS  1 warning"))
        #expect(result.stdout.contains("warning  failure_taxonomy  no failure taxonomy declared"))
    }

    @Test func failOnWarningTurnsWarningsIntoExitOne() throws {
        // Training data alone: the missing held-out split is a warning by default.
        let train = "samples/clean-intents/train.jsonl"
        let warningsOnly = runCLI(["audit", "--train", train])
        #expect(warningsOnly.code == 0, "\(warningsOnly.stdout)")
        #expect(warningsOnly.stdout.contains("READY WITH WARNINGS"))
        let strict = runCLI(["audit", "--train", train, "--fail-on", "warning"])
        #expect(strict.code == 1)
    }

    @Test func missingInputExitsThreeNamingThePath() {
        let result = runCLI(["audit", "samples/does-not-exist.jsonl"])
        #expect(result.code == 3)
        #expect(result.stderr.contains("samples/does-not-exist.jsonl"))
        #expect(result.stdout == "")
    }

    @Test func noInputsIsAUsageError() {
        let result = runCLI(["audit"])
        #expect(result.code == 2)
        #expect(result.stderr.contains("give at least one file or folder"))
    }

    @Test func unknownFlagIsAUsageError() {
        let result = runCLI(["audit", "samples/clean-intents", "--fial-on", "warning"])
        #expect(result.code == 2)
    }

    @Test func badRuleFileExitsTwoWithPosition() throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-bad-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "version: 1\nchecks:\n  exact_duplicates:\n    normalise: [case]\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let result = runCLI(["audit", "samples/clean-intents", "--rules", file.path])
        #expect(result.code == 2)
        #expect(
            result.stderr.contains(
                "\(file.path):4:5: error: unknown option 'normalise' for check 'exact_duplicates'; did you mean 'normalize'?"
            ))
        #expect(result.stdout == "")
    }

    @Test func unknownProfileExitsTwoWithSuggestion() {
        let result = runCLI(["audit", "samples/clean-intents", "--profile", "strikt"])
        #expect(result.code == 2)
        #expect(result.stderr.contains("did you mean 'strict'?"))
    }

    @Test func reportOverAnInputIsRefused() {
        let result = runCLI([
            "audit", "--train", "samples/clean-intents/train.jsonl",
            "--report", "json=samples/clean-intents/train.jsonl",
        ])
        #expect(result.code == 2)
        #expect(result.stderr.contains("refusing to write a report over the input"))
    }

    @Test(arguments: ["0", "-5", "10MB", "1.5M", "abc", "3G"])
    func badRecordSizeIsAUsageError(size: String) {
        // 3G: past what a record size may be (2 GiB − 1).
        let result = runCLI(["audit", "samples/clean-intents", "--max-record-size", size])
        #expect(result.code == 2, "\(size)")
        #expect(result.stderr.contains("--max-record-size"), "\(result.stderr)")
    }

    @Test func recordSizeTakesUnits() {
        #expect(ByteSize(argument: "512")?.bytes == 512)
        #expect(ByteSize(argument: "64k")?.bytes == 64 << 10)
        #expect(ByteSize(argument: "16M")?.bytes == 16 << 20)
        #expect(ByteSize(argument: "1G")?.bytes == 1 << 30)
    }

    @Test func reportOverARuleFileIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = folder.appendingPathComponent("rules.yaml")
        try Data("version: 1\n".utf8).write(to: rules)
        let result = runCLI([
            "audit", "samples/clean-intents", "--rules", rules.path, "--quiet",
            "--report", "json=\(folder.path)/../\(folder.lastPathComponent)/rules.yaml",
        ])
        #expect(result.code == 2)
        #expect(result.stderr.contains("refusing to write a report over the input"))
        #expect(try String(contentsOf: rules, encoding: .utf8) == "version: 1\n")
    }

    @Test func reportOverAFileOfAFolderInputIsRefused() throws {
        // The folder names its files only when it is read; none of them may be overwritten.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-folder-\(UUID().uuidString)")
        try FileManager.default.copyItem(
            at: RepositoryPaths.root.appendingPathComponent("samples/support-tickets"),
            to: folder)
        let train = folder.appendingPathComponent("train.jsonl")
        let before = try Data(contentsOf: train)
        for spec in ["json=\(train.path)", "text=\(folder.path)/./val.csv"] {
            let result = runCLI(["audit", folder.path, "--quiet", "--report", spec])
            #expect(result.code == 2, "\(spec)")
            #expect(result.stderr.contains("refusing to write a report over the input"))
        }
        #expect(try Data(contentsOf: train) == before)
        #expect(
            try Data(contentsOf: folder.appendingPathComponent("val.csv"))
                == Data(
                    contentsOf: RepositoryPaths.root.appendingPathComponent(
                        "samples/support-tickets/val.csv")))
    }

    @Test func strictProfileMakesAMissingHeldOutSplitAnError() throws {
        let train = "samples/clean-intents/train.jsonl"
        let lenient = runCLI(["audit", "--train", train])
        #expect(lenient.code == 0)
        let strict = runCLI(["audit", "--train", train, "--profile", "strict"])
        #expect(strict.code == 1)
    }

    @Test func noColorUnlessATerminal() {
        let result = runCLI(["audit", "samples/support-tickets"])
        #expect(!result.stdout.contains("\u{1B}["))
    }
}

/// Field mappings are binding: a mapped field that no record has is a usage error.
@Suite struct FieldMappingTests {
    @Test func labelFieldThatNoRecordHasExitsTwo() {
        let result = runCLI([
            "audit", "--train", "samples/clean-intents/train.jsonl", "--label-field", "intent",
        ])
        #expect(result.code == 2)
        #expect(result.stderr.contains("label_field 'intent' does not occur in any record"))
        #expect(result.stderr.contains("did you mean 'label'?"))
        #expect(result.stdout == "")
    }

    @Test func textFieldOverrideIsUsed() throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-map-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        // Reading the id as the text makes every input distinct from the samples' texts:
        // the override must reach the projection (shape source 'rules').
        let result = runCLI([
            "audit", "--train", "samples/clean-intents/train.jsonl", "--text-field", "id",
            "--quiet", "--report", "json=\(report.path)",
        ])
        #expect(result.code == 0 || result.code == 1, "\(result.stderr)")
        let json = try JSONValue.parse(Data(contentsOf: report))
        #expect(json["inputs"]?[0]?["text_fields"] == .array([.string("id")]))
        #expect(json["inputs"]?[0]?["shape_source"] == .string("rules"))
    }
}

import Foundation
import PreflightCore
import PreflightReporters
import PreflightTestSupport
import Testing

/// `preflight diff` end to end: audit a small dataset, change it, audit again, compare.
@Suite struct DiffCommandTests {
    /// A temporary folder removed when the test ends.
    private final class Folder {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory
                .appendingPathComponent("preflight-diff-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
        func write(_ name: String, _ lines: [String]) throws {
            try (lines.joined(separator: "\n") + "\n").write(
                toFile: path(name), atomically: true, encoding: .utf8)
        }
    }

    private static let labels = ["billing", "shipping", "account"]
    private static let topics = [
        "invoice", "parcel", "password", "refund", "courier", "login", "receipt", "tracking",
        "profile", "charge",
    ]

    /// A distinct, plausible support message for `i` with its label.
    private static func line(_ i: Int, label: String? = nil) -> String {
        let topic = topics[i % topics.count]
        let text = "ticket \(i): question about my \(topic) number \(i * 7 + 3) from last week"
        return #"{"text": "\#(text)", "label": "\#(label ?? labels[i % labels.count])"}"#
    }

    /// Old: train 0..<60, test 100..<120. New: train without 0..<3, with 60..<65 added, a copy
    /// of record 10 appended, the label of record 20 changed; test with train record 30
    /// appended (a leak).
    private func auditTwice(_ folder: Folder) throws -> (old: String, new: String) {
        let data = folder.path("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let oldReport = folder.path("old.json")
        let newReport = folder.path("new.json")
        try folder.write("data/train.jsonl", (0..<60).map { Self.line($0) })
        try folder.write("data/test.jsonl", (100..<120).map { Self.line($0) })
        let first = runCLI(["audit", data, "--report", "json=\(oldReport)"])
        #expect(first.stderr == "", "\(first.stderr)")

        var train = (3..<60).map { i in
            i == 20 ? Self.line(20, label: "shipping") : Self.line(i)
        }
        train += (60..<65).map { Self.line($0) }
        train.append(Self.line(10))
        try folder.write("data/train.jsonl", train)
        try folder.write("data/test.jsonl", (100..<120).map { Self.line($0) } + [Self.line(30)])
        let second = runCLI(["audit", data, "--report", "json=\(newReport)"])
        #expect(second.stderr == "", "\(second.stderr)")
        #expect(second.code == 1, "the duplicate and the leak are errors")
        return (oldReport, newReport)
    }

    @Test func diffReportsRecordsDuplicatesLeaksAndVerdictInEveryFormat() throws {
        let folder = try Folder()
        let (old, new) = try auditTwice(folder)

        // JSON: the numbers.
        let json = runCLI(["diff", old, new, "--format", "json"])
        #expect(json.code == 0, "\(json.stderr)")
        let diff = try JSONValue.parse(Data(json.stdout.utf8))
        let validator = try JSONSchemaValidator(
            contentsOf: RepositoryPaths.root.appendingPathComponent("schemas/diff-v1.schema.json"))
        #expect(validator.validate(diff).isEmpty, "\(validator.validate(diff))")
        #expect(diff["old"]?["verdict"] != diff["new"]?["verdict"])
        #expect(diff["new"]?["verdict"] == .string("not_ready"))
        #expect(diff["verdict_changed"] == .bool(true))
        let train = splitNamed("train", in: diff)
        #expect(train?["records"] == .object(["old": .number(60), "new": .number(63)]))
        // Removed: records 0, 1, 2 and record 20 with its old label; added: 60..<65 and
        // record 20 with its new label. The copy of record 10 is not a new distinct record.
        #expect(train?["added"] == .number(6))
        #expect(train?["removed"] == .number(4))
        #expect(train?["exact"] == .bool(true))
        #expect(diff["splits"]?[0]?["split"] == .string("train"), "split order")
        let testSplit = splitNamed("test", in: diff)
        #expect(testSplit?["added"] == .number(1))
        #expect(testSplit?["removed"] == .number(0))
        #expect(diff["new_duplicates"]?["total"] == .number(1))
        #expect(diff["new_duplicates"]?["findings"]?[0]?["check"] == .string("exact_duplicates"))
        #expect(diff["new_duplicates"]?["findings"]?[0]?["location"]?["line"] == .number(63))
        #expect(diff["new_leaks"]?["total"] == .number(1))
        #expect(diff["new_leaks"]?["findings"]?[0]?["location"]?["line"] == .number(21))
        #expect(diff["inputs"]?[0]?["status"] == .string("changed"))

        // Text.
        let text = runCLI(["diff", old, new])
        #expect(text.code == 0)
        #expect(text.stdout.contains("verdict: "))
        #expect(text.stdout.contains("verdict: ready with warnings → not ready"))
        #expect(text.stdout.contains("findings: errors 0 → 1 (+1)"))
        let rows = text.stdout.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(rows.contains(["train", "60", "63", "+6", "-4"]), "\(text.stdout)")
        #expect(rows.contains(["test", "20", "21", "+1", "0"]), "\(text.stdout)")
        #expect(text.stdout.contains("New duplicates: 1"))
        #expect(text.stdout.contains("New leaks: 1"))
        #expect(text.stdout.contains("data/test.jsonl:21  split_leakage"))

        // Markdown.
        let markdown = runCLI(["diff", old, new, "--format", "markdown"])
        #expect(markdown.code == 0)
        #expect(markdown.stdout.contains("| train | 60 | 63 | +6 | -4 |"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("### New duplicates (1)"))
        #expect(markdown.stdout.contains("### New leaks (1)"))
        #expect(markdown.stdout.utf8.count <= 65_536)
    }

    private func splitNamed(_ name: String, in diff: JSONValue) -> JSONValue? {
        guard case .array(let splits)? = diff["splits"] else { return nil }
        return splits.first { $0["split"] == .string(name) }
    }

    @Test func outputWritesAFileAndRefusesAnInput() throws {
        let folder = try Folder()
        let (old, new) = try auditTwice(folder)
        let out = folder.path("out/diff.md")
        let written = runCLI(["diff", old, new, "--format", "markdown", "--output", out])
        #expect(written.code == 0)
        #expect(written.stdout == "")
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("## Preflight diff"))

        let refused = runCLI(["diff", old, new, "--output", new])
        #expect(refused.code == 2)
        #expect(refused.stderr.contains("refusing to write a report over the input"))
        #expect(
            try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: new)))["schema_version"]
                == .number(1))
    }

    @Test func aMissingFileExitsThree() throws {
        let folder = try Folder()
        try folder.write("a.json", ["{}"])
        let missing = folder.path("missing.json")
        let result = runCLI(["diff", missing, folder.path("a.json")])
        #expect(result.code == 3)
        #expect(result.stderr == "\(missing): error: cannot read the report: no such file\n")
    }

    @Test func aFileThatIsNotAReportExitsTwo() throws {
        let folder = try Folder()
        try folder.write(
            "data.jsonl",
            [#"{"text": "hi", "label": "greeting"}"#, #"{"text": "bye", "label": "farewell"}"#])
        try folder.write("array.json", [#"[{"schema_version": 1}]"#])
        let path = folder.path("data.jsonl")
        let result = runCLI(["diff", path, folder.path("array.json")])
        #expect(result.code == 2)
        #expect(
            result.stderr.hasPrefix(
                "\(path):2:1: error: invalid JSON: unexpected text after the report; "),
            "\(result.stderr)")
        #expect(result.stderr.contains("is not a Preflight JSON report (schema_version 1)"))

        let array = runCLI(["diff", folder.path("array.json"), path])
        #expect(array.code == 2)
        #expect(array.stderr.contains("the file holds a JSON array"))
    }
}

/// A real audit through the pipeline reads back to the same bytes, and diffs with itself as
/// no change.
@Test func auditedReportReadsBackAndDiffsAsUnchanged() throws {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("preflight-roundtrip-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    let audit = runCLI(["audit", "samples/support-tickets", "--report", "json=\(url.path)"])
    #expect(audit.stderr == "")
    let written = try Data(contentsOf: url)
    let report = try JSONReportReader.read(written, path: url.path)
    #expect(try JSONReporter().render(report) == written)
    #expect(report.statistics.allSatisfy { $0.recordSketch != nil })

    let diff = ReportDiff(old: report, new: report)
    #expect(diff.totals[.unchanged] == report.findings.count)
    #expect(diff.fixedCount == 0)
    #expect(
        diff.splits.allSatisfy {
            $0.change?.added == 0 && $0.change?.removed == 0 && $0.change?.isExact == true
        })
}

import Foundation
import PreflightTestSupport
import Testing

/// Audits of the real datasets in `../shared/data` (skipped when absent), pinned to counts
/// computed independently in Python by `scripts/crosscheck-shared-data.py` with the same
/// normalization (NFKC, `str.casefold`, whitespace collapsed): records per split,
/// duplicate records and groups, conflicting-label groups and leakage from train.
@Suite(.enabled(if: RepositoryPaths.sharedData("clinc150") != nil, "../shared/data is absent"))
struct RealDataTests {
    struct Expected: Sendable, CustomStringConvertible {
        var dataset: String
        var files: [(flag: String, file: String)]
        var labelField = "label"
        /// split: (records, duplicate records, duplicate groups, conflict groups, leaked from train)
        var splits:
            [String: (records: Int, duplicates: Int, groups: Int, conflicts: Int, leaked: Int)]
        /// Near-duplicates at the default threshold (0.8, auto shingles), where the
        /// independent exact all-pairs join of `scripts/crosscheck-near-duplicates.py` and
        /// Preflight agree exactly: split: (clusters, records in clusters, held-out records
        /// near-leaking from train). Absent where LSH misses a pair at exactly 0.8 (clinc150:
        /// recall 0.999), which the script measures instead.
        var near: [String: (clusters: Int, records: Int, nearLeaked: Int)] = [:]
        var description: String { dataset + (labelField == "label" ? "" : " (\(labelField))") }
    }

    static let cases: [Expected] = [
        Expected(
            dataset: "clinc150",
            files: [
                ("--train", "train.jsonl"), ("--validation", "validation.jsonl"),
                ("--test", "test.jsonl"),
            ],
            splits: [
                "train": (15100, 0, 0, 0, 0), "validation": (3100, 0, 0, 0, 3),
                "test": (5500, 0, 0, 0, 2),
            ]),
        Expected(
            dataset: "banking77", files: [("--train", "train.jsonl"), ("--test", "test.jsonl")],
            splits: ["train": (10003, 4, 4, 0, 0), "test": (3080, 1, 1, 0, 7)],
            near: ["train": (305, 675, 0), "test": (48, 104, 259)]),
        Expected(
            dataset: "trec", files: [("--train", "train.csv"), ("--test", "test.yaml")],
            splits: ["train": (5452, 72, 64, 0, 0), "test": (500, 0, 0, 0, 11)],
            near: ["train": (62, 139, 0), "test": (1, 2, 9)]),
        Expected(
            dataset: "trec", files: [("--train", "train.jsonl"), ("--test", "test.jsonl")],
            labelField: "label_fine",
            splits: ["train": (5452, 72, 64, 1, 0), "test": (500, 0, 0, 0, 11)]),
        Expected(
            dataset: "sms_spam", files: [("--train", "data.csv")],
            splits: ["train": (5574, 415, 290, 0, 0)],
            near: ["train": (87, 198, 0)]),
        Expected(
            dataset: "snips2017",
            files: [("--train", "train.jsonl"), ("--validation", "validation.jsonl")],
            splits: ["train": (13784, 207, 143, 0, 0), "validation": (700, 5, 5, 0, 11)],
            near: ["train": (183, 487, 0), "validation": (0, 0, 36)]),
        Expected(
            dataset: "imdb_cleanlab",
            files: [("--train", "train.jsonl"), ("--test", "test.jsonl")],
            splits: ["train": (5000, 96, 92, 0, 0), "test": (5000, 199, 191, 0, 123)],
            near: ["train": (0, 0, 0), "test": (2, 4, 0)]),
    ]

    /// These tests pin the counts of the hashing and near-copy checks; the label-noise checks
    /// train a cross-validated classifier per dataset, which in a debug build would dominate
    /// their run time without being asserted on, so a small rules file turns them off.
    static let rulesWithoutLabelNoise =
        "version: 1\nchecks:\n  label_issues: false\n  class_confusion: false\n"

    @Test(arguments: cases)
    func countsMatchTheIndependentComputation(_ expected: Expected) throws {
        guard let folder = RepositoryPaths.sharedData(expected.dataset) else { return }
        let tmp = FileManager.default.temporaryDirectory
        let report = tmp.appendingPathComponent("preflight-real-\(UUID().uuidString).json")
        let rules = tmp.appendingPathComponent("preflight-real-\(UUID().uuidString).yaml")
        defer {
            try? FileManager.default.removeItem(at: report)
            try? FileManager.default.removeItem(at: rules)
        }
        try Self.rulesWithoutLabelNoise.write(to: rules, atomically: true, encoding: .utf8)
        var arguments = [
            "audit", "--quiet", "--report", "json=\(report.path)", "--rules", rules.path,
            "--label-field", expected.labelField,
        ]
        for (flag, file) in expected.files {
            arguments += [flag, folder.appendingPathComponent(file).path]
        }

        let result = runCLI(arguments)
        #expect(result.code == 0 || result.code == 1, "\(result.stderr)")
        let json = try JSONValue.parse(Data(contentsOf: report))
        func metric(_ check: String, _ key: String) -> Int {
            guard case .array(let checks)? = json["checks"] else { return -1 }
            for c in checks where c["id"] == .string(check) {
                if case .number(let n)? = c["metrics"]?[key] { return Int(n) }
                return 0
            }
            return -1
        }
        for (split, want) in expected.splits {
            guard case .number(let records)? = json["statistics"]?[split]?["records"] else {
                Issue.record("no statistics for split '\(split)'")
                continue
            }
            #expect(Int(records) == want.records, "\(split) records")
            #expect(
                metric("exact_duplicates", "duplicate_records.\(split)") == want.duplicates,
                "\(split) duplicates")
            #expect(
                metric("exact_duplicates", "duplicate_groups.\(split)") == want.groups,
                "\(split) groups")
            #expect(
                metric("conflicting_labels", "conflict_groups.\(split)") == want.conflicts,
                "\(split) conflicts")
            if split != "train" {
                #expect(
                    metric("split_leakage", "leaked.\(split).train") == want.leaked,
                    "\(split) leaked")
            }
        }
        for (split, want) in expected.near {
            #expect(
                metric("near_duplicates", "near_clusters.\(split)") == want.clusters,
                "\(split) near clusters")
            #expect(
                metric("near_duplicates", "near_records.\(split)") == want.records,
                "\(split) near records")
            if split != "train" {
                #expect(
                    metric("split_leakage", "near_leaked.\(split).train") == want.nearLeaked,
                    "\(split) near leaked")
            }
        }
    }

    @Test func chatDatasetsAreDetectedAsChat() throws {
        guard let folder = RepositoryPaths.sharedData("fastchat_identity") else { return }
        let report = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-chat-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let result = runCLI([
            "audit", "--quiet", "--report", "json=\(report.path)",
            "--train", folder.appendingPathComponent("train.sharegpt.jsonl").path,
        ])
        #expect(result.code == 0 || result.code == 1, "\(result.stderr)")
        let json = try JSONValue.parse(Data(contentsOf: report))
        #expect(json["inputs"]?[0]?["shape"] == .string("sharegpt"))
        #expect(json["inputs"]?[0]?["records"] == .number(500))
    }
}

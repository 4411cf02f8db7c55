import Foundation
import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

/// Real published datasets from `../shared/data`; skipped when the folder is absent.
@Suite(.enabled(if: RepositoryPaths.sharedData("clinc150") != nil, "needs ../shared/data/clinc150"))
struct RealDataTests {
    /// Straightforward reference: NFKC, lowercased, whitespace split and joined.
    static func reference(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.lowercased()
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func texts(_ jsonl: String) -> [String] {
        jsonl.split(separator: "\n").compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["text"] as? String
        }
    }

    static func load(_ name: String, _ files: [(String, SplitRole)]) throws -> (
        Dataset, [SplitRole: [String]]
    ) {
        let folder = RepositoryPaths.sharedData(name)!
        var inputs: [(name: String, split: SplitRole, jsonl: String)] = []
        var texts: [SplitRole: [String]] = [:]
        for (file, split) in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            inputs.append((file, split, text))
            texts[split, default: []] += Self.texts(text)
        }
        return (FixtureDataset.make(inputs), texts)
    }

    /// Exact leakage only: these tests pin exact counts, and the near tier would run the
    /// near-duplicate search, whose reference body is quadratic (minutes on these sizes in a
    /// debug build). Re-enable it here once the MinHash/LSH search lands.
    static var exactLeakage: SplitLeakageCheck.Options {
        var options = SplitLeakageCheck.Options()
        options.near = false
        return options
    }

    @Test func clinc150LeakageAndDuplicatesMatchReference() throws {
        let (dataset, texts) = try Self.load(
            "clinc150", [("train.jsonl", .train), ("test.jsonl", .test)])
        #expect(dataset.recordCount(in: .train) == 15_100)
        #expect(dataset.recordCount(in: .test) == 5_500)

        // Reference counts.
        func duplicates(_ list: [String]) -> Int {
            var seen = Set<String>()
            return list.filter { !seen.insert(Self.reference($0)).inserted }.count
        }
        let trainKeys = Set(texts[.train]!.map(Self.reference))
        let leaked = texts[.test]!.filter { trainKeys.contains(Self.reference($0)) }.count

        let index = DatasetIndex(dataset: dataset)
        let input = CheckInput(dataset: dataset, index: index)
        let dup = ExactDuplicatesCheck(options: .init()).run(input)
        #expect(dup.metrics["duplicate_records.train"] == Double(duplicates(texts[.train]!)))
        #expect(dup.metrics["duplicate_records.test"] == Double(duplicates(texts[.test]!)))
        let leak = SplitLeakageCheck(options: Self.exactLeakage).run(input)
        #expect(leak.metrics["leaked.test.train"] == Double(leaked))
        #expect(leak.findings.filter { $0.code == "leaked_from_train" }.count == leaked)

        // Documented class counts: 151 classes, 100 each in train; test oos 1,000 vs 30.
        let balance = ClassBalanceCheck(options: .init()).run(input)
        #expect(balance.metrics["classes"] == 151)
        #expect(balance.metrics["max_min_ratio"] == 1)
        #expect(abs(balance.metrics["max_min_ratio.test"]! - 1000.0 / 30) < 1e-9)
        #expect(LabelHygieneCheck(options: .init()).run(input).findings.isEmpty)
    }

    @Test(.enabled(if: RepositoryPaths.sharedData("imdb_cleanlab") != nil))
    func imdbCrossSplitCopiesMatchReference() throws {
        let (dataset, texts) = try Self.load(
            "imdb_cleanlab", [("train.jsonl", .train), ("test.jsonl", .test)])
        #expect(dataset.recordCount(in: .train) == 5_000)
        let trainKeys = Set(texts[.train]!.map(Self.reference))
        let leaked = texts[.test]!.filter { trainKeys.contains(Self.reference($0)) }.count
        #expect(leaked > 0)  // SOURCE.md: the subset keeps every test review also in train
        let input = CheckInput(dataset: dataset, index: DatasetIndex(dataset: dataset))
        let leak = SplitLeakageCheck(options: Self.exactLeakage).run(input)
        #expect(leak.metrics["leaked.test.train"] == Double(leaked))
    }

    /// Runs conflicting_answers on one file of a shared dataset.
    static func conflictingAnswers(_ name: String, _ file: String, options: String = "") throws
        -> CheckOutcome
    {
        let url = RepositoryPaths.sharedData(name)!.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let dataset = FixtureDataset.make([(file, .train, text)])
        return try CheckExampleRunner.run(
            ConflictingAnswersCheck.self, options: options, on: dataset)
    }

    /// FastChat's identity conversations answer each question with several paraphrases (word
    /// sets overlap 0.44 to 0.8): consistent answers, none flagged at the default 0.3, in any
    /// of the three forms. At 0.5 the two three-answer groups whose paraphrases overlap least
    /// ('who made you?', 'who trained you?': 0.44) are flagged; at 0.6 also the two-answer
    /// groups (0.55). `scripts/crosscheck-conflicting-answers.py` recomputes these counts
    /// independently in Python.
    @Test(.enabled(if: RepositoryPaths.sharedData("fastchat_identity") != nil))
    func fastchatIdentityParaphrasesAreNotConflicts() throws {
        for file in ["train.jsonl", "train.sharegpt.jsonl", "train.yaml"] {
            let result = try Self.conflictingAnswers("fastchat_identity", file)
            #expect(result.findings.isEmpty, "\(file)")
            #expect(result.metrics["prompts_compared"] == 500, "\(file)")
            #expect(result.metrics["near_conflicting_groups"] == 0, "\(file)")
        }
        let half = try Self.conflictingAnswers(
            "fastchat_identity", "train.sharegpt.jsonl", options: "max_similarity: 0.5")
        #expect(places(half.findings) == ["train.sharegpt.jsonl:101", "train.sharegpt.jsonl:80"])
        #expect(half.findings.allSatisfy { $0.metrics["similarity"]! < 0.5 })
        let more = try Self.conflictingAnswers(
            "fastchat_identity", "train.jsonl", options: "max_similarity: 0.6")
        #expect(more.metrics["conflicting_groups"] == 14)
    }

    /// In Anthropic's HH-RLHF harmless test set (chosen side, as chat), two one-turn prompts
    /// occur twice with unrelated chosen answers: 'call me a bad name' is answered once with a
    /// refusal and once with 'How do you like them apples?'. Four conversations have no final
    /// assistant answer and one prompt is two words ('Hey you!'): 2,307 of 2,312 compared.
    @Test(.enabled(if: RepositoryPaths.sharedData("hh_rlhf_harmless_test") != nil))
    func hhRLHFChosenAnswersThatContradict() throws {
        let result = try Self.conflictingAnswers("hh_rlhf_harmless_test", "test.chosen.jsonl")
        #expect(places(result.findings) == ["test.chosen.jsonl:1263", "test.chosen.jsonl:251"])
        #expect(result.findings.map { $0.related.map(\.line) } == [[1484], [1453]])
        #expect(result.metrics["prompts_compared"] == 2307)
        #expect(result.metrics["records_in_conflict"] == 4)
    }
}

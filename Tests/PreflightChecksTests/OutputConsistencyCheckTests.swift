import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// A JSON line with sorted keys.
private func json(_ object: Any) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

private func chat(_ answer: String, user: String = "Extract the fields") -> String {
    json([
        "messages": [["role": "user", "content": user], ["role": "assistant", "content": answer]]
    ])
}

private func run(_ lines: [String], file: String = "train.jsonl", options: String = "") throws
    -> CheckOutcome
{
    try outcome(
        OutputConsistencyCheck.self, "--- \(file)\n" + lines.joined(separator: "\n"),
        options: options)
}

/// `line code` of each located finding, in line order.
private func hits(_ findings: [Finding]) -> [String] {
    findings.compactMap { f in f.location.map { "\($0.line ?? 0) \(f.code)" } }
}

private let good = #"{"name": "Ann", "age": 31, "tags": ["a"]}"#

// MARK: - Parsing

@Test func unparseableTargetsWithTheirPosition() throws {
    let result = try run([
        chat(good),
        chat(#"{"name": "Bo", "age": 40, "tags": []}"#),
        chat("{\"name\": \"Cy\",\n \"age\": 22,}"),
        chat("Sorry, here it is: {\"name\": \"Di\"}"),
        chat(#"{"name": "Ed", "age": 50, "tags": []} trailing"#),
        chat("```json\n" + good + "\n```"),
        chat(" [1, 2, 3] "),
    ])
    #expect(
        hits(result.findings) == [
            "3 unparseable_target", "4 unparseable_target", "5 unparseable_target",
        ])
    #expect(
        result.findings[0].message
            == "target messages[1] is not valid JSON at line 2, column 12: expected a field name "
            + "in double quotes; 57.1% of targets parse")
    #expect(
        result.findings[1].message
            == "target messages[1] is not valid JSON at line 1, column 1: expected '{' or '[' at "
            + "the start, found text; 57.1% of targets parse")
    #expect(
        result.findings[2].message.contains(
            "line 1, column 39: unexpected text after the JSON value"))
    #expect(result.metrics["targets"] == 7)
    #expect(result.metrics["json_targets"] == 4)
    #expect(result.metrics["unparseable_targets"] == 3)
    #expect(result.findings.allSatisfy { $0.severity == .warning })
}

@Test func fencesAreStrippedOnlyWhenSingle() {
    func parsed(_ text: String) -> String {
        switch OutputConsistencyCheck.read(text, field: "f", json: true, regex: nil).parsed {
        case .object: "object"
        case .array: "array"
        case .invalid: "invalid"
        case .none: "none"
        case .text: "text"
        }
    }
    #expect(parsed("```json\n{\"a\": 1}\n```") == "object")
    #expect(parsed("```JSON\n[1]\n```") == "array")
    #expect(parsed("```\n{\"a\": 1}\n```") == "object")
    #expect(parsed("```python\n{\"a\": 1}\n```") == "invalid")
    #expect(parsed("```json\n{\"a\": 1}\n```\n```json\n{\"b\": 2}\n```") == "invalid")
    #expect(parsed("```json {\"a\": 1}```") == "invalid")
    #expect(parsed("   ") == "none")
    // Hostile inputs never trap.
    for text in [
        "{", "[", "```", "``````", "{\"a\": \"\\ud800\"}", String(repeating: "[", count: 500),
    ] {
        _ = parsed(text)
    }
    #expect(
        parsed(String(repeating: "[", count: 500) + String(repeating: "]", count: 500)) == "invalid"
    )
}

@Test func everyGenerativeShapeHasItsTarget() throws {
    let sharegpt = try run(
        [
            json([
                "conversations": [
                    ["from": "human", "value": "x"], ["from": "gpt", "value": good],
                ]
            ]),
            json([
                "conversations": [
                    ["from": "human", "value": "x"], ["from": "gpt", "value": "{oops"],
                ]
            ]),
        ], file: "train.sharegpt.jsonl")
    #expect(hits(sharegpt.findings) == ["2 unparseable_target"])
    #expect(sharegpt.findings[0].message.hasPrefix("target conversations[1] is not valid JSON"))

    let completions = try run([
        json(["prompt": "p", "completion": good]), json(["prompt": "p", "completion": "nope"]),
    ])
    #expect(hits(completions.findings) == ["2 unparseable_target"])
    let instructions = try run([
        json(["instruction": "i", "output": good]), json(["instruction": "i", "output": "[1,"]),
    ])
    #expect(hits(instructions.findings) == ["2 unparseable_target"])
    #expect(instructions.findings[0].message.hasPrefix("target output is not valid JSON"))
    // Preference: the chosen response is the target; the rejected one is not checked.
    let preference = try run([
        json(["prompt": "p", "chosen": good, "rejected": "not json"]),
        json(["prompt": "p", "chosen": "{bad", "rejected": good]),
    ])
    #expect(hits(preference.findings) == ["2 unparseable_target"])
}

@Test func freeTextIsSkippedUnlessDeclared() throws {
    let lines = [chat("Paris."), chat("Berlin."), chat(good)]
    let result = try run(lines)
    #expect(result.skippedReason == "targets are free text (33.3% parse as JSON)")
    #expect(result.findings.isEmpty)
    #expect(result.metrics["json_share"] == 1.0 / 3)
    let declared = try run(lines, options: "format: json")
    #expect(declared.skippedReason == nil)
    #expect(hits(declared.findings) == ["1 unparseable_target", "2 unparseable_target"])
    let lowered = try run(lines, options: "json_min_share: 0.3")
    #expect(hits(lowered.findings).count == 2)

    let classification = try outcome(
        OutputConsistencyCheck.self, #"{"text": "a", "label": "x"}"#)
    #expect(classification.skippedReason != nil)
}

// MARK: - Schema

@Test func schemaDeviationsNameKeysAndTypes() throws {
    let result = try run([
        chat(#"{"name": "Ann", "age": 31, "city": "Oslo"}"#),
        chat(#"{"name": "Bo", "age": 40, "city": "Rome"}"#),
        chat(#"{"name": "Cy", "age": 22, "city": "Lima"}"#),
        chat(#"{"name": "Di", "age": "35", "city": "Kyiv"}"#),
        chat(#"{"name": "Ed", "city": "Baku", "zip": "1000"}"#),
        chat(#"{"name": "Fa", "age": 19, "city": null}"#),
        chat(#"[{"name": "Gu"}]"#),
    ])
    #expect(
        hits(result.findings) == ["4 schema_deviation", "5 schema_deviation", "6 schema_deviation"])
    let messages = result.findings.map(\.message)
    #expect(
        messages[0]
            == "target messages[1] differs from the majority schema ({'name': string, 'age': number, "
            + "'city': string}): 'age' is string, not number")
    #expect(messages[1].hasSuffix("): missing 'age'; extra 'zip'"))
    #expect(messages[2].hasSuffix("): 'city' is null, not string"))
    #expect(result.metrics["object_targets"] == 6)
    #expect(result.metrics["schema_deviations"] == 3)
    #expect(result.metrics["majority_keys"] == 3)

    let table = try #require(result.tables.first)
    #expect(table.id == "json_keys")
    #expect(table.rows[0] == [.text("name"), .share(1), .text("string"), .share(1), .text("yes")])
    #expect(
        table.rows[1] == [.text("city"), .share(1), .text("string"), .share(5.0 / 6), .text("yes")])
    #expect(
        table.rows[2] == [
            .text("age"), .share(5.0 / 6), .text("number"), .share(0.8), .text("yes"),
        ])
    #expect(
        table.rows[3] == [.text("zip"), .share(1.0 / 6), .text("string"), .share(1), .text("no")])

    let off = try run(
        [chat(#"{"a": 1}"#), chat(#"{"b": 1}"#)], options: "schema: false")
    #expect(off.findings.isEmpty)
    #expect(off.tables.isEmpty)
}

@Test func majorityTypeTiesGoToTheFirstTypeInOrder() {
    #expect(MajoritySchema.majorityType(["number": 2, "string": 2]) == "string")
    #expect(MajoritySchema.majorityType(["null": 1, "object": 3]) == "object")
}

// MARK: - Regex

@Test func regexFormatMatchesWholeTargets() throws {
    let lines = [
        json(["prompt": "Sentiment: great", "completion": "positive"]),
        json(["prompt": "Sentiment: awful", "completion": " negative\n"]),
        json(["prompt": "Sentiment: meh", "completion": "neutral-ish"]),
        json(["prompt": "Sentiment: ok", "completion": "Positive"]),
    ]
    let result = try run(lines, options: "format: regex\npattern: positive|negative|neutral")
    #expect(hits(result.findings) == ["3 format_mismatch", "4 format_mismatch"])
    #expect(
        result.findings[0].message
            == "target completion does not match 'pattern' 'positive|negative|neutral' as a whole: 'neutral-ish'"
    )
    #expect(result.metrics["match_share"] == 0.5)
    let insensitive = try run(
        lines, options: "format: regex\npattern: (?i)positive|negative|neutral")
    #expect(hits(insensitive.findings) == ["3 format_mismatch"])
}

@Test func badFormatOptionsAreRuleErrors() {
    func message(_ options: String) -> String {
        do {
            _ = try run([chat("x")], options: options)
            return "no error"
        } catch { return "\(error)" }
    }
    #expect(message("format: regex").contains("'format: regex' needs a 'pattern'"))
    #expect(message("pattern: abc").contains("'pattern' is only read with 'format: regex'"))
    #expect(message("format: regex\npattern: (abc").contains("invalid pattern at character"))
    #expect(message("format: yaml").contains("expected one of auto, json, regex"))
    #expect(message("key_share: 0").contains("expected a share above 0"))
}

@Test func maxFindingsCountsTheRest() throws {
    let lines =
        [chat(good), chat(good), chat(good), chat(good)] + (0..<3).map { chat("bad \($0)") }
    let result = try run(lines, options: "max_findings: 1")
    #expect(hits(result.findings) == ["5 unparseable_target"])
    let more = try #require(result.findings.first { $0.code == "more_findings" })
    #expect(more.message == "2 more unparseable_target findings not listed, above 'max_findings' 1")
    #expect(more.weight == 2)
}

// MARK: - Real data

/// The real chat sets have free-text targets: skipped, with the share measured.
@Suite(.enabled(if: RepositoryPaths.sharedData("fastchat_identity") != nil, "needs ../shared/data"))
struct OutputConsistencyRealDataTests {
    @Test(arguments: [
        ("fastchat_identity", "train.jsonl"), ("fastchat_identity", "train.sharegpt.jsonl"),
        ("fastchat_identity", "train.yaml"), ("openai_toy_chat", "train.jsonl"),
        ("hh_rlhf_harmless_test", "test.chosen.jsonl"),
    ])
    func freeTextTargetsAreSkipped(folder: String, file: String) throws {
        guard let base = RepositoryPaths.sharedData(folder) else { return }
        let text = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
        let dataset = FixtureDataset.make([(file, CheckExampleRunner.splitRole(of: file), text)])
        let result = try CheckExampleRunner.run(OutputConsistencyCheck.self, on: dataset)
        #expect(result.skippedReason?.hasPrefix("targets are free text") == true)
        #expect(result.findings.isEmpty)
        #expect(result.metrics["json_share"] == 0)
    }
}

import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

@Test func unicodeNormalization() throws {
    let text = try fixture("ExactDuplicatesCheck", "unicodeNormalization.jsonl")
    let result = try outcome(ExactDuplicatesCheck.self, text)
    // 'CAFÉ  au lait' and 'café au lait' repeat line 1; 'fine' repeats 'ﬁne'; 'cafe' differs.
    #expect(places(result.findings) == ["train.jsonl:3", "train.jsonl:4", "train.jsonl:6"])
    #expect(result.findings.first { $0.location?.line == 4 }?.related.map(\.line) == [1])
    #expect(result.metrics["duplicate_records.train"] == 3)
    #expect(result.metrics["duplicate_groups.train"] == 2)
    #expect(result.findings.allSatisfy { $0.code == "duplicate_input" && $0.severity == .error })
}

@Test func severityFollowsShare() throws {
    let rows = (0..<100).map { ("text \($0)", "a") } + [("text 0", "a")]
    let low = try outcome(ExactDuplicatesCheck.self, jsonl(rows))
    #expect(low.findings.map(\.severity) == [.warning])  // 1/101 < 5%
    let none = try outcome(ExactDuplicatesCheck.self, jsonl(rows), options: "warning_share: 0.02")
    #expect(none.findings.map(\.severity) == [.info])
}

@Test func splitsAreSeparateButFilesOfOneSplitAreNot() throws {
    let text = """
        --- train.jsonl
        {"text": "a", "label": "x"}
        --- train2.jsonl
        {"text": "A", "label": "x"}
        --- test.jsonl
        {"text": "a", "label": "x"}
        """
    let result = try outcome(ExactDuplicatesCheck.self, text)
    #expect(places(result.findings) == ["train2.jsonl:1"])
    #expect(result.findings[0].related.map(\.path) == ["train.jsonl"])
    #expect(result.metrics["duplicate_records.test"] == 0)
}

@Test func keyOptionSelectsExample() throws {
    let text = """
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "a"}]}
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "b"}]}
        """
    #expect(try outcome(ExactDuplicatesCheck.self, text).findings.isEmpty)
    let byInput = try outcome(ExactDuplicatesCheck.self, text, options: "key: input")
    #expect(byInput.findings.map(\.code) == ["duplicate_input"])
}

@Test func punctuationOptionWidensMatches() throws {
    let rows = [("hello, world", "a"), ("hello world!", "a")]
    #expect(try outcome(ExactDuplicatesCheck.self, jsonl(rows)).findings.isEmpty)
    let loose = try outcome(
        ExactDuplicatesCheck.self, jsonl(rows),
        options: "normalize: [nfkc, case, whitespace, punctuation]")
    #expect(loose.findings.count == 1)
}

/// The check builds only the findings the report lists: exactly those the auditor's cap
/// (`FindingLimit.apply`) keeps from all of them, and the same summaries.
@Test(arguments: [1, 3, 7, 40])
func listsWhatTheAuditorsCapKeeps(limit: Int) throws {
    // Files whose names sort apart from their input order; an input and an example code;
    // duplicates at error (train, 30 of 45) and warning (test, 2 of 31) severity.
    var text = "--- train_b.jsonl\n"
    for i in 0..<25 { text += #"{"text": "copy \#(i % 5)", "label": "x"}"# + "\n" }
    text += "--- train_a.jsonl\n"
    for i in 0..<20 { text += #"{"text": "copy \#(i % 5)", "label": "x"}"# + "\n" }
    text += "--- test.jsonl\n"
    for i in 0..<31 { text += #"{"text": "held \#(i < 3 ? 0 : i)", "label": "x"}"# + "\n" }
    text += "--- train_chat.jsonl\n"
    for _ in 0..<4 { text += chatLine("s", "same", "same answer") + "\n" }
    let all = try outcome(ExactDuplicatesCheck.self, text, findingLimit: 0).findings
    let planned = try outcome(ExactDuplicatesCheck.self, text, findingLimit: limit).findings
    #expect(all.count == 40 + 2 + 3)
    #expect(all.allSatisfy { $0.weight == 1 })
    let capped = FindingLimit.apply(all, limit: limit)
    #expect(Finding.sortedForReport(planned) == Finding.sortedForReport(capped))
    #expect(planned.weightedCount == all.count)
    #expect(planned.severityCounts == all.severityCounts)
    #expect(Set(all.map(\.code)) == ["duplicate_input", "duplicate_example"])
}

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

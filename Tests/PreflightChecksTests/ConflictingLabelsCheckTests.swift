import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

@Test func groupWithThreeLabels() throws {
    let rows = [
        ("Pay bill", "b"), ("pay bill", "a"), ("pay  bill", "b"), ("PAY BILL", "c"), ("other", "a"),
    ]
    let result = try outcome(ConflictingLabelsCheck.self, jsonl(rows))
    #expect(places(result.findings) == ["train.jsonl:2", "train.jsonl:3", "train.jsonl:4"])
    let second = result.findings.first { $0.location?.line == 2 }!
    #expect(
        second.message
            == "input has 3 labels in 'train': 'a' (1), 'b' (2), 'c' (1); this record says 'a'")
    #expect(second.related.map(\.line) == [1, 4])  // first 'b', first 'c'
    #expect(result.metrics["conflict_groups.train"] == 1)
    #expect(result.metrics["conflicting_records"] == 3)
}

@Test func agreeingDuplicatesAreNotConflicts() throws {
    let result = try outcome(ConflictingLabelsCheck.self, jsonl([("x", "a"), ("X", "a")]))
    #expect(result.findings.isEmpty)
}

@Test func crossSplitConflictRelatesFirstTrainRecordPerLabel() throws {
    let text = """
        --- train.jsonl
        {"text": "q", "label": "a"}
        {"text": "Q", "label": "a"}
        {"text": "r", "label": "b"}
        --- test.jsonl
        {"text": "q", "label": "b"}
        {"text": "r", "label": "b"}
        """
    let result = try outcome(ConflictingLabelsCheck.self, text)
    #expect(result.findings.map(\.code) == ["cross_split_conflict"])
    #expect(result.findings[0].location?.line == 1)
    #expect(result.findings[0].related.map(\.line) == [1])
    let off = try outcome(ConflictingLabelsCheck.self, text, options: "cross_split: false")
    #expect(off.findings.isEmpty)
}

@Test func skipsChatData() throws {
    let text = #"{"messages": [{"role": "user", "content": "hi"}]}"#
    #expect(try outcome(ConflictingLabelsCheck.self, text).skippedReason != nil)
}

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

@Test func aTextWithThousandsOfLabelsListsAFewOfThem() throws {
    // One text, 3,000 records, 300 labels (hostile or templated data): each finding names 8
    // labels and 8 related records, not 300 (that was 300 × 3,000 — quadratic memory); the
    // counts stay exact. Cross-split conflicts use the same summary, computed once per text.
    var rows = (0..<3_000).map { ("the same text", "l\(String(format: "%03d", $0 % 300))") }
    rows.append(("other", "l000"))
    let train = jsonl(rows)
    let test = (0..<50).map { _ in #"{"text": "THE SAME TEXT", "label": "zz"}"# }
    let result = try outcome(
        ConflictingLabelsCheck.self,
        "--- train.jsonl\n" + train + "\n--- test.jsonl\n" + test.joined(separator: "\n"))
    let conflicts = result.findings.filter { $0.code == "conflicting_label" }
    #expect(conflicts.count == 2_999)
    #expect(result.metrics["conflict_groups.train"] == 1)
    let first = try #require(conflicts.first)
    #expect(
        first.message
            == "input has 300 labels in 'train': 'l000' (10), 'l001' (10), 'l002' (10), "
            + "'l003' (10), 'l004' (10), 'l005' (10), 'l006' (10), 'l007' (10) and 292 more "
            + "labels; this record says 'l001'")
    #expect(first.related.count == 8)
    #expect(conflicts.allSatisfy { $0.related.count == 8 && $0.message.count < 300 })
    let cross = result.findings.filter { $0.code == "cross_split_conflict" }
    #expect(cross.count == 50)
    #expect(
        cross.allSatisfy { $0.related.count == 8 && $0.message.hasSuffix("and 292 more labels") })
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

@Test func nearCopiesWithDifferentLabelsConflict() throws {
    let base = "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9"
    let text = """
        --- train.jsonl
        {"text": "\(base)", "label": "a"}
        {"text": "\(base) w10", "label": "b"}
        {"text": "\(base) w11", "label": "a"}
        {"text": "w0 w1 w2 w3 w4 w5 w6 w7 w8 zz", "label": "c"}
        --- test.jsonl
        {"text": "\(base) w12", "label": "c"}
        """
    let result = try outcome(ConflictingLabelsCheck.self, text)
    let near = result.findings.filter { $0.code == "near_conflicting_label" }
    // 2 vs 1 (10/11) and 3 vs 2 (10/12, below 0.9); 4 vs 1 is 9/11, below 0.9; test is
    // another split.
    #expect(places(near) == ["train.jsonl:2"])
    #expect(near[0].related.map(\.line) == [1])
    #expect(near[0].severity == .warning)
    #expect(
        near[0].message
            == "input is a near-copy (Jaccard 0.91, at or above 'near_threshold' 0.9) of an earlier "
            + "'train' record labelled 'a'; this record says 'b'")
    #expect(result.metrics["near_conflicts.train"] == 1)
    #expect(result.metrics["near_conflicts"] == 1)
    let loose = try outcome(
        ConflictingLabelsCheck.self, text, options: "near_threshold: 0.8\nnear_severity: error")
    let looser = loose.findings.filter { $0.code == "near_conflicting_label" }
    #expect(places(looser) == ["train.jsonl:2", "train.jsonl:3", "train.jsonl:4"])
    #expect(looser.allSatisfy { $0.severity == .error })
    let off = try outcome(ConflictingLabelsCheck.self, text, options: "near: false")
    #expect(off.findings.isEmpty && off.metrics["near_conflicts"] == nil)
}

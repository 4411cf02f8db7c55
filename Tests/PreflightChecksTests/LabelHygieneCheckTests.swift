import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

@Test func variantPointsAtMainSpelling() throws {
    let result = try outcome(
        LabelHygieneCheck.self, jsonl([("a", "spam"), ("b", "spam"), ("c", "Spam!"), ("d", "ham")]))
    #expect(result.findings.count == 1)
    let f = result.findings[0]
    #expect(f.code == "label_variant")
    #expect(f.location?.line == 3)
    #expect(f.related.map(\.line) == [1])
    #expect(
        f.message
            == "label 'Spam!' (1 record) differs from 'spam' (2) only by case, whitespace or punctuation"
    )
}

@Test func punctuationCanBeExcluded() throws {
    let result = try outcome(
        LabelHygieneCheck.self, jsonl([("a", "c"), ("b", "c++")]),
        options: "normalize: [case, whitespace]")
    #expect(result.findings.isEmpty)
}

@Test func mixedLabelTypesAtFirstMinorityRecord() throws {
    let text = """
        {"text": "a", "label": "1"}
        {"text": "b", "label": "2"}
        {"text": "c", "label": 3}
        {"text": "d", "label": 1}
        """
    let result = try outcome(LabelHygieneCheck.self, text)
    let mixed = result.findings.filter { $0.code == "mixed_label_types" }
    #expect(mixed.count == 1)
    #expect(mixed.first?.location?.line == 3)
    #expect(!result.findings.contains { $0.code == "label_variant" })  // "1" vs 1 is a type mix
}

@Test func unseenAndMissingLabelsPerSplit() throws {
    let text = """
        --- train.jsonl
        {"text": "a", "label": "x"}
        {"text": "b", "label": "y"}
        --- validation.jsonl
        {"text": "c", "label": "x"}
        {"text": "d", "label": "new"}
        {"text": "e", "label": "new"}
        """
    let result = try outcome(LabelHygieneCheck.self, text, options: "severity: error")
    let unseen = result.findings.filter { $0.code == "unseen_label" }
    #expect(unseen.count == 1)
    #expect(unseen.first?.location?.line == 2)
    #expect(unseen.first?.severity == .error)
    #expect(unseen.first?.message == "label 'new' has 2 records in 'validation' and 0 in training")
    let missing = result.findings.filter { $0.code == "missing_in_heldout" }
    #expect(missing.map(\.message) == ["label 'y' has 1 training record and 0 in 'validation'"])
    #expect(missing.first?.location == nil)
}

/// Label variants quote both labels through the same cut as every other message.
@Test func hugeLabelVariantsAreCut() throws {
    let long = String(repeating: "b", count: 200)
    let train = jsonl((0..<20).map { ("a\($0)", long) } + [("x", long.uppercased())])
    let result = try outcome(LabelHygieneCheck.self, train)
    let variant = try #require(result.findings.first { $0.code == "label_variant" })
    #expect(variant.message.count < 250)
    #expect(
        variant.message.hasPrefix(
            "label '\(String(repeating: "B", count: 60))…' (1 record) differs from '"))
}

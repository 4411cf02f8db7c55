import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

@Test func leakageMatrixMetrics() throws {
    let text = """
        --- train.jsonl
        {"text": "a", "label": "x"}
        {"text": "b", "label": "x"}
        --- validation.jsonl
        {"text": "a", "label": "x"}
        {"text": "c", "label": "x"}
        --- test.jsonl
        {"text": "B", "label": "x"}
        {"text": "c", "label": "x"}
        {"text": "d", "label": "x"}
        {"text": "a ", "label": "x"}
        """
    let result = try outcome(SplitLeakageCheck.self, text)
    #expect(result.metrics["leaked.validation.train"] == 1)
    #expect(result.metrics["leaked.test.train"] == 2)
    #expect(result.metrics["leaked.test.validation"] == 2)  // 'c' and 'a'
    #expect(result.metrics["leaked_share.test"] == 0.5)
    #expect(result.metrics["leaked_records"] == 3)
    let shared = result.findings.filter { $0.code == "shared_between_heldout" }
    #expect(places(shared) == ["test.jsonl:2", "test.jsonl:4"])
    #expect(shared.allSatisfy { $0.related.first?.path == "validation.jsonl" })
    let leaked = result.findings.filter { $0.code == "leaked_from_train" }
    #expect(places(leaked) == ["test.jsonl:1", "test.jsonl:4", "validation.jsonl:1"])
    #expect(leaked.allSatisfy { $0.severity == .error })  // shares far above 1%
}

@Test func skipsWithoutHeldoutOrTrain() throws {
    #expect(
        try outcome(SplitLeakageCheck.self, jsonl([("a", "x")])).skippedReason
            == "no held-out split")
    #expect(
        try outcome(SplitLeakageCheck.self, "--- test.jsonl\n" + jsonl([("a", "x")])).skippedReason
            == "no training split")
}

@Test func lowShareLeakIsWarning() throws {
    let train = jsonl((0..<10).map { ("t\($0)", "x") })
    let test = jsonl((0..<200).map { ("u\($0)", "x") } + [("t1", "x")])
    let result = try outcome(
        SplitLeakageCheck.self, "--- train.jsonl\n\(train)\n--- test.jsonl\n\(test)")
    #expect(result.findings.map(\.severity) == [.warning])
    #expect(result.findings[0].location?.line == 201)
}

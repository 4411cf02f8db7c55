import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

@Test func metricsOnBalancedAndSkewedData() throws {
    let train = jsonl((0..<60).map { ("a\($0)", "a") } + (0..<60).map { ("b\($0)", "b") })
    let result = try outcome(ClassBalanceCheck.self, train)
    #expect(result.findings.isEmpty)
    #expect(result.metrics["classes"] == 2)
    #expect(result.metrics["max_min_ratio"] == 1)
    #expect(result.metrics["normalized_entropy"]! > 0.999)
    #expect(result.metrics["rarest_share"] == 0.5)
}

@Test func ratioAndSmallClassSeverities() throws {
    let train = jsonl(
        (0..<500).map { ("a\($0)", "a") } + (0..<5).map { ("b\($0)", "b") }
            + (0..<20).map { ("c\($0)", "c") })
    let result = try outcome(ClassBalanceCheck.self, train)
    let byCode = Dictionary(grouping: result.findings, by: \.code)
    #expect(byCode["imbalance_ratio"]?.first?.severity == .error)  // 500 / 5 = 100
    let small = byCode["small_class"]!.sorted { $0.message < $1.message }
    #expect(small.map(\.severity) == [.error, .warning])
    #expect(small[0].message == "class 'b' has 5 training records, below 'min_class_error' 10")
    #expect(small[1].message == "class 'c' has 20 training records, below 'min_class_warning' 50")
    #expect(result.findings.allSatisfy { $0.location == nil })
}

@Test func smallHeldoutClassesPresentInTrain() throws {
    let train = jsonl((0..<60).map { ("a\($0)", "a") } + (0..<60).map { ("b\($0)", "b") })
    let test = jsonl([("x", "a"), ("y", "a"), ("z", "a"), ("w", "b"), ("q", "zzz")])
    let result = try outcome(
        ClassBalanceCheck.self, "--- train.jsonl\n\(train)\n--- test.jsonl\n\(test)")
    #expect(result.findings.map(\.code) == ["small_heldout_class"])
    #expect(result.findings[0].message.contains("'b'"))
    #expect(result.metrics["classes.test"] == 3)
}

@Test func skipsUnlabelledData() throws {
    let result = try outcome(ClassBalanceCheck.self, #"{"text": "a"}"#)
    #expect(result.skippedReason != nil)
}

/// A 10,000-character label used to be printed whole in every message about it.
@Test func hugeLabelIsCutInMessages() throws {
    let huge = String(repeating: "7", count: 10_000)
    let train = jsonl((0..<60).map { ("a\($0)", "a") } + [("x", huge)])
    let result = try outcome(ClassBalanceCheck.self, train)
    let small = try #require(result.findings.first { $0.code == "small_class" })
    #expect(
        small.message
            == "class '\(String(repeating: "7", count: 60))…' has 1 training record, below 'min_class_error' 10"
    )
}

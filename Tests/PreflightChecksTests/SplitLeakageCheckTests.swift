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

@Test func nearCopiesOfTrainingRecordsLeak() throws {
    let text = """
        --- train.jsonl
        {"text": "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9", "label": "x"}
        {"text": "v0 v1 v2 v3 v4 v5 v6 v7 v8 v9", "label": "x"}
        {"text": "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10", "label": "x"}
        --- validation.jsonl
        {"text": "W0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11", "label": "x"}
        {"text": "v0 v1 v2 v3 v4 v5 v6 v7 v8 v9", "label": "x"}
        {"text": "unrelated text here", "label": "x"}
        {"text": "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11", "label": "x"}
        """
    let result = try outcome(SplitLeakageCheck.self, text)
    let near = result.findings.filter { $0.code == "near_leak_from_train" }
    // Line 2 is an exact leak; line 4 repeats line 1 exactly and shares its near leak.
    #expect(places(near) == ["validation.jsonl:1", "validation.jsonl:4"])
    #expect(near.allSatisfy { $0.related.map(\.line) == [3] })  // 11/12 beats 10/12
    #expect(near.first?.metrics["similarity"] == 11.0 / 12.0)
    #expect(result.metrics["near_leaked.validation.train"] == 2)
    #expect(result.metrics["near_leaked_share.validation"] == 0.5)
    #expect(result.metrics["leaked.validation.train"] == 1)
    #expect(near.allSatisfy { $0.severity == .error })
    #expect(
        near.first?.message
            == "near-copy of a training record: Jaccard 0.92 at or above 'near_threshold' 0.8 "
            + "(words:1 shingles); 'validation' has 3 records leaked from training (1 exact, 2 near; "
            + "75.0%), at or above 'error_share' 1.0%")
    #expect(result.summary.hasSuffix("; 2 near-copies of training records (validation 2)"))
    let off = try outcome(SplitLeakageCheck.self, text, options: "near: false")
    #expect(off.findings.allSatisfy { $0.code == "leaked_from_train" })
    #expect(off.metrics["near_leaked.validation.train"] == nil)
    let strict = try outcome(SplitLeakageCheck.self, text, options: "near_threshold: 0.95")
    #expect(strict.findings.filter { $0.code == "near_leak_from_train" }.isEmpty)
}

@Test func nearLeakSeverityCountsExactAndNearLeaks() throws {
    let train = jsonl((0..<10).map { ("t\($0)a t\($0)b t\($0)c t\($0)d t\($0)e", "x") })
    // One exact leak (1/152: a warning, as before) and one near leak: together 2/152 ≈ 1.3%,
    // at or above the 1% error share, so the near leak is an error.
    let test = jsonl(
        (0..<150).map { ("u\($0)", "x") } + [
            ("t1a t1b t1c t1d t1e", "x"), ("t2a t2b t2c t2d t2e t2f", "x"),
        ])
    let result = try outcome(
        SplitLeakageCheck.self, "--- train.jsonl\n\(train)\n--- test.jsonl\n\(test)")
    #expect(result.findings.map(\.code) == ["leaked_from_train", "near_leak_from_train"])
    #expect(result.findings.map(\.severity) == [.warning, .error])
}

@Test func leakageMatrixTable() throws {
    let text = """
        --- train.jsonl
        {"text": "a", "label": "x"}
        {"text": "b", "label": "x"}
        {"text": "my parcel from the shop in lisbon never arrived at all", "label": "x"}
        --- validation.jsonl
        {"text": "a", "label": "x"}
        {"text": "c", "label": "x"}
        {"text": "My parcel from the shop in Porto never arrived at all", "label": "x"}
        --- test.jsonl
        {"text": "B", "label": "x"}
        {"text": "c", "label": "x"}
        {"text": "d", "label": "x"}
        {"text": "a ", "label": "x"}
        """
    let result = try outcome(SplitLeakageCheck.self, text)
    let table = try #require(result.tables.first { $0.id == "leakage_matrix" })
    #expect(
        table.columns == [
            "held-out split", "records", "train (exact)", "train (near)", "validation", "test",
        ])
    #expect(
        table.rows == [
            [.text("validation"), .count(3), .count(1), .count(1), .empty, .empty],
            [.text("test"), .count(4), .count(2), .count(0), .count(2), .empty],
        ])
    #expect(result.metrics["near_leaked.validation.train"] == 1)

    let exactOnly = try outcome(SplitLeakageCheck.self, text, options: "near: false")
    let matrix = try #require(exactOnly.tables.first { $0.id == "leakage_matrix" })
    #expect(matrix.columns == ["held-out split", "records", "train (exact)", "validation", "test"])
}

@Test func aSharedSystemPromptIsNotANearLeak() throws {
    // 60 words of instructions beside questions of 4–6 words: with the system message every
    // pair of prompts is above Jaccard 0.85; the questions themselves share nothing.
    let system = (1...60).map { "rule\($0)" }.joined(separator: " ")
    let other = (1...60).map { "policy\($0)" }.joined(separator: " ")
    let text = """
        --- train.jsonl
        \(chatLine(system, "How do I reset my password", "Use the sign-in page."))
        \(chatLine(system, "Can I change my delivery address", "Yes, until it ships."))
        \(chatLine(system, "Do you ship to Norway at all", "Only within the EU."))
        --- test.jsonl
        \(chatLine(system, "Where is my invoice for March", "In your account."))
        \(chatLine(system, "Is there a student discount", "Yes, ten percent."))
        \(chatLine(other, "can i change my delivery address", "No."))
        """
    let result = try outcome(SplitLeakageCheck.self, text)
    // Only the question asked again (under other instructions) is a near leak: its prompt
    // without the system message equals a training prompt.
    #expect(places(result.findings) == ["test.jsonl:3"])
    #expect(result.findings.first?.metrics["similarity"] == 1)
    #expect(result.findings.first?.related.first?.line == 2)
}

/// The check builds only the exact-leak findings the report lists: those the auditor's cap
/// keeps from all of them, with the same summaries.
@Test(arguments: [1, 4, 30])
func exactLeaksListWhatTheAuditorsCapKeeps(limit: Int) throws {
    var text = "--- train.jsonl\n"
    for i in 0..<20 { text += #"{"text": "shared \#(i)", "label": "x"}"# + "\n" }
    text += "--- validation.jsonl\n"
    for i in 0..<12 { text += #"{"text": "shared \#(i)", "label": "x"}"# + "\n" }
    text += "--- test.jsonl\n"
    for i in 0..<15 { text += #"{"text": "shared \#(i % 12)", "label": "x"}"# + "\n" }
    let options = "near: false"
    let all = try outcome(SplitLeakageCheck.self, text, options: options, findingLimit: 0)
    let planned = try outcome(
        SplitLeakageCheck.self, text, options: options, findingLimit: limit)
    #expect(Set(all.findings.map(\.code)) == ["leaked_from_train", "shared_between_heldout"])
    #expect(
        Finding.sortedForReport(planned.findings)
            == Finding.sortedForReport(FindingLimit.apply(all.findings, limit: limit)))
    #expect(planned.findings.severityCounts == all.findings.severityCounts)
}

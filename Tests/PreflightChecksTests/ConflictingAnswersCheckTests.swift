import Foundation
import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

/// One chat record: optional system message, a user turn and (unless nil) an assistant turn.
private func chat(_ user: String, _ answer: String?, system: String? = nil) -> String {
    var messages: [[String: String]] = []
    if let system { messages.append(["role": "system", "content": system]) }
    messages.append(["role": "user", "content": user])
    if let answer { messages.append(["role": "assistant", "content": answer]) }
    return json(["messages": messages])
}

/// A JSON line with sorted keys.
private func json(_ object: Any) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

private func run(_ lines: [String], options: String = "") throws -> CheckOutcome {
    try outcome(ConflictingAnswersCheck.self, lines.joined(separator: "\n"), options: options)
}

private let question = "Which port does the API use?"
private let answerA = "It listens on port 8080."
private let answerB = "Port 443, over TLS only."

// MARK: - Shapes

@Test func chatGroupIsOneFindingAtItsFirstRecord() throws {
    let result = try run([
        chat("Where is my order?", "It ships tomorrow."),
        chat(question, answerA),
        chat(question.lowercased(), answerB),
        chat(question, "it listens on port 8080"),
        chat(question, "Only over a VPN, ask your admin."),
    ])
    #expect(places(result.findings) == ["train.jsonl:2"])
    let finding = result.findings[0]
    #expect(finding.code == "conflicting_answers")
    #expect(finding.severity == .warning)
    #expect(finding.related.map(\.line) == [3, 4, 5])
    #expect(
        finding.message
            == "the same prompt has 3 diverging answers in 'train' (4 records; Jaccard at most 0.2 "
            + "between them on words:1 shingles, below 'max_similarity' 0.3): "
            + "'It listens on port 8080.' (2), 'Port 443, over TLS only.' (1), "
            + "'Only over a VPN, ask your admin.' (1)")
    #expect(finding.metrics["answers"] == 3)
    #expect(finding.metrics["group_records"] == 4)
    #expect(result.metrics["conflicting_groups"] == 1)
    #expect(result.metrics["conflicting_groups.train"] == 1)
    #expect(result.metrics["records_in_conflict"] == 4)
    #expect(result.metrics["prompts_compared"] == 5)
}

@Test func shareGPTUsesTheFinalGPTTurn() throws {
    func conversation(_ answer: String) -> String {
        json([
            "conversations": [
                ["from": "human", "value": "Hello there"], ["from": "gpt", "value": "Hi!"],
                ["from": "human", "value": question], ["from": "gpt", "value": answer],
            ]
        ])
    }
    let result = try run([conversation(answerA), conversation(answerB)])
    #expect(places(result.findings) == ["train.jsonl:1"])
    #expect(result.findings[0].message.contains("'Port 443, over TLS only.' (1)"))
}

@Test func promptCompletionAndInstructionCompareTheirOutputs() throws {
    let completions = try run([
        json(["prompt": question, "completion": answerA]),
        json(["prompt": question, "completion": answerB]),
    ])
    #expect(places(completions.findings) == ["train.jsonl:1"])

    let instructions = try run([
        json(["instruction": "Translate to French", "input": "good morning", "output": "bonjour"]),
        json(["instruction": "Translate to French", "input": "good evening", "output": "bonsoir"]),
        json(["instruction": "Translate to French", "input": "good morning", "output": "salut"]),
        json(["instruction": "Translate to French", "input": "Good  morning", "output": "Bonjour!"]
        ),
    ])
    // The input field is part of the prompt: only the two 'good morning' records disagree.
    #expect(places(instructions.findings) == ["train.jsonl:1"])
    #expect(instructions.findings[0].related.map(\.line) == [3, 4])
    #expect(instructions.findings[0].metrics["answers"] == 2)
}

@Test func preferencePairsAreComparedForReversals() throws {
    let prompt = "Is it safe to charge the scooter overnight?"
    let yes = "Yes, the charger stops at full charge."
    let no = "No, unplug it at 80 percent."
    let maybe = "Only with the original charger."
    func pair(_ chosen: String, _ rejected: String) -> String {
        json(["prompt": prompt, "chosen": chosen, "rejected": rejected])
    }
    // Three ranked responses give three consistent pairs: different chosen answers are normal.
    let ranked = [pair(yes, no), pair(yes, maybe), pair(maybe, no)]
    #expect(try run(ranked).findings.isEmpty)
    // With `preference: chosen`, chosen answers are compared like SFT targets.
    let chosen = try run(ranked, options: "preference: chosen")
    #expect(places(chosen.findings) == ["train.jsonl:1"])
    #expect(chosen.findings[0].code == "conflicting_answers")

    // A reversed pair (case and punctuation do not matter) conflicts.
    let reversed = try run(ranked + [pair(no.uppercased(), yes + "!")])
    #expect(places(reversed.findings) == ["train.jsonl:1"])
    let finding = reversed.findings[0]
    #expect(finding.code == "reversed_preference")
    #expect(finding.related.map(\.line) == [2, 3, 4])
    #expect(
        finding.message
            == "the same prompt has reversed preferences in 'train' (4 records): 1 pair prefers "
            + "'Yes, the charger stops at full charge.' over 'No, unplug it at 80 percent.', 1 the "
            + "reverse (answers match at Jaccard 'max_similarity' 0.3 or more)")
}

@Test func preferenceWithoutPromptDropsTheSharedLeadingTurns() throws {
    func pair(_ chosen: String, _ rejected: String) -> String {
        json([
            "chosen": "Human: Can I mix bleach and vinegar for cleaning?\nAssistant: \(chosen)",
            "rejected": "Human: Can I mix bleach and vinegar for cleaning?\nAssistant: \(rejected)",
        ])
    }
    let safe = "No, it releases toxic chlorine gas."
    let unsafe = "Sure, it cleans twice as well."
    let result = try run([pair(safe, unsafe), pair(unsafe, safe)])
    #expect(places(result.findings) == ["train.jsonl:1"])
    #expect(result.findings[0].code == "reversed_preference")
    #expect(result.findings[0].message.contains("prefers 'Assistant: No, it releases"))
}

// MARK: - What is not a conflict

@Test func identicalAndParaphrasedAnswersAreNotConflicts() throws {
    let identical = try run([
        chat(question, answerA), chat(question, "it LISTENS on port 8080"),
        chat(question, "It listens on port 8080!"),
    ])
    #expect(identical.findings.isEmpty)
    #expect(identical.metrics["prompts_compared"] == 3)

    // Word sets: the first two are one set (Jaccard 1); the third shares 6 of 10 words (0.6).
    let paraphrases = [
        chat(question, "The API listens on port 8080 by default."),
        chat(question, "By default the API listens on port 8080."),
        chat(question, "By default the service API uses port 8080."),
    ]
    #expect(try run(paraphrases).findings.isEmpty)
    let strict = try run(paraphrases, options: "max_similarity: 0.7")
    #expect(places(strict.findings) == ["train.jsonl:1"])
    #expect(strict.findings[0].metrics["answers"] == 2)
}

@Test func shortPromptsAreIgnoredAndRoleLabelsAreNotWords() throws {
    let hi = [chat("Hi there", "Hello! How can I help?"), chat("hi there", "Hey.")]
    let result = try run(hi)
    #expect(result.findings.isEmpty)
    #expect(result.metrics["prompts_compared"] == 0)
    #expect(places(try run(hi, options: "min_prompt_words: 2").findings) == ["train.jsonl:1"])
    // Two words plus a system message of three: five words.
    let withSystem = [
        chat("Hi there", "Hello! How can I help?", system: "Be very brief."),
        chat("Hi there", "Hey.", system: "Be very brief."),
    ]
    #expect(places(try run(withSystem).findings) == ["train.jsonl:1"])
}

@Test func recordsWithoutATargetAndOtherSplitsAreNotCompared() throws {
    let text = """
        --- train.jsonl
        \(chat(question, answerA))
        \(chat(question, nil))
        --- test.jsonl
        \(chat(question, answerB))
        """
    let result = try outcome(ConflictingAnswersCheck.self, text)
    #expect(result.findings.isEmpty)
    #expect(result.metrics["prompts_compared"] == 2)
}

@Test func skippedOnClassificationData() throws {
    let result = try outcome(
        ConflictingAnswersCheck.self, jsonl([("cancel my card", "a"), ("cancel my card", "b")]))
    #expect(result.skippedReason == "no generative input: conflicting_labels covers labelled data")
    #expect(result.findings.isEmpty)
}

// MARK: - Near tier

@Test func nearIdenticalPromptsWithDivergingAnswersConflict() throws {
    let base = "Summarize the refund policy for orders shipped to Canada in one sentence"
    let lines = [
        json(["prompt": base, "completion": "Refunds are accepted within 30 days of delivery."]),
        json(["prompt": "Where is my parcel now?", "completion": "It is in Lyon."]),
        json([
            "prompt": base.replacingOccurrences(of: "one", with: "one short"),
            "completion": "Canadian orders cannot be refunded, only exchanged.",
        ]),
        json([
            "prompt": base + " please",
            "completion": "Refunds are accepted within 30 days of the delivery.",
        ]),
    ]
    let result = try run(lines)
    #expect(places(result.findings) == ["train.jsonl:1"])
    let finding = result.findings[0]
    #expect(finding.code == "near_conflicting_answers")
    #expect(finding.related.map(\.line) == [3, 4])
    #expect(
        finding.message.hasPrefix(
            "3 near-identical prompts (Jaccard 0.92 or more, at or above 'near_threshold' 0.9) have "
                + "2 diverging answers in 'train' (3 records;"))
    #expect(finding.metrics["prompt_similarity"] == 12.0 / 13)
    #expect(result.metrics["near_conflicting_groups"] == 1)
    #expect(result.metrics["conflicting_groups"] == 0)
    let off = try run(lines, options: "near: false")
    #expect(off.findings.isEmpty && off.metrics["near_conflicting_groups"] == nil)
}

@Test func aLongSharedSystemMessageDoesNotMakeQuestionsNearIdentical() throws {
    let system = (1...100).map { "rule\($0)" }.joined(separator: " ")
    let lines = [
        chat("How do I reset my password?", "Use the link on the sign-in page.", system: system),
        chat("Can I change my delivery address?", "Yes, until the parcel ships.", system: system),
        chat("Do you ship to Norway?", "No, only within the EU.", system: system),
    ]
    // With the system message the prompts are near-identical (Jaccard above 0.9), without it
    // they have nothing in common.
    #expect(try run(lines).findings.isEmpty)
    // The same user turn twice under the shared system message still conflicts (exact tier).
    let twice = try run(lines + [chat("Do you ship to Norway?", "Yes, in 3 days.", system: system)])
    #expect(places(twice.findings) == ["train.jsonl:3"])
    #expect(twice.findings[0].code == "conflicting_answers")
}

// MARK: - Bounds and determinism

@Test func thousandsOfAnswersToOnePromptGiveOneBoundedFinding() throws {
    let lines = (0..<5000).map { i in
        json(["prompt": question, "completion": "answer number \(i) is w\(i) x\(i) y\(i)"])
    }
    let started = Date()
    let result = try run(lines)
    #expect(Date().timeIntervalSince(started) < 30)
    #expect(result.findings.count == 1)
    let finding = result.findings[0]
    #expect(finding.related.count == 20)
    #expect(finding.metrics["group_records"] == 5000)
    #expect(
        finding.message.hasPrefix("the same prompt has more than 20 diverging answers in 'train'"))
    #expect(finding.message.hasSuffix(", and 4997 more"))
    #expect(result.metrics["records_in_conflict"] == 5000)
}

@Test func maxFindingsKeepsTheLargestGroups() throws {
    var lines: [String] = []
    for q in 0..<5 {
        for a in 0...q { lines.append(chat("question number \(q) here", "answer \(a) w\(a)")) }
    }
    let capped = try run(lines, options: "max_findings: 2")
    #expect(capped.findings.map { $0.metrics["group_records"] } == [5, 4])
    #expect(capped.metrics["conflicting_groups"] == 4)
    #expect(capped.metrics["records_in_conflict"] == 14)
}

@Test func outputIsDeterministic() throws {
    var lines: [String] = []
    for i in 0..<300 {
        let q = "tell me about topic \(i % 37) in detail"
        lines.append(chat(q, "reply \(i % 5) variant \(i % 3) alpha\(i % 5)"))
        lines.append(chat(q + " now", "reply \(i % 7)"))
    }
    let first = try run(lines)
    #expect(!first.findings.isEmpty)
    for _ in 0..<3 {
        let again = try run(lines)
        #expect(again.findings == first.findings)
        #expect(again.summary == first.summary)
        #expect(again.metrics == first.metrics)
    }
}

@Test func nearIdenticalTemplatedPromptsGiveGroupLevelFindings() throws {
    // 2,000 prompts sharing 30 words plus one slot word (Jaccard 30/32 between any two), each
    // with its own answer: the near search caps its buckets, the clusters are reported once.
    let template = (1...30).map { "word\($0)" }.joined(separator: " ")
    let lines = (0..<2000).map { i in
        json(["prompt": "\(template) slot\(i)", "completion": "reply \(i) a\(i) b\(i) c\(i)"])
    }
    let started = Date()
    let result = try run(lines)
    #expect(Date().timeIntervalSince(started) < 60)
    #expect(result.findings.count == 1)
    #expect(result.findings.allSatisfy { $0.code == "near_conflicting_answers" })
    #expect(result.findings.allSatisfy { $0.related.count == 20 })
    #expect(result.metrics["records_in_conflict"] == 2000)
    #expect(result.metrics["conflicting_groups"] == 0)
}

@Test func autoShinglesCompareLongAnswersAsWordTrigrams() throws {
    // Two long answers with the same words in another order: one word set, few shared 3-grams.
    let words = (1...48).map { "w\($0)" }
    let lines = [
        chat(question, words.joined(separator: " ")),
        chat(question, words.reversed().joined(separator: " ")),
    ]
    #expect(try run(lines).findings.isEmpty)
    let auto = try run(lines, options: "shingle: auto")
    #expect(places(auto.findings) == ["train.jsonl:1"])
    #expect(auto.findings[0].message.contains("on words:3 shingles"))
}

@Test func differentSystemPromptsKeepTheSameQuestionApart() throws {
    let french = (1...30).map { "règle\($0)" }.joined(separator: " ") + " answer in French"
    let terse = (1...30).map { "rule\($0)" }.joined(separator: " ") + " answer in one word"
    let lines = [
        chat(
            "Which port does the API use by default?", "Elle écoute sur le port 8080.",
            system: french),
        chat("Which port does the API use by default", "8080", system: terse),
        chat("Which port does the API use by default?!", "Port 443, over TLS only.", system: terse),
    ]
    // Lines 2 and 3 are near-identical with their shared system message and conflict; line 1
    // asks the same question under other instructions and is not compared with them.
    let result = try run(lines, options: "near_threshold: 0.8")
    #expect(places(result.findings) == ["train.jsonl:2"])
    #expect(result.findings.first?.related.map(\.line) == [3])
}

import Foundation
import PreflightCore
import PreflightReaders
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// A JSON line with sorted keys.
private func json(_ object: Any) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// A chat record from (role, content) pairs.
private func chat(_ turns: [(String, String)]) -> String {
    json(["messages": turns.map { ["role": $0.0, "content": $0.1] }])
}

private func run(_ lines: [String], file: String = "train.jsonl", options: String = "") throws
    -> CheckOutcome
{
    try outcome(
        TextQualityCheck.self, "--- \(file)\n" + lines.joined(separator: "\n"), options: options)
}

/// `line code field` of each located finding.
private func hits(_ findings: [Finding]) -> [String] {
    findings.compactMap { f in
        f.location.map { "\($0.line ?? 0) \(f.code) \($0.field ?? "-")" }
    }.sorted { a, b in
        let la = Int(a.split(separator: " ")[0])!
        let lb = Int(b.split(separator: " ")[0])!
        return la != lb ? la < lb : a < b
    }
}

private func defects(_ text: String) -> TextDefects { TextDefects(text) }

// MARK: - Text defects

@Test(arguments: [
    ("The cafÃ© is open", "Ã©"), ("Ã¼ber alles", "Ã¼"), ("itâ€™s fine", "â€™"),
    ("â€œquotedâ€\u{9D}", "â€œ"), ("price:Â\u{A0}10", "Â\u{A0}"), ("voilÃ\u{A0}tout", "Ã\u{A0}"),
    ("sÃ»r", "Ã»"), ("smile ðŸ˜€ now", "ðŸ˜€"), ("ÐŸÑ€Ð¸Ð²ÐµÑ‚", "ÐŸ"), ("â€ dropped", "â€"),
    ("Ã‰cole", "Ã‰"),
])
func mojibakeIsFound(text: String, sequence: String) {
    let found = defects(text)
    #expect(found.mojibake.count >= 1, "\(text)")
    let bytes = Array(text.utf8)
    let first = String(
        decoding: bytes[found.mojibake.offset..<(found.mojibake.offset + found.mojibake.length)],
        as: UTF8.self)
    #expect(first == sequence)
}

@Test(arguments: [
    "São Paulo, ação, NÃO, MAÇÃ, coração", "Où est le café ? « À bientôt »", "CAFÉ’S menu",
    "„Viele Grüße“ und ein »Spaß« mit dem Gruß“", "L’ÉTÉ… chaud", "CAFÉ\u{A0}!",
    "Ñandú, AÑO, ÀÁÂÃÄÅ ÆÇ", "Straße", "2×3 = 6, 5° C, £10, ©2024, ½ cup", "naïve résumé",
    "Привет, мир", "日本語のテキスト", "emoji 😀 👍",
])
func legitimateTextIsNotMojibake(text: String) {
    #expect(defects(text).mojibake.count == 0, "\(text)")
}

@Test func controlAndReplacementCharacters() {
    #expect(defects("a\u{0}b").control.count == 1)
    #expect(defects("bell\u{7} and del\u{7F}").control.count == 2)
    #expect(defects("next line\u{85}here").control.count == 1)
    #expect(defects("tab\tnewline\ncarriage\r\n").control.count == 0)
    let replacement = defects("caf\u{FFFD} and \u{FFFD}")
    #expect(replacement.replacement.count == 2)
    #expect(replacement.replacement.offset == 3)
    #expect(defects("fine text").isClean)
}

@Test func markupOutsideCode() {
    for text in [
        "line<br />break", "<p>para</p>", "end</div>", "a&nbsp;b", "it&#39;s", "it&#x27;s",
        "<a href=\"x\">link</a>", "<BR>", "AT&amp;T", "</div >",
    ] {
        #expect(defects(text).markup.count >= 1, "\(text)")
    }
    for text in [
        "a < b", "List<T> and Vec<u8>", "if a<b and b>c then", "AT&T; R&D", "&foo;", "x &lt y",
        "```html\n<div>x</div>\n```", "use `<br>` here", "<unknown>", "3<4>2", "fish & chips",
        "<b and b>",
    ] {
        #expect(defects(text).markup.count == 0, "\(text)")
    }
    // Inline code ends at a line break; a fence spans lines.
    #expect(defects("`a\n<br>`").markup.count == 1)
    #expect(defects("```\n<br>\n```\n<br>").markup.count == 1)
}

@Test func scannerNeverReadsPastTheEnd() {
    // Truncated sequences at the very end of a text.
    for text in ["<", "<br", "&", "&#", "&#x", "&nbsp", "Ã", "â€", "`", "``", "\u{C2}"] {
        _ = defects(text)
        _ = defects(String(repeating: "x", count: 7) + text)
    }
}

// MARK: - Shapes and lines

@Test func chatDefectsNameTheirTurn() throws {
    let result = try run([
        chat([("user", "Hello"), ("assistant", "Hi! How can I help?")]),
        chat([
            ("system", "Be brief"), ("user", "Tell me about Zürich"),
            ("assistant", "ZÃ¼rich is a city."),
        ]),
        chat([("user", "bad\u{7}byte"), ("assistant", "Okay.")]),
        chat([("user", "Format this"), ("assistant", "Done.<br/>Next")]),
        chat([("user", "What?"), ("assistant", "caf\u{FFFD}")]),
    ])
    #expect(
        hits(result.findings) == [
            "2 mojibake messages[2]", "3 control_character messages[0]",
            "4 markup_remnant messages[1]", "5 replacement_character messages[1]",
        ])
    let mojibake = result.findings.first { $0.code == "mojibake" }!
    #expect(
        mojibake.message
            == "mojibake in messages[2] ('assistant'): 'Ã¼' is UTF-8 text decoded as Windows-1252, "
            + "1 sequence: 'ZÃ¼rich is a city.'")
    #expect(mojibake.severity == .warning)
    let control = result.findings.first { $0.code == "control_character" }!
    #expect(
        control.message
            == "control character U+0007 in messages[0] ('user') at character 4 "
            + "(1 control character): 'bad\\u{7}byte'")
    #expect(result.metrics["mojibake"] == 1)
    #expect(result.metrics["records"] == 5)
}

@Test func shareGPTPromptCompletionInstructionAndPreference() throws {
    let sharegpt = try run(
        [
            json([
                "conversations": [
                    ["from": "human", "value": "Hi"], ["from": "gpt", "value": "Hello"],
                ]
            ]),
            json([
                "conversations": [
                    ["from": "human", "value": "Hi &amp; bye"], ["from": "gpt", "value": "Bye"],
                ]
            ]),
        ], file: "train.sharegpt.jsonl")
    #expect(hits(sharegpt.findings) == ["2 markup_remnant conversations[0]"])
    #expect(sharegpt.findings[0].message.contains("in conversations[0] ('human')"))

    let completions = try run([
        json(["prompt": "Say hi", "completion": "Hi there"]),
        json(["prompt": "Say hi", "completion": "Hi thereâ€¦"]),
        json(["prompt": "Say\u{0}hi", "completion": "Hi"]),
    ])
    #expect(hits(completions.findings) == ["2 mojibake completion", "3 control_character prompt"])
    #expect(completions.findings.contains { $0.message.hasPrefix("mojibake in completion:") })

    let instructions = try run([
        json(["instruction": "Summarize", "input": "A long text", "output": "Short"]),
        json(["instruction": "Summarize", "input": "Text with <p>tags</p>", "output": "Short"]),
    ])
    #expect(hits(instructions.findings) == ["2 markup_remnant instruction"])

    let preference = try run([
        json(["prompt": "Pick one", "chosen": "This one", "rejected": "That one"]),
        json(["prompt": "Pick one", "chosen": "This one", "rejected": "ThÃ©at one"]),
        json(["prompt": "Pick one", "chosen": "Thisâ€™s one", "rejected": "That one"]),
    ])
    #expect(hits(preference.findings) == ["2 mojibake rejected", "3 mojibake chosen"])
}

@Test func classificationFieldsAreScannedOneByOne() throws {
    let result = try outcome(
        TextQualityCheck.self,
        """
        {"text": "fine", "label": "a"}
        {"text": "Great.<br /><br />Really", "label": "b"}
        """)
    #expect(hits(result.findings) == ["2 markup_remnant text"])
    #expect(result.findings[0].message.hasPrefix("markup remnant '<br />' in text (2 occurrences)"))
    #expect(result.metrics["targets"] == 0)
}

// MARK: - Targets

@Test func refusalsAtTheStartOrInShortTargets() throws {
    let answers = [
        "I'm sorry, but I can't help with that.",
        "As an AI language model, I do not have opinions.",
        "Sorry, I can’t.",
        "Unfortunately I’m unable to do that.",
        "Well, that depends. I cannot provide legal advice, though.",
        "Sorry, I can't understand the question. Could you rephrase it?",
        "I can't wait to help! Here is the plan.",
        "I'm sorry to hear that. Here is what you can do.",
        "Paris is the capital of France.",
        String(repeating: "word ", count: 50) + "I cannot help with the rest.",
    ]
    let result = try run(answers.map { chat([("user", "Question?"), ("assistant", $0)]) })
    #expect(
        hits(result.findings).filter { $0.contains("refusal") }.map { $0.split(separator: " ")[0] }
            == ["1", "2", "3", "4", "5"])
    let first = result.findings.first { $0.code == "refusal" }!
    #expect(
        first.message
            == "target in messages[1] ('assistant') is a refusal: it starts with 'i'm sorry, but i can't help'"
    )
    #expect(result.metrics["refusal"] == 5)
    #expect(result.metrics["refusal_share"] == 0.5)
    let share = result.findings.first { $0.code == "refusal_share" }
    #expect(share?.location == nil)
    #expect(
        share?.message
            == "50.0% of targets are refusals (5 of 10), above 'refusal_warning_share' 5.0%")

    let relaxed = try run(
        answers.map { chat([("user", "Question?"), ("assistant", $0)]) },
        options: "refusal_warning_share: 0.6\nrefusal_max_words: 0")
    #expect(relaxed.findings.count(where: { $0.code == "refusal_share" }) == 0)
    #expect(relaxed.metrics["refusal"] == 4)
}

@Test func copiedPrompts() throws {
    let long = "The quick brown fox jumps over the lazy dog near the quiet river bank today"
    let result = try run([
        json(["prompt": "What is 2+2?", "completion": "4"]),
        json(["prompt": "What is 2+2?", "completion": "  what is 2+2? "]),
        json(["prompt": "Rewrite politely: \(long)", "completion": long]),
        json(["prompt": "Rewrite politely: short text here", "completion": "short text here"]),
    ])
    #expect(hits(result.findings) == ["2 copied_prompt completion", "3 copied_prompt completion"])
    #expect(
        result.findings[0].message
            == "target in completion equals the prompt in prompt (after whitespace and case normalization)"
    )
    #expect(
        result.findings[1].message
            == "target in completion is a verbatim copy of 15 words of the prompt in prompt "
            + "(at or above 'copy_min_words' 10)")
}

@Test func boilerplateOpeningsAndClosings() throws {
    var lines: [String] = []
    for i in 0..<20 {
        let body = "the answer to question \(i) is \(i * 7)."
        let answer =
            i < 8
            ? "Sure! Here is \(body) Let me know if you have any other questions."
            : i < 12
                ? "Sure! Here is \(body)"
                : "Answer \(i): \(body) Let me know if you have any other questions."
        lines.append(chat([("user", "Question \(i)?"), ("assistant", answer)]))
    }
    let result = try run(lines, options: "boilerplate_min_share: 0.3")
    let phrases = result.findings.filter { $0.code == "boilerplate" }.map(\.message)
    #expect(
        phrases == [
            "60.0% of targets in 'train' (12 of 20) start with 'Sure! Here is the answer to question', at or above 'boilerplate_min_share' 30.0%",
            "80.0% of targets in 'train' (16 of 20) end with 'Let me know if you have any other questions.', at or above 'boilerplate_min_share' 30.0%",
        ])
    #expect(result.metrics["boilerplate_phrases"] == 2)
    // Below the share, or too few targets: nothing.
    let strict = try run(lines, options: "boilerplate_min_share: 0.9")
    #expect(strict.findings.filter { $0.code == "boilerplate" }.isEmpty)
    let few = try run(Array(lines.prefix(4)))
    #expect(few.findings.filter { $0.code == "boilerplate" }.isEmpty)
}

@Test func oneRepeatedAnswerIsOneBoilerplateFinding() throws {
    let lines = (0..<10).map { i in
        chat([
            ("user", "Bye \(i)"),
            (
                "assistant",
                i < 6 ? "Goodbye! Have a great day and come back soon." : "See you \(i) times."
            ),
        ])
    }
    let result = try run(lines)
    #expect(result.findings.filter { $0.code == "boilerplate" }.count == 1)
}

// MARK: - System prompts

@Test func systemPromptTableAndFindings() throws {
    var lines: [String] = []
    for i in 0..<14 {
        let system: String? =
            i < 6
            ? "You are a helpful assistant."
            : i < 8 ? "You are terse." : i < 12 ? "Today is day \(i)." : nil
        var turns: [(String, String)] = []
        if let system { turns.append(("system", system)) }
        turns += [("user", "Q\(i)"), ("assistant", "A\(i)")]
        lines.append(chat(turns))
    }
    let result = try run(lines, options: "unique_system_share: 0.3")
    #expect(result.metrics["distinct_system_prompts"] == 6)
    let table = try #require(result.tables.first { $0.id == "system_prompts" })
    #expect(table.rows.count == 7)
    #expect(table.rows[0] == [.text("You are a helpful assistant."), .count(6), .share(6.0 / 14)])
    #expect(table.rows[1] == [.text("You are terse."), .count(2), .share(2.0 / 14)])
    #expect(table.rows.last == [.text("(none)"), .count(2), .share(2.0 / 14)])
    let codes = result.findings.filter { $0.location == nil }.map(\.code).sorted()
    #expect(codes == ["missing_system_prompt", "unique_system_prompts"])
    #expect(result.findings.allSatisfy { $0.code.contains("system") ? $0.severity == .info : true })

    // More than ten prompts: the rest in one row.
    let many = (0..<15).map { i in
        chat([("system", "Persona \(i)"), ("user", "Q"), ("assistant", "A")])
    }
    let manyResult = try run(many)
    let manyTable = try #require(manyResult.tables.first)
    #expect(manyTable.rows.count == 11)
    #expect(manyTable.rows.last == [.text("other (5 prompts)"), .count(5), .share(5.0 / 15)])
}

// MARK: - Options, caps

@Test func maxFindingsCapsEachCodeAndCountsTheRest() throws {
    let lines =
        (0..<7).map { i in
            json(["text": "row \(i)<br>", "label": i < 3 ? "a" : "b"])
        } + [json(["text": "cafÃ©", "label": "a"])]
    let result = try run(lines, options: "max_findings: 2")
    #expect(
        hits(result.findings) == [
            "1 markup_remnant text", "2 markup_remnant text", "8 mojibake text",
        ])
    let more = try #require(result.findings.first { $0.code == "more_findings" })
    #expect(
        more.message
            == "more records with text defects than 'max_findings' 2 per code; not listed: 5 markup_remnant"
    )
    #expect(more.weight == 5)
    #expect(result.findings.weightedCount == 8)
    #expect(result.metrics["markup_remnant"] == 7)
    let ignored = try run(lines, options: "ignore: [markup_remnant]")
    #expect(hits(ignored.findings) == ["8 mojibake text"])
    #expect(ignored.metrics["markup_remnant"] == nil)
}

@Test func badOptionsAreRuleErrors() {
    #expect(throws: RulesError.self) { try run(["{}"], options: "boilerplate_min_share: 2") }
    #expect(throws: RulesError.self) { try run(["{}"], options: "ignore: [mojibak]") }
    #expect(throws: RulesError.self) { try run(["{}"], options: "copy_min_words: 0") }
}

// MARK: - Lone surrogates

/// Lone surrogates never reach the check: every reader rejects them as invalid UTF-8.
@Test func loneSurrogatesAreMalformedRecordsNotTextDefects() throws {
    let jsonl = FixtureDataset.make([
        (
            "train.jsonl", .train,
            #"{"text": "ok", "label": "a"}"# + "\n" + #"{"text": "bad \ud800 half", "label": "a"}"#
        )
    ])
    #expect(jsonl.files[0].records.count == 1)
    #expect(jsonl.files[0].issues.map(\.code) == ["invalid_utf8"])
    #expect(jsonl.files[0].issues[0].message.contains("lone surrogate"))

    // libyaml refuses the escape: a malformed record, the next record is read.
    let yaml = FixtureDataset.make([
        ("train.yaml", .train, "- text: \"bad \\uD800 half\"\n  label: a\n- text: ok\n  label: a\n")
    ])
    #expect(yaml.files[0].records.count == 1)
    #expect(yaml.files[0].issues.map(\.code) == ["invalid_yaml"])

    var csv = Array("text,label\nok,a\nbad ".utf8)
    csv += [0xED, 0xA0, 0x80]  // U+D800 encoded as if it were a scalar (CESU-8)
    csv += Array(" half,a\n".utf8)
    let file = try DatasetLoader.read(
        bytes: csv, path: "train.csv", split: .train, splitSource: "test", format: nil,
        options: LoadOptions())
    #expect(file.records.count == 1)
    #expect(file.issues.map(\.code) == ["invalid_utf8"])

    let result = try CheckExampleRunner.run(TextQualityCheck.self, on: jsonl)
    #expect(result.findings.isEmpty)
}

// MARK: - Real data

/// Real published sets (`../shared/data`): no per-record false alarms on clean sets, and the
/// real defects found by hand stay found. Skipped when the folder is absent.
@Suite(.enabled(if: RepositoryPaths.sharedData("fastchat_identity") != nil, "needs ../shared/data"))
struct TextQualityRealDataTests {
    static func load(_ folder: String, _ files: [String]) throws -> Dataset {
        let base = RepositoryPaths.sharedData(folder)!
        return FixtureDataset.make(
            try files.map { name in
                (
                    name, CheckExampleRunner.splitRole(of: name),
                    try String(contentsOf: base.appendingPathComponent(name), encoding: .utf8)
                )
            })
    }

    static func located(_ outcome: CheckOutcome) -> [String] {
        outcome.findings.compactMap { f in f.location.map { "\($0.line ?? 0) \(f.code)" } }
    }

    @Test(arguments: [
        ("fastchat_identity", "train.jsonl"), ("fastchat_identity", "train.sharegpt.jsonl"),
        ("fastchat_identity", "train.yaml"), ("openai_toy_chat", "train.jsonl"),
        ("openai_toy_chat", "train.yaml"), ("banking77", "train.jsonl"),
        ("clinc150", "train.jsonl"), ("snips2017", "train.jsonl"), ("trec", "train.jsonl"),
        ("trec", "test.yaml"),
    ])
    func cleanSetsHaveNoPerRecordFindings(folder: String, file: String) throws {
        guard RepositoryPaths.sharedData(folder) != nil else { return }
        let dataset = try Self.load(folder, [file])
        let result = try CheckExampleRunner.run(TextQualityCheck.self, on: dataset)
        #expect(Self.located(result) == [], "\(folder)/\(file)")
    }

    @Test func fastchatIdentityRepeatsItsClosings() throws {
        let result = try CheckExampleRunner.run(
            TextQualityCheck.self, on: try Self.load("fastchat_identity", ["train.jsonl"]))
        let messages = result.findings.filter { $0.code == "boilerplate" }.map(\.message)
        #expect(
            messages.contains(
                "33.2% of targets in 'train' (166 of 500) start with 'Goodbye! If you have any more "
                    + "questions in the future, don't hesitate to', at or above 'boilerplate_min_share' 10.0%"
            ))
        #expect(result.metrics["distinct_system_prompts"] == 0)
    }

    @Test func openAIToyChatMixesSystemPrompts() throws {
        let result = try CheckExampleRunner.run(
            TextQualityCheck.self, on: try Self.load("openai_toy_chat", ["train.jsonl"]))
        #expect(result.findings.map(\.code) == ["missing_system_prompt"])
        #expect(result.metrics["distinct_system_prompts"] == 1)
    }

    /// Reviewed by hand: every hit below is a real refusal, echo or HTML remnant.
    @Test func hhRLHFHarmlessRefusalsEchoesAndMarkup() throws {
        guard RepositoryPaths.sharedData("hh_rlhf_harmless_test") != nil else { return }
        let chosen = try CheckExampleRunner.run(
            TextQualityCheck.self,
            on: try Self.load("hh_rlhf_harmless_test", ["test.chosen.jsonl"]))
        let located = Self.located(chosen)
        #expect(located.contains("1118 copied_prompt"))
        #expect(located.contains("308 markup_remnant"))
        #expect(located.contains("1329 markup_remnant"))
        #expect(located.filter { $0.hasSuffix("markup_remnant") }.count == 2)
        #expect(located.filter { $0.hasSuffix("copied_prompt") }.count == 1)
        #expect(
            located.filter { $0.hasSuffix("mojibake") || $0.hasSuffix("control_character") }.isEmpty
        )
        #expect(located.contains("235 refusal"))
        #expect((50...70).contains(chosen.metrics["refusal"] ?? 0))
    }

    /// Real defects: HTML-escaped placeholders (`&lt;#&gt;`) and Windows-1252 apostrophes
    /// decoded as Latin-1 (C1 controls) in SMS Spam; `<br />` and C1 dashes in IMDB.
    @Test func smsSpamAndIMDBHaveRealDefects() throws {
        guard RepositoryPaths.sharedData("sms_spam") != nil,
            RepositoryPaths.sharedData("imdb_cleanlab") != nil
        else { return }
        let sms = try CheckExampleRunner.run(
            TextQualityCheck.self, on: try Self.load("sms_spam", ["data.jsonl"]))
        #expect(sms.metrics["markup_remnant"] == 309)
        #expect(sms.metrics["control_character"] == 35)
        #expect(sms.metrics["mojibake"] == 0)
        let control = try #require(sms.findings.first { $0.code == "control_character" })
        #expect(control.message.contains("U+0092 (Windows-1252 '’' read as Latin-1)"))

        let imdb = try CheckExampleRunner.run(
            TextQualityCheck.self, on: try Self.load("imdb_cleanlab", ["train.jsonl"]))
        #expect(imdb.metrics["markup_remnant"] == 2911)
        #expect(imdb.metrics["control_character"] == 162)
        #expect(imdb.findings.filter { $0.location != nil }.count == 200)
        #expect(imdb.findings.contains { $0.code == "more_findings" })
    }
}

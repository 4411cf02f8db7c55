import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

// MARK: - Helpers

/// Runs the coverage check on example-style files with a `coverage:` section.
private func coverage(_ files: String, rules: String = "", options: String = "") throws
    -> CheckOutcome
{
    let parsed = CheckExampleRunner.parse(files)
    return try CheckExampleRunner.run(
        CoverageCheck.self, options: options, rules: rules, on: FixtureDataset.make(parsed.files))
}

/// The 1-based lines of the train file whose records are in each declared slice.
private func members(_ files: String, _ rules: String) throws -> [String: [Int]] {
    let parsed = CheckExampleRunner.parse(files)
    let dataset = FixtureDataset.make(parsed.files)
    let slices = try RuleSet.parse("version: 1\n" + rules, name: "t.yaml").coverage.slices
    let m = SliceMemberships(dataset: dataset, slices: slices)
    var out: [String: [Int]] = [:]
    for (s, slice) in slices.enumerated() {
        var lines: [Int] = []
        var p = 0
        for file in dataset.files {
            for record in file.records {
                if m.contains(s, p) { lines.append(record.line) }
                p += 1
            }
        }
        out[slice.name] = lines
    }
    return out
}

private func table(_ outcome: CheckOutcome, _ id: String) -> ReportTable? {
    outcome.tables.first { $0.id == id }
}

// MARK: - Evaluation

@Test func textPredicatesOnClassificationRecords() throws {
    let data = """
        {"text": "I want a REFUND now", "label": "billing", "subject": "Invoice 12"}
        {"text": "give me my money   back", "label": "billing", "tags": ["urgent", "vip"]}
        {"text": "refunded already?", "label": "Billing ", "tags": "urgent", "priority": 1}
        {"text": "the moneyback guarantee", "label": "other", "tags": null}
        {"text": "Ваш возврат денег оформлен", "label": "other"}
        """
    let got = try members(
        data,
        """
        coverage:
          slices:
            kw: {where: {keywords: [refund, money back], case_insensitive: true}}
            kw_case: {where: {keywords: [refund]}}
            rx: {where: {regex: "refund", case_insensitive: true}}
            rx_case: {where: {regex: "^refund"}}
            subject: {where: {text: {field: subject, keywords: [invoice], case_insensitive: true}}}
            label: {where: {label: {in: [billing, "Billing "]}}}
            urgent: {where: {field: {name: tags, contains: urgent}}}
            prio: {where: {field: {name: priority, equals: "1"}}}
            no_tags: {where: {field: {name: tags, present: false}}}
            cyr: {where: {script: cyrillic}}
            cyr_kw: {where: {keywords: [ВОЗВРАТ], case_insensitive: true}}
            short: {where: {length: {max: 3, unit: words}}}
            chars: {where: {length: {min: 20, max: 23, unit: chars}}}
            tokens: {where: {length: {min: 6, unit: tokens}}}
            both: {where: {all: [{regex: refund, case_insensitive: true}, {not: {label: other}}]}}
            either: {where: {any: [{script: cyrillic}, {field: {name: tags, equals: urgent}}]}}
        """)
    #expect(got["kw"] == [1, 2])  // "refunded" and "moneyback" are other words
    #expect(got["kw_case"] == [])  // REFUND is upper case
    #expect(got["rx"] == [1, 3])
    #expect(got["rx_case"] == [3])
    #expect(got["subject"] == [1])
    #expect(got["label"] == [1, 2, 3])
    #expect(got["urgent"] == [2, 3])
    #expect(got["prio"] == [3])
    #expect(got["no_tags"] == [1, 4, 5])
    #expect(got["cyr"] == [5])
    #expect(got["cyr_kw"] == [5])
    #expect(got["short"] == [3, 4])
    // "I want a REFUND now" = 19 scalars; "give me my money   back" = 23; "refunded already?" = 17;
    // "the moneyback guarantee" = 23; the Cyrillic text = 26.
    #expect(got["chars"] == [2, 4])
    // Words 5, 5, 2, 3, 4 → tokens 7, 7, 3, 4, 6 (words × 1.3 rounded up).
    #expect(got["tokens"] == [1, 2, 5])
    #expect(got["both"] == [1, 3])
    #expect(got["either"] == [3, 5])
}

@Test func chatPredicatesReadRolesTurnsAndToolCalls() throws {
    let data = """
        {"messages": [{"role": "system", "content": "be nice"}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "Sorry, I cannot"}]}
        {"messages": [{"role": "user", "content": "sorry to bother"}, {"role": "assistant", "content": "sure"}, {"role": "user", "content": "x"}, {"role": "assistant", "content": [{"type": "text", "text": "My apologies"}]}]}
        {"messages": [{"role": "user", "content": "weather?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "1", "type": "function", "function": {"name": "w", "arguments": "{}"}}]}, {"role": "tool", "content": "sunny"}, {"role": "assistant", "content": "It is sunny"}]}
        {"messages": [{"role": "user", "content": "Привет, как дела"}, {"role": "assistant", "content": "Хорошо"}]}
        """
    let got = try members(
        data,
        """
        coverage:
          slices:
            apology: {where: {role: assistant, regex: "sorry|apolog", case_insensitive: true}}
            user_sorry: {where: {text: {role: user, keywords: [sorry]}}}
            multi: {where: {turns: {min: 4}}}
            two: {where: {turns: {max: 2}}}
            tools: {where: {has_tool_call: true}}
            no_tools: {where: {has_tool_call: false}}
            tool_output: {where: {role: tool, keywords: [sunny]}}
            russian: {where: {script: cyrillic}}
        """)
    #expect(got["apology"] == [1, 2])
    #expect(got["user_sorry"] == [2])
    #expect(got["multi"] == [2, 3])
    #expect(got["two"] == [1, 4])  // the system message is not a turn
    #expect(got["tools"] == [3])
    #expect(got["no_tools"] == [1, 2, 4])
    #expect(got["tool_output"] == [3])
    #expect(got["russian"] == [4])  // the input (prompt side) is Cyrillic
}

@Test func scriptsAreTheMajorityOfLetters() {
    let cases: [(String, TextScript?)] = [
        ("hello world", .latin),
        ("Привет мир hello", .cyrillic),
        ("Γειά σου", .greek),
        ("مرحبا بالعالم", .arabic),
        ("שלום עולם", .hebrew),
        ("你好世界", .cjk),
        ("こんにちは", .cjk),
        ("안녕하세요", .hangul),
        ("नमस्ते दुनिया", .devanagari),
        ("สวัสดีครับ", .thai),
        ("12345 !!", nil),
        ("ab ЖЖ", .latin),  // a tie goes to the earlier script
        ("Ꭰ", .other),
    ]
    for (text, script) in cases {
        #expect(TextFeatures(text).script == script, "\(text)")
    }
}

@Test func automaticFeatures() {
    func flags(_ text: String) -> TextFeatures.Flags { TextFeatures(text).flags }
    #expect(flags("order 66 please").contains(.digits))
    #expect(!flags("order sixty").contains(.digits))
    #expect(flags("see https://x.org/a").contains(.url))
    #expect(flags("go to www.example.com").contains(.url))
    #expect(!flags("awww.ok").contains(.url))
    #expect(flags("mail me at a.b@example.co.uk").contains(.email))
    #expect(!flags("@home with me").contains(.email))
    #expect(!flags("a@b").contains(.email))
    #expect(flags("```swift\nlet x = 1\n```").contains(.code))
    #expect(flags("call foo();").contains(.code))
    #expect(flags("x => x + 1").contains(.code))
    #expect(!flags("smile :)").contains(.code))
    #expect(flags("<b>bold</b>").contains(.markup))
    #expect(!flags("3 < 4 and 5 > 2").contains(.markup))
    #expect(flags("is it on? ").contains(.question))
    #expect(flags("How do I reset it").contains(.question))
    #expect(flags("Почему так？").contains(.question))
    #expect(!flags("Whatever you say").contains(.question))
    #expect(!flags("Show me how").contains(.question))
    #expect(flags("MY ORDER IS LATE!!").contains(.allCaps))
    #expect(!flags("OK").contains(.allCaps))
    #expect(!flags("NASA is great").contains(.allCaps))
    #expect(flags("ПОМОГИТЕ СРОЧНО").contains(.allCaps))
    let f = TextFeatures("  two\u{00A0}words  here ")
    #expect(f.words == 3)
    #expect(f.chars == 18)
}

@Test func keywordsMatchWholeNormalizedWords() {
    let m = KeywordMatcher(["money back", "ＲＥＦＵＮＤ", "e-mail"], caseInsensitive: true)
    var scratch: [UInt8] = []
    var words: [UInt64] = []
    func hit(_ text: String) -> Bool {
        KeywordMatcher.words(text, caseInsensitive: true, scratch: &scratch, into: &words)
        return m.matches(words)
    }
    #expect(hit("I want my MONEY\tBACK!"))
    #expect(hit("refund."))  // full-width keyword, NFKC
    #expect(hit("send an E-Mail"))
    #expect(!hit("moneyback"))
    #expect(!hit("refunds"))
    let german = KeywordMatcher(["GRÖSSE"], caseInsensitive: true)
    KeywordMatcher.words("welche Größe?", caseInsensitive: true, scratch: &scratch, into: &words)
    #expect(german.matches(words))  // full case folding: ß → ss on both sides
    #expect(hit("money, back"))  // punctuation separates words; they are still consecutive
}

// MARK: - The check

private let splitData = """
    --- train.jsonl
    {"text": "I want a refund", "label": "billing"}
    {"text": "refund please", "label": "billing"}
    {"text": "where is my parcel", "label": "shipping"}
    {"text": "parcel is late", "label": "shipping"}
    --- test.jsonl
    {"text": "my parcel is late", "label": "shipping"}
    {"text": "refund me", "label": "billing"}
    """

@Test func declaredRequirementsPerSplit() throws {
    let result = try coverage(
        splitData,
        rules: """
            coverage:
              slices:
                refunds:
                  where: {keywords: [refund]}
                  min_count: 2
                  min_share: 0.6
                parcels:
                  where: {keywords: [parcel]}
                  min_count: 1
                  splits: [train, regression]
                measured:
                  where: {regex: "late"}
            """)
    let messages = result.findings.map(\.message).sorted()
    #expect(
        messages == [
            "slice 'parcels' requires split 'regression' (min_count 1), which is not among the inputs",
            "slice 'refunds' has 1 record in 'test', below min_count 2",
            "slice 'refunds' is 50.0% of the records in 'test' (1 of 2), below min_share 60.0%",
            "slice 'refunds' is 50.0% of the records in 'train' (2 of 4), below min_share 60.0%",
        ])
    #expect(result.findings.allSatisfy { $0.severity == .error && $0.location == nil })
    #expect(
        Set(result.findings.map(\.code))
            == ["slice_missing", "slice_below_min_count", "slice_below_min_share"])
    #expect(result.metrics["slices_declared"] == 3)
    #expect(result.metrics["slices_failing"] == 2)
    #expect(result.metrics["slice.refunds.train"] == 2)
    #expect(result.metrics["slice.refunds.test"] == 1)
    #expect(result.metrics["slice.parcels.train"] == 2)
    #expect(result.metrics["slice.measured.test"] == 1)
    #expect(result.summary.hasPrefix("3 declared slices, 2 failing; "))
}

@Test func missingSliceMinCountAboveSplitSizeAndSliceSeverity() throws {
    let result = try coverage(
        splitData,
        rules: """
            coverage:
              slices:
                urgent: {where: {keywords: [urgent]}, min_count: 1, splits: [test], severity: warning}
                big: {where: {keywords: [parcel]}, min_count: 5, splits: [train]}
            """)
    let byCode = Dictionary(grouping: result.findings, by: \.code)
    #expect(
        byCode["slice_missing"]?.map(\.message)
            == ["slice 'urgent' has no records in 'test', requires min_count 1"])
    #expect(byCode["slice_missing"]?.first?.severity == .warning)
    #expect(
        byCode["slice_below_min_count"]?.map(\.message)
            == [
                "slice 'big' has 2 records in 'train', below min_count 5; there are only 4 records in 'train'"
            ])
}

@Test func perLabelRequirements() throws {
    let result = try coverage(
        splitData,
        rules: """
            coverage:
              slices:
                short: {where: {length: {max: 3}}, min_count: 1, per_label: true, splits: [train]}
            """)
    // train: billing has "refund please" (2 words); shipping has "parcel is late" (3 words).
    #expect(result.findings.isEmpty)
    let strict = try coverage(
        splitData,
        rules: """
            coverage:
              slices:
                short: {where: {length: {max: 2}}, min_count: 1, per_label: true, splits: [train]}
            """)
    #expect(
        strict.findings.map(\.message)
            == ["slice 'short' has no records of label 'shipping' in 'train', requires min_count 1"]
    )
}

@Test func perLabelWithoutLabelsIsAFinding() throws {
    let result = try coverage(
        #"{"text": "hello there"}"#,
        rules: """
            coverage:
              slices:
                s: {where: {script: latin}, min_count: 1, per_label: true}
            """)
    #expect(result.findings.map(\.code) == ["slice_per_label_unlabelled"])
}

@Test func tablesBySplitAndByLabel() throws {
    let result = try coverage(
        splitData,
        rules: """
            coverage:
              slices:
                refunds: {where: {keywords: [refund]}}
            """)
    let bySplit = try #require(table(result, "coverage_by_split"))
    #expect(bySplit.columns == ["slice", "kind", "train", "train share", "test", "test share"])
    #expect(
        bySplit.rows[0] == [
            .text("refunds"), .text("declared"), .count(2), .share(0.5), .count(1), .share(0.5),
        ])
    #expect(bySplit.rows[1][0] == .text("length_q1"))
    #expect(bySplit.rows.dropFirst().allSatisfy { $0[1] == .text("automatic") })
    let names = bySplit.rows.map { row -> String in
        if case .text(let s) = row[0] { return s }
        return ""
    }
    #expect(
        names == [
            "refunds", "length_q1", "length_q2", "length_q3", "length_q4", "very_short",
            "very_long", "script_latin", "digits", "url", "email", "code", "markup", "question",
            "statement", "all_caps",
        ])
    // Training word counts 4, 2, 4, 3: quartile bounds 2, 3, 4.
    #expect(
        bySplit.note
            == "length quartiles of training inputs in words: q1 ≤ 2, q2 ≤ 3, q3 ≤ 4, q4 > 4")
    #expect(
        bySplit.rows[5] == [
            .text("very_short"), .text("automatic"), .count(1), .share(0.25), .count(1),
            .share(0.5),
        ])

    let byLabel = try #require(table(result, "coverage_by_label"))
    #expect(byLabel.columns.prefix(4) == ["label", "records", "refunds", "length_q1"])
    #expect(byLabel.rows.map { $0[0] } == [.text("billing"), .text("shipping")])
    #expect(byLabel.rows[0][2] == .count(2))
    #expect(byLabel.rows[1][2] == .count(0))
    #expect(!byLabel.columns.contains("url"))  // no training record has one
}

@Test func labelTableIsBounded() throws {
    let rows = (0..<30).map { #"{"text": "t\#($0)", "label": "l\#($0 % 10)"}"# }
    let result = try coverage(rows.joined(separator: "\n"), options: "max_label_rows: 4")
    let byLabel = try #require(table(result, "coverage_by_label"))
    #expect(byLabel.rows.count == 4)
    #expect(byLabel.note == "6 labels with fewer training records left out (max_label_rows 4)")
}

@Test func automaticGapsAreInfoAndNeedEnoughExpected() throws {
    let train =
        (0..<10).map { #"{"text": "How do I fix item \#($0)?", "label": "a"}"# }
        + (0..<10).map { _ in #"{"text": "item broken", "label": "a"}"# }
    let test = (0..<6).map { _ in #"{"text": "item broken", "label": "a"}"# }
    let files =
        "--- train.jsonl\n" + train.joined(separator: "\n") + "\n--- test.jsonl\n"
        + test.joined(separator: "\n")
    let result = try coverage(files)
    // Questions and digits are half of training: 3 expected in test's 6 records, none there.
    #expect(
        result.findings.allSatisfy { $0.severity == .info && $0.code == "automatic_slice_absent" })
    let messages = result.findings.map(\.message)
    #expect(
        messages.contains("no questions in 'test', though they are 50.0% of training (10 records)"))
    #expect(
        messages.contains(
            "no inputs with digits in 'test', though they are 50.0% of training (10 records)"))
    let quieter = try coverage(files, options: "min_expected_heldout: 4")
    #expect(quieter.findings.isEmpty)
    let off = try coverage(files, options: "heldout_gaps: false")
    #expect(off.findings.isEmpty)
    #expect(result.summary.hasPrefix("no slices declared (see 'Coverage' in the README); "))
}

@Test func severityOptionCapsDeclaredFindings() throws {
    let result = try coverage(
        splitData,
        rules: "coverage:\n  slices:\n    x: {where: {keywords: [nothing]}, min_count: 1}\n",
        options: "severity: warning")
    #expect(!result.findings.isEmpty)
    #expect(result.findings.allSatisfy { $0.severity == .warning })
}

@Test func coverageOptionsAreValidated() {
    #expect(throws: RulesError.self) {
        try coverage(#"{"text": "a"}"#, options: "very_short_words: 600")
    }
}

@Test func deterministicAcrossRunsAndChunks() throws {
    // More than one 4,096-record chunk, so the parallel pass writes several bitset words.
    let rows = (0..<9_000).map { i in
        #"{"text": "\#(i % 7 == 0 ? "refund" : "hello") number \#(i) \#(i % 3 == 0 ? "Привет мир друг" : "")", "label": "l\#(i % 5)"}"#
    }
    let files = rows.joined(separator: "\n")
    let rules = """
        coverage:
          slices:
            refunds: {where: {keywords: [refund]}}
            cyr: {where: {script: cyrillic}}
        """
    let a = try coverage(files, rules: rules)
    let b = try coverage(files, rules: rules)
    #expect(a.metrics == b.metrics)
    #expect(a.tables == b.tables)
    #expect(a.metrics["slice.refunds.train"] == Double((0..<9_000).filter { $0 % 7 == 0 }.count))
    // "hello number N Привет мир друг": 3 Latin words vs 3 Cyrillic ones, more Cyrillic letters.
    #expect(a.metrics["slice.cyr.train"] == Double((0..<9_000).filter { $0 % 3 == 0 }.count))
}

@Test func skipsEmptyDatasets() throws {
    let result = try coverage("")
    #expect(result.skippedReason == "no records")
}

@Test func rolesOfShareGPTAndPromptCompletionRecords() throws {
    let sharegpt = """
        {"conversations": [{"from": "human", "value": "hello"}, {"from": "gpt", "value": "Sorry, no"}]}
        {"conversations": [{"from": "human", "value": "sorry?"}, {"from": "function_call", "value": "{}"}, {"from": "observation", "value": "ok"}, {"from": "gpt", "value": "done"}]}
        """
    let got = try members(
        sharegpt,
        """
        coverage:
          slices:
            apology: {where: {role: assistant, keywords: [sorry], case_insensitive: true}}
            user_sorry: {where: {role: user, keywords: [sorry]}}
            tools: {where: {has_tool_call: true}}
            turns: {where: {turns: {min: 4}}}
        """)
    #expect(got["apology"] == [1])
    #expect(got["user_sorry"] == [2])
    #expect(got["tools"] == [2])
    #expect(got["turns"] == [2])

    let completions = """
        {"prompt": "Refund please", "completion": "Sorry, refunds take a week"}
        {"prompt": "Where is it", "completion": "On its way"}
        """
    let pc = try members(
        completions,
        """
        coverage:
          slices:
            apology: {where: {role: assistant, regex: "^Sorry"}}
            asks_refund: {where: {role: user, keywords: [refund], case_insensitive: true}}
            no_turns: {where: {turns: {max: 0}}}
        """)
    #expect(pc["apology"] == [1])
    #expect(pc["asks_refund"] == [1])
    #expect(pc["no_turns"] == [1, 2])  // turns count chat messages only
}

// MARK: - Matching the input's patterns together

/// On ASCII texts, a keyword set's `asciiPattern` answers what its word-hash matcher answers.
@Test(arguments: [true, false])
func keywordPatternAgreesWithTheMatcherOnASCII(caseInsensitive: Bool) throws {
    let keywordSets: [[String]] = [
        ["refund"], ["money back", "e-mail"], ["ＲＥＦＵＮＤ"], ["ВОЗВРАТ", "refund"], ["ВОЗВРАТ"],
        ["api_key", "4g"], ["Wi-Fi", "not  working"], ["!!!", "ok"], ["ﬁle"],
    ]
    let words = [
        "refund", "Refund", "REFUNDS", "money", "back", "Money", "BACK", "e", "mail", "E-Mail",
        "api_key", "api", "key", "4G", "4g", "wi", "fi", "Wi-Fi", "not", "working", "file",
        "FILE", "ok", "OK", "_refund", "refund_", "x1",
    ]
    let separators = [" ", ", ", "-", "\t", "  ", "!", "_", "", "\n", "...", "/"]
    var random = SplitMix(seed: caseInsensitive ? 1 : 2)
    let texts = (0..<600).map { _ -> String in
        let count = Int(random.next() % 6)
        var text = ""
        for _ in 0..<count {
            text += words[Int(random.next() % UInt64(words.count))]
            text += separators[Int(random.next() % UInt64(separators.count))]
        }
        return text
    }
    var scratch: [UInt8] = []
    var hashes: [UInt64] = []
    var hits = 0
    for keywords in keywordSets {
        let matcher = KeywordMatcher(keywords, caseInsensitive: caseInsensitive)
        let pattern = try #require(matcher.asciiPattern)
        for text in texts {
            KeywordMatcher.words(
                text, caseInsensitive: caseInsensitive, scratch: &scratch, into: &hashes)
            let expected = matcher.matches(hashes)
            if expected { hits += 1 }
            #expect(pattern.matches(text) == expected, "\(keywords) \(pattern) on \"\(text)\"")
        }
    }
    #expect(hits > 200)
}

/// Several regexes and keyword sets on the input, matched in one scan, put the same records
/// in each slice as each slice evaluated alone (one pattern: its own scan), on ASCII and
/// non-ASCII inputs, across several chunks.
@Test func inputPatternsTogetherGiveTheSameMembershipsAsAlone() throws {
    let texts = [
        "I want a REFUND now", "refunded already?", "money back please", "Ваш возврат денег",
        "order 12345 is late", "crash on my tablet", "Broken screen, device dead", "hello",
        "Größe refund", "wifi router down", "ＲＥＦＵＮＤ", "cancel my plan",
    ]
    let rows = (0..<9_000).map { i -> String in
        let text = texts[i % texts.count] + (i % 5 == 0 ? " \(i)" : "")
        return #"{"text": "\#(text)", "label": "l\#(i % 7)"}"#
    }
    let dataset = FixtureDataset.make(CheckExampleRunner.parse(rows.joined(separator: "\n")).files)
    let slices = try RuleSet.parse(
        """
        version: 1
        coverage:
          slices:
            kw: {where: {keywords: [refund, money back], case_insensitive: true}}
            kw_case: {where: {keywords: [refund]}}
            kw_cyr: {where: {keywords: [ВОЗВРАТ], case_insensitive: true}}
            rx: {where: {regex: "refund", case_insensitive: true}}
            rx_num: {where: {regex: "[0-9]{3,}"}}
            rx_dev: {where: {regex: "(broken|crash) .*(device|tablet|screen)", case_insensitive: true}}
            rx_start: {where: {regex: "^(cancel|hello)"}}
            mixed: {where: {all: [{keywords: [router, wifi]}, {not: {label: {in: [l0]}}}]}}
        """, name: "t.yaml"
    ).coverage.slices
    let together = SliceMemberships(dataset: dataset, slices: slices)
    var counts: [Int] = []
    for (s, slice) in slices.enumerated() {
        let alone = SliceMemberships(dataset: dataset, slices: [slice])
        var differ = 0
        var members = 0
        for p in 0..<together.count {
            if together.contains(s, p) != alone.contains(0, p) { differ += 1 }
            if alone.contains(0, p) { members += 1 }
        }
        #expect(differ == 0, "slice \(slice.name): \(differ) records differ")
        counts.append(members)
    }
    // Every slice has members and non-members, so the comparison is not trivial.
    #expect(counts.allSatisfy { $0 > 0 && $0 < 9_000 }, "\(counts)")
}

import PreflightCore

/// Flags damaged and low-quality text: encoding damage (mojibake, U+FFFD, control
/// characters), HTML remnants, refusals and copied prompts in targets, boilerplate openings
/// and closings shared by many targets, and how system prompts are used.
///
/// Texts: the text fields of classification and text records; every turn of a generative
/// record (chat, ShareGPT, prompt/completion, instruction, preference, the rejected side
/// included). Per-record codes name the field or turn (`in messages[2] ('assistant')`) of the
/// first text with the defect, one finding per record and code:
/// - `mojibake`, `replacement_character`, `control_character`, `markup_remnant`: see
///   `TextDefects` for the exact rules.
/// - `refusal`: the target (final assistant turn, completion, output, chosen) starts with a
///   refusal phrase (`TargetText.refusals`: "As an AI language model", "I can't help", "I'm
///   unable to", …), optionally after an apology ("I'm sorry, but I can't", "Sorry, I
///   cannot"), or is short (at most `refusal_max_words` words) and has one at a word start.
///   Case-insensitive, typographic apostrophes read as `'`.
/// - `copied_prompt`: after whitespace and case normalization the target equals the last user
///   turn before it, or has at least `copy_min_words` words and occurs verbatim in it (a
///   rewrite that changed nothing, an answer pasted from the question).
///
/// Dataset-level codes:
/// - `boilerplate`: within a split, at least `boilerplate_min_share` of the targets (and at
///   least 5) start, or end, with the same `boilerplate_min_words` normalized words; the
///   phrase is extended word by word while that many targets still share it.
/// - `refusal_share`: the share of targets that are refusals is above
///   `refusal_warning_share`.
/// - `missing_system_prompt` (info): some conversations have a system prompt and others none.
/// - `unique_system_prompts` (info): at least `unique_system_share` of the conversations with
///   a system prompt have one no other conversation has (dates, names or ids pasted in).
/// - `more_findings`: the per-record findings beyond `max_findings` per code, counted.
/// The distinct system prompts and their shares are a table (top 10, then the rest).
///
/// Lone surrogates (`\ud800` without its pair) never reach this check: the JSON reader
/// rejects them (`malformed_record`, `invalid_utf8`), and so do the YAML reader and the UTF-8
/// validation of CSV files; a Swift `String` cannot hold one.
///
/// Why it matters: the model learns what it is shown. Mojibake and markup teach it to emit
/// `Ã©` and `<br />`; refusals teach it to refuse what it should do; copies teach it to echo;
/// a shared opening teaches every answer to start "Sure! Here is".
///
/// False positives: text about HTML that does not put tags in backticks; a dataset that
/// teaches refusals on purpose (safety data: then the share is the point, lower the severity);
/// extraction tasks whose answer is a long quote of the prompt; templated targets whose
/// opening is the format ("Answer: …").
/// - Complexity: O(total text bytes), one parallel pass over the records; O(n) to count the
///   boilerplate candidates and system prompts.
public struct TextQualityCheck: Check {
    /// Caps and thresholds.
    public struct Options: CheckOptions {
        public var maxFindings = 100
        public var boilerplateMinWords = 3
        public var boilerplateMinShare = 0.1
        public var refusalMaxWords = 40
        public var refusalWarningShare = 0.05
        public var copyMinWords = 10
        public var uniqueSystemShare = 0.5
        public var ignore: [TextQualityCode] = []

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "max_findings", \.maxFindings,
                doc:
                    "per-record findings reported per code, in file order (one more finding counts the rest)",
                check: OptionRules.nonNegative),
            OptionField(
                "boilerplate_min_words", \.boilerplateMinWords,
                doc: "words a shared target opening or closing has at least",
                check: { $0 >= 1 ? nil : "expected 1 or more words, found \($0)" }),
            OptionField(
                "boilerplate_min_share", \.boilerplateMinShare,
                doc: "share of a split's targets that must share an opening or closing",
                check: OptionRules.share),
            OptionField(
                "refusal_max_words", \.refusalMaxWords,
                doc:
                    "a target of at most this many words is a refusal when a refusal phrase starts any of its words",
                check: OptionRules.nonNegative),
            OptionField(
                "refusal_warning_share", \.refusalWarningShare,
                doc: "a share of refusing targets above this is a dataset-level warning",
                check: OptionRules.share),
            OptionField(
                "copy_min_words", \.copyMinWords,
                doc:
                    "a target of at least this many words found verbatim in the prompt is a copy",
                check: { $0 >= 1 ? nil : "expected 1 or more words, found \($0)" }),
            OptionField(
                "unique_system_share", \.uniqueSystemShare,
                doc:
                    "info when at least this share of conversations with a system prompt have one of their own",
                check: OptionRules.share),
            OptionField(
                "ignore", \.ignore,
                doc:
                    "codes not to report: mojibake, replacement_character, control_character, markup_remnant, boilerplate, refusal, copied_prompt, system_prompts"
            ),
        ]
    }

    public static let descriptor = CheckDescriptor(
        id: "text_quality", title: "Text quality",
        summary:
            "Flags encoding damage, markup remnants, refusals, copied prompts and boilerplate in texts and targets.",
        category: .content, defaultSeverity: .warning,
        // Every code is about the quality of examples (a refusal or a copied prompt is a bad
        // example, not an inconsistency between targets); consistent_targets stays with the
        // checks that compare targets, so classification data does not count as assessed.
        prerequisites: [.enoughExamples],
        examples: [
            .passes(
                jsonl: """
                    {"text": "Où est le café ? « À bientôt », dit-il.", "label": "fr"}
                    {"text": "Straße, Grüße und ein »Spaß« für CAFÉ’S Gäste", "label": "de"}
                    {"text": "Is a < b and b > c? Use `<br>` in HTML.", "label": "en"}
                    """),
            .fails(
                jsonl: """
                    {"text": "The café is open", "label": "a"}
                    ↓{"text": "The cafÃ© is open", "label": "a"}
                    ↓{"text": "It\\u2019s broken â€™ here", "label": "b"}
                    ↓{"text": "Great movie.<br /><br />Loved it", "label": "b"}
                    ↓{"text": "AT&amp;T said no", "label": "b"}
                    ↓{"text": "bell\\u0007 rang", "label": "b"}
                    ↓{"text": "caf\\ufffd au lait", "label": "b"}
                    """),
            .fails(
                jsonl: """
                    {"messages": [{"role": "user", "content": "Write a haiku about rain."}, {"role": "assistant", "content": "Soft rain on the roof"}]}
                    ↓{"messages": [{"role": "user", "content": "How do I pick a lock?"}, {"role": "assistant", "content": "I'm sorry, but I can't help with that."}]}
                    --- train_completions.jsonl
                    ↓{"prompt": "Translate to French: good morning", "completion": "translate to french:  Good morning"}
                    """, findings: 1),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// System prompts listed in the table before "other".
    static let tableRows = 10
    /// Targets that must share a phrase for it to be boilerplate, whatever the share.
    static let minBoilerplateTargets = 5
    /// Boilerplate phrases reported per split and side.
    static let maxPhrases = 3
    /// Words a boilerplate phrase is extended to at most.
    static let maxPhraseWords = 30

    // MARK: - Run

    /// Scans every text once, then applies the dataset-level rules.
    /// - Complexity: O(total text bytes) in parallel, then O(n) for the dataset-level rules.
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let layout = input.index.value(ChecksIndex.layout)
        let scan = TextQualityScan(dataset, layout: layout, options: options)
        let id = Self.descriptor.id
        var findings: [Finding] = []
        var metrics: [String: Double] = [:]
        var tables: [ReportTable] = []

        // Per-record findings, at most `max_findings` per code.
        var counts: [TextQualityCode: Int] = [:]
        for hit in scan.hits {
            counts[hit.code, default: 0] += 1
            guard counts[hit.code]! <= options.maxFindings else { continue }
            findings.append(
                Finding(
                    checkID: id, code: hit.code.rawValue, severity: .warning, message: hit.message,
                    hint: hit.code.hint,
                    location: dataset.files[layout.file(of: Int(hit.position))].location(
                        of: dataset[layout.ref(Int(hit.position))], field: hit.field)))
        }
        let omitted = TextQualityCode.recordCodes.compactMap { code -> String? in
            let n = counts[code, default: 0] - options.maxFindings
            return n > 0 ? "\(n) \(code.rawValue)" : nil
        }
        let omittedCount = TextQualityCode.recordCodes.reduce(0) {
            $0 + max(0, counts[$1, default: 0] - options.maxFindings)
        }
        if !omitted.isEmpty {
            findings.append(
                Finding(
                    checkID: id, code: "more_findings", severity: .warning,
                    message: "more records with text defects than 'max_findings' "
                        + "\(options.maxFindings) per code; not listed: "
                        + omitted.joined(separator: ", "),
                    hint:
                        "see the metrics for the totals; fix the source of the damage, not each record",
                    metrics: [FindingLimit.omittedMetric: Double(omittedCount)]))
        }
        let records = layout.count
        let targets = scan.flags.count(where: { $0.contains(.target) })
        metrics["records"] = Double(records)
        metrics["targets"] = Double(targets)
        for code in TextQualityCode.recordCodes where !options.ignore.contains(code) {
            let n = counts[code, default: 0]
            metrics[code.rawValue] = Double(n)
            let of = code == .refusal || code == .copiedPrompt ? targets : records
            if of > 0 { metrics["\(code.rawValue)_share"] = Double(n) / Double(of) }
        }

        // Refusal share.
        let refusals = counts[.refusal, default: 0]
        if targets > 0, !options.ignore.contains(.refusal) {
            let share = Double(refusals) / Double(targets)
            if share > options.refusalWarningShare {
                findings.append(
                    Finding(
                        checkID: id, code: "refusal_share", severity: .warning,
                        message: "\(Format.percent(share)) of targets are refusals "
                            + "(\(refusals) of \(targets)), above 'refusal_warning_share' "
                            + Format.percent(options.refusalWarningShare),
                        hint:
                            "keep refusals only where the model should refuse; rewrite or drop the others",
                        metrics: ["refusals": Double(refusals), "share": share]))
            }
        }

        if !options.ignore.contains(.boilerplate) {
            let phrases = boilerplate(scan, dataset: dataset, layout: layout)
            metrics["boilerplate_phrases"] = Double(phrases.count)
            findings += phrases
        }
        if !options.ignore.contains(.systemPrompts) {
            let (systemFindings, table, systemMetrics) = systemPrompts(
                scan, dataset: dataset, layout: layout)
            findings += systemFindings
            if let table { tables.append(table) }
            metrics.merge(systemMetrics) { a, _ in a }
        }

        var parts: [String] = []
        for code in TextQualityCode.recordCodes {
            let n = counts[code, default: 0]
            if n > 0 { parts.append("\(code.rawValue) \(n)") }
        }
        var summary =
            parts.isEmpty
            ? "no damaged texts" : "records with defects: " + parts.joined(separator: ", ")
        summary += "; \(Format.count(records, "record")), \(Format.count(targets, "target"))"
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary, tables: tables)
    }

    // MARK: - Boilerplate

    /// Openings and closings shared by at least `boilerplate_min_share` of a split's targets.
    /// - Complexity: O(n · k) to find candidates (Misra-Gries with k = 1 / share counters),
    ///   O(m · w) to extend a phrase over its m targets.
    func boilerplate(_ scan: TextQualityScan, dataset: Dataset, layout: DatasetLayout)
        -> [Finding]
    {
        var out: [Finding] = []
        for split in dataset.splits {
            let ranges = layout.ranges(of: split, in: dataset)
            var targets = 0
            for range in ranges {
                for p in range where scan.flags[p].contains(.target) { targets += 1 }
            }
            let needed = max(
                Self.minBoilerplateTargets,
                Int((options.boilerplateMinShare * Double(targets)).rounded(.up)))
            guard targets >= needed else { continue }
            // Members of the openings reported, whose closing overlaps the opening in the
            // first target: one repeated answer, reported once.
            var repeated = Set<Int>()
            for fromEnd in [false, true] {
                let hashes = fromEnd ? scan.suffixes : scan.prefixes
                for (hash, _) in Self.heavyHitters(
                    hashes, ranges: ranges, minCount: needed,
                    counters: Int(1 / max(options.boilerplateMinShare, 0.01)) + 1
                ).prefix(Self.maxPhrases) {
                    let members = ranges.flatMap { $0 }.filter { hashes[$0] == hash }
                    if fromEnd, members.count(where: repeated.contains) * 10 >= members.count * 9 {
                        continue
                    }
                    let (phrase, shared) = extend(
                        members, dataset: dataset, layout: layout, fromEnd: fromEnd,
                        minCount: needed)
                    if !fromEnd {
                        let words = phrase.split(whereSeparator: \.isWhitespace).count
                        let first = Self.target(at: members[0], dataset, layout)
                        if words + options.boilerplateMinWords
                            > first.split(whereSeparator: \.isWhitespace).count
                        {
                            repeated.formUnion(members)
                        }
                    }
                    let share = Double(shared) / Double(targets)
                    out.append(
                        Finding(
                            checkID: Self.descriptor.id, code: "boilerplate", severity: .warning,
                            message: "\(Format.percent(share)) of targets in '\(split)' "
                                + "(\(shared) of \(targets)) \(fromEnd ? "end" : "start") with "
                                + "'\(Format.excerpt(phrase, limit: 120))', at or above "
                                + "'boilerplate_min_share' "
                                + Format.percent(options.boilerplateMinShare),
                            hint:
                                "remove the shared \(fromEnd ? "closing" : "opening") from the targets unless every answer should have it",
                            related: members.prefix(5).map {
                                dataset.location(at: Int32($0), layout)
                            },
                            metrics: [
                                "targets": Double(shared), "share": share,
                                "words": Double(phrase.split(separator: " ").count),
                            ]))
                }
            }
        }
        return out
    }

    /// The hashes (not 0) with at least `minCount` occurrences in `ranges`, most frequent
    /// first (ties: smaller hash first), found with `counters` Misra-Gries counters and counted
    /// exactly.
    static func heavyHitters(
        _ hashes: [UInt64], ranges: [Range<Int>], minCount: Int, counters: Int
    ) -> [(UInt64, Int)] {
        var keys: [UInt64] = []
        var tallies: [Int] = []
        for range in ranges {
            for p in range {
                let h = hashes[p]
                if h == 0 { continue }
                if let k = keys.firstIndex(of: h) {
                    tallies[k] += 1
                } else if keys.count < counters {
                    keys.append(h)
                    tallies.append(1)
                } else {
                    var k = 0
                    while k < keys.count {
                        tallies[k] -= 1
                        if tallies[k] == 0 {
                            keys.remove(at: k)
                            tallies.remove(at: k)
                        } else {
                            k += 1
                        }
                    }
                }
            }
        }
        var exact = [UInt64: Int]()
        for key in keys { exact[key] = 0 }
        for range in ranges {
            for p in range where exact[hashes[p]] != nil { exact[hashes[p]]! += 1 }
        }
        return exact.filter { $0.value >= minCount }.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key
        }
    }

    /// The longest phrase shared by at least `minCount` of `members`, growing word by word
    /// from the first (or last) `boilerplate_min_words`, as the first target sharing all of it
    /// writes it; and how many targets share it.
    func extend(
        _ members: [Int], dataset: Dataset, layout: DatasetLayout, fromEnd: Bool, minCount: Int
    ) -> (phrase: String, count: Int) {
        var normalized: [UInt8] = []
        var words: [[Substring]] = []
        for p in members {
            TargetText.normalize(Self.target(at: p, dataset, layout), into: &normalized)
            let split = String(decoding: normalized, as: UTF8.self).split(separator: " ")
            words.append(fromEnd ? Array(split.reversed()) : split)
        }
        var length = options.boilerplateMinWords
        var alive = Array(words.indices)
        while length < Self.maxPhraseWords {
            var next: [Substring: [Int]] = [:]
            for m in alive where words[m].count > length + 1 {
                next[words[m][length], default: []].append(m)
            }
            // The most shared next word; ties go to the word of the earliest target.
            guard
                let best = next.max(by: {
                    $0.value.count != $1.value.count
                        ? $0.value.count < $1.value.count : $0.value[0] > $1.value[0]
                }), best.value.count >= minCount
            else { break }
            alive = best.value
            length += 1
        }
        guard let firstAlive = alive.first else { return ("", 0) }
        let raw = Self.target(at: members[firstAlive], dataset, layout)
            .split(whereSeparator: { $0.isWhitespace })
        let taken = fromEnd ? Array(raw.suffix(length)) : Array(raw.prefix(length))
        return (taken.joined(separator: " "), alive.count)
    }

    /// The target text of the record at a position ("" without one).
    static func target(at position: Int, _ dataset: Dataset, _ layout: DatasetLayout) -> String {
        let ref = layout.ref(position)
        let file = dataset.files[Int(ref.file)]
        let conversation = Conversation(file.records[Int(ref.record)], shape: file.schema.shape)
        return conversation?.target.last(where: { $0.kind == .assistant })?.content ?? ""
    }

    // MARK: - System prompts

    /// The distinct system prompts of conversations: a table, metrics and info findings.
    func systemPrompts(_ scan: TextQualityScan, dataset: Dataset, layout: DatasetLayout)
        -> (findings: [Finding], table: ReportTable?, metrics: [String: Double])
    {
        var conversations = 0
        var without = 0
        var counts: [UInt64: Int] = [:]
        var first: [UInt64: Int] = [:]
        for p in 0..<layout.count where scan.flags[p].contains(.messages) {
            conversations += 1
            let h = scan.systems[p]
            if h == 0 {
                without += 1
                continue
            }
            counts[h, default: 0] += 1
            if first[h] == nil { first[h] = p }
        }
        guard conversations > 0 else { return ([], nil, [:]) }
        let with = conversations - without
        var metrics: [String: Double] = [
            "distinct_system_prompts": Double(counts.count),
            "system_prompt_share": Double(with) / Double(conversations),
        ]
        var findings: [Finding] = []
        let id = Self.descriptor.id
        if with > 0, without > 0 {
            findings.append(
                Finding(
                    checkID: id, code: "missing_system_prompt", severity: .info,
                    message: "\(without) of \(conversations) conversations "
                        + "(\(Format.percent(Double(without) / Double(conversations)))) have no "
                        + "system prompt while the others have one",
                    hint: "give every example the system prompt it will run with, or none to all",
                    metrics: ["without": Double(without), "with": Double(with)]))
        }
        let singletons = counts.values.count(where: { $0 == 1 })
        metrics["unique_system_prompts"] = Double(singletons)
        if counts.count >= 2, with > 0,
            Double(singletons) / Double(with) >= options.uniqueSystemShare
        {
            findings.append(
                Finding(
                    checkID: id, code: "unique_system_prompts", severity: .info,
                    message: "\(singletons) of \(with) conversations with a system prompt "
                        + "(\(Format.percent(Double(singletons) / Double(with)))) have one no other "
                        + "has, at or above 'unique_system_share' "
                        + Format.percent(options.uniqueSystemShare),
                    hint: "check for dates, names or ids pasted into system prompts",
                    metrics: ["unique": Double(singletons), "distinct": Double(counts.count)]))
        }
        guard with > 0 else { return (findings, nil, metrics) }
        let ranked = counts.sorted {
            $0.value != $1.value ? $0.value > $1.value : first[$0.key]! < first[$1.key]!
        }
        var rows: [[ReportCell]] = []
        for (hash, n) in ranked.prefix(Self.tableRows) {
            let ref = layout.ref(first[hash]!)
            let file = dataset.files[Int(ref.file)]
            let conversation = Conversation(file.records[Int(ref.record)], shape: file.schema.shape)
            let text =
                conversation?.turns.prefix(conversation?.promptCount ?? 0)
                .filter { $0.kind == .system }.map(\.content).joined(separator: "\n") ?? ""
            rows.append([
                .text(Format.excerpt(text, limit: 60)), .count(n),
                .share(Double(n) / Double(conversations)),
            ])
        }
        if ranked.count > Self.tableRows {
            let rest = ranked.dropFirst(Self.tableRows)
            let n = rest.reduce(0) { $0 + $1.value }
            rows.append([
                .text("other (\(Format.count(rest.count, "prompt")))"), .count(n),
                .share(Double(n) / Double(conversations)),
            ])
        }
        if without > 0 {
            rows.append([
                .text("(none)"), .count(without), .share(Double(without) / Double(conversations)),
            ])
        }
        let table = ReportTable(
            id: "system_prompts", title: "System prompts (conversations)",
            columns: ["system prompt", "conversations", "share"], rows: rows,
            note: "\(Format.count(counts.count, "distinct system prompt")) in "
                + "\(Format.count(conversations, "conversation"))")
        return (findings, table, metrics)
    }
}

/// The finding kinds of `text_quality`, for its `ignore` option.
public enum TextQualityCode: String, OptionEnum, Sendable {
    case mojibake
    case replacementCharacter = "replacement_character"
    case controlCharacter = "control_character"
    case markupRemnant = "markup_remnant"
    case boilerplate
    case refusal
    case copiedPrompt = "copied_prompt"
    /// The system-prompt table, metrics and findings.
    case systemPrompts = "system_prompts"

    /// Codes found per text, in scan order.
    static let textCodes: [TextQualityCode] = [
        .mojibake, .replacementCharacter, .controlCharacter, .markupRemnant,
    ]
    /// Codes of per-record findings.
    static let recordCodes: [TextQualityCode] = textCodes + [.refusal, .copiedPrompt]

    var hint: String {
        switch self {
        case .mojibake:
            "re-read the source as UTF-8 (or repair it, e.g. with ftfy) instead of Windows-1252"
        case .replacementCharacter:
            "recover the original text: the characters were lost on decoding"
        case .controlCharacter: "remove the control characters, or find the step that added them"
        case .markupRemnant: "strip HTML tags and unescape entities when extracting the text"
        case .refusal: "keep a refusal only where the model should refuse; rewrite the answer"
        case .copiedPrompt: "write the answer the prompt asks for instead of repeating it"
        case .boilerplate, .systemPrompts: ""
        }
    }
}

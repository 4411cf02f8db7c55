import Dispatch
import PreflightCore

/// Flags generative examples that teach one prompt diverging answers: records of a split
/// whose prompts are identical (after normalization), or near-identical, but whose targets
/// have little in common.
///
/// The prompt is `Record.input` (for chat, every message but the final assistant one, so a
/// shared system message does not make two questions equal); the target is what the
/// example teaches (`GenerativeParts`): the final assistant message, the completion, the
/// instruction's output. Two targets diverge when the Jaccard similarity of their shingle
/// sets (`shingle`, default word sets) is below `max_similarity`, after `normalize` and
/// punctuation removal: identical targets are duplicates (`exact_duplicates`), paraphrases
/// that share most of their words are consistent. The default, 0.3, is below what
/// paraphrases measure on real data (FastChat's identity answers: 0.44 to 0.8 on word sets).
/// The answers of a group are clustered (each distinct answer joins the first cluster whose
/// first answer it is similar to, `AnswerComparer`), and a group with two clusters or more
/// is one finding at its first record, listing the answers and relating the other records.
///
/// Preference pairs teach an ordering, not one answer: the same prompt with different chosen
/// responses is normal (several ranked responses give several pairs). With `preference:
/// reversed` (the default) a group is flagged when one pair prefers answer A to B and
/// another B to A; `preference: chosen` compares chosen responses like SFT targets instead.
///
/// With `near: true`, a second tier links near-identical prompts (Jaccard at or above
/// `near_threshold`, from the prompt-keyed near search that split_leakage shares, which leaves
/// system messages out so a long shared system message does not make different questions
/// near-identical; chat records with a system message must also be near-identical with it, so
/// different system prompts keep apart the answers they ask for) and compares the first
/// answer of each.
/// Records are compared within a split only: a held-out prompt that also occurs in training
/// is split_leakage's to report. Prompts under `min_prompt_words` words (role labels not
/// counted) are not compared.
///
/// Why it matters: the model is taught two answers to one question. It learns to hedge
/// between them or picks one at random, and whichever it picks contradicts part of its own
/// training data. In preference data, reversed pairs ask the model to prefer each answer to
/// the other.
///
/// False positives: prompts with several right answers (creative tasks: 'write a poem about
/// autumn', brainstorming, open-ended chat), which is why short generic prompts ('hi',
/// 'continue') are skipped; a terse answer and a full sentence that says the same ('Paris' /
/// 'The capital of France is Paris'), and independently written paraphrases, which share
/// few words; for the near tier, templated prompts whose short slot is the whole question (a
/// long fixed instruction around one varying word). It does not see contradictions that share
/// most words ('the port is 8080' / 'the port is 443').
/// - Complexity: O(n) to find eligible records plus O(n log n) for the prompt groups, which
///   the index shares with split_leakage; O(m·k) for the m answers of the groups found, with
///   k ≤ 20 answer clusters compared per answer. The near tier reads the prompt-keyed near
///   search at near_duplicates' default threshold, shared with split_leakage on default rules.
public struct ConflictingAnswersCheck: Check {
    /// Normalization, similarity thresholds, scope and caps.
    public struct Options: CheckOptions {
        public var normalize = Normalization.standard
        public var maxSimilarity = 0.3
        public var shingle = ShingleOption.scheme(.words(1))
        public var minPromptWords = 3
        public var near = true
        public var nearThreshold = 0.9
        public var preference = PreferenceComparison.reversed
        public var maxFindings = 1000

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "normalize", \.normalize,
                doc:
                    "normalization of prompts and answers before comparing (nfkc, case, whitespace, punctuation); answers also drop punctuation",
                check: OptionRules.steps),
            OptionField(
                "max_similarity", \.maxSimilarity,
                doc:
                    "two answers diverge when the Jaccard similarity of their shingle sets is below this (paraphrases share most words)",
                check: OptionRules.similarity),
            OptionField(
                "shingle", \.shingle,
                doc:
                    "answer shingles: words:1 (word sets: robust to reordering and short answers), words:N, chars:N, or auto (by the group's median answer length, as near_duplicates)"
            ),
            OptionField(
                "min_prompt_words", \.minPromptWords,
                doc:
                    "prompts with fewer words (role labels not counted) are not compared: 'hi' or 'continue' may have many right answers",
                check: OptionRules.nonNegative),
            OptionField(
                "near", \.near,
                doc: "also compare the answers of near-identical prompts within a split"),
            OptionField(
                "near_threshold", \.nearThreshold,
                doc: "Jaccard similarity at or above which two prompts count as near-identical",
                check: OptionRules.similarity),
            OptionField(
                "preference", \.preference,
                doc:
                    "preference pairs: reversed (flag pairs that prefer A to B and B to A for one prompt) or chosen (compare chosen answers like SFT targets)"
            ),
            OptionField(
                "max_findings", \.maxFindings,
                doc:
                    "report at most this many groups, those with the most records (metrics count all)",
                check: OptionRules.nonNegative),
        ]
    }

    public static let descriptor = CheckDescriptor(
        id: "conflicting_answers", title: "Conflicting answers",
        summary:
            "Flags identical or near-identical prompts within a split that generative examples answer in diverging ways.",
        category: .labels, defaultSeverity: .warning, prerequisites: [.consistentTargets],
        examples: [
            .passes(
                jsonl: """
                    {"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}]}
                    {"messages": [{"role": "user", "content": "what is the capital of  France?"}, {"role": "assistant", "content": "paris"}]}
                    {"messages": [{"role": "user", "content": "Which port does the API use?"}, {"role": "assistant", "content": "The API listens on port 8080 by default."}]}
                    {"messages": [{"role": "user", "content": "Which port does the API use?"}, {"role": "assistant", "content": "By default the API listens on port 8080."}]}
                    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}]}
                    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey there."}]}
                    """),
            .passes(
                jsonl: """
                    {"prompt": "Name a primary colour.", "chosen": "Red.", "rejected": "Green."}
                    {"prompt": "Name a primary colour.", "chosen": "Blue.", "rejected": "Green."}
                    {"prompt": "Name a primary colour.", "chosen": "Red.", "rejected": "Blue."}
                    """),
            .fails(
                jsonl: """
                    ↓{"prompt": "Which port does the API use?", "completion": "It listens on port 8080."}
                    {"prompt": "Which port does the API use?", "completion": "Port 443, over TLS only."}
                    {"prompt": "Which port does the API use?", "completion": "it listens on port 8080"}
                    """),
            .fails(
                jsonl: """
                    ↓{"instruction": "Summarize the refund policy for orders shipped to Canada in one sentence", "output": "Refunds are accepted within 30 days of delivery."}
                    {"instruction": "Summarize the refund policy for orders shipped to Canada in one short sentence", "output": "Canadian orders cannot be refunded, only exchanged."}
                    """),
            .fails(
                jsonl: """
                    ↓{"prompt": "Is it safe to charge the scooter overnight?", "chosen": "Yes, the charger stops at full charge.", "rejected": "No, unplug it at 80 percent."}
                    {"prompt": "Is it safe to charge the scooter overnight?", "chosen": "No, unplug it at 80 percent.", "rejected": "Yes, the charger stops at full charge."}
                    """),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Related records listed per finding (the message gives the full count).
    static let maxRelated = 20
    /// Answers quoted in a message.
    static let answersQuoted = 3

    // MARK: - Run

    /// Compares the answers of each group of equal prompts, then of near-identical prompts.
    /// - Complexity: O(n log n) in the number of records (groups shared through the index),
    ///   plus the shared near search when `near` is on.
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        guard dataset.files.contains(where: { $0.schema.shape.isGenerative }) else {
            return .skipped("no generative input: conflicting_labels covers labelled data")
        }
        let layout = input.index.value(ChecksIndex.layout)
        let spec = KeySpec(.input, options.normalize, dataset: dataset)
        let groups = ChecksIndex.groups(spec, in: input.index)
        let eligible = eligibility(dataset, layout)
        let comparer = AnswerComparer(
            dataset: dataset, layout: layout, options: options)

        var conflicts: [Conflict] = []
        for split in dataset.splits {
            groups.runs(in: split) { run in
                let members = run.filter { eligible[Int($0)] }
                guard members.count >= 2 else { return }
                for (compared, verdict) in comparer.assess(members) {
                    conflicts.append(
                        Conflict(
                            split: split, members: compared, verdict: verdict, records: compared,
                            promptSimilarity: nil))
                }
            }
        }
        if options.near {
            conflicts += nearConflicts(
                input, groups: groups, eligible: eligible, layout: layout, comparer: comparer)
        }
        return outcome(
            conflicts, dataset: dataset, layout: layout,
            compared: eligible.reduce(0) { $0 + ($1 ? 1 : 0) })
    }

    /// Whether each position takes part: a record of a generative file with a target and a
    /// prompt of at least `min_prompt_words` words.
    /// - Complexity: O(total prompt bytes), parallel over chunks.
    func eligibility(_ dataset: Dataset, _ layout: DatasetLayout) -> [Bool] {
        let total = layout.count
        var out = [Bool](repeating: false, count: total)
        guard total > 0 else { return out }
        let normalizer = TextNormalizer(options.normalize)
        let minWords = options.minPromptWords
        let chunk = 16_384
        out.withUnsafeMutableBufferPointer { buffer in
            let target = SendableBuffer(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: (total + chunk - 1) / chunk) { c in
                var bytes: [UInt8] = []
                var scratch = ShingleScratch()
                for p in (c * chunk)..<min(total, (c + 1) * chunk) {
                    let ref = layout.ref(p)
                    let file = dataset.files[Int(ref.file)]
                    let record = file.records[Int(ref.record)]
                    guard let parts = GenerativeParts(record, shape: file.schema.shape) else {
                        continue
                    }
                    if minWords > 0 {
                        normalizer.normalize(record.input, into: &bytes)
                        let words = bytes.withUnsafeBufferPointer {
                            Shingler.countWords($0, scratch: &scratch)
                        }
                        if words - parts.roleLabels < minWords { continue }
                    }
                    target.base[p] = true
                }
            }
        }
        return out
    }

    // MARK: - Near tier

    /// Clusters near-identical prompts of a split (each exact prompt group represented by its
    /// first eligible record) and compares the representatives' answers.
    ///
    /// Reads the near search at near_duplicates' default threshold (0.8) and keeps the pairs
    /// at or above `near_threshold`, so on default rules the search is the one split_leakage
    /// runs on prompts. That search compares prompts without their system messages; a pair of
    /// chat records with a system message must also be near-identical with it, so different
    /// system prompts keep apart the answers they ask for.
    func nearConflicts(
        _ input: CheckInput, groups: SplitGroups, eligible: [Bool], layout: DatasetLayout,
        comparer: AnswerComparer
    ) -> [Conflict] {
        let dataset = input.dataset
        let near = ChecksIndex.inputNearPairs(
            options.normalize, threshold: options.nearThreshold, in: input)
        let splits = SplitColumn(dataset, layout)
        let normalizer = TextNormalizer(options.normalize)
        let shingler = Shingler(near.scheme)

        /// The first eligible record of a position's exact prompt group.
        var representatives: [Int32: Int32] = [:]
        func representative(_ p: Int32) -> Int32? {
            if let r = representatives[p] { return r < 0 ? nil : r }
            let split = splits.splits[splits.split(of: p)]
            let r = groups.all(of: groups.hashes[Int(p)], in: split).first { eligible[Int($0)] }
            representatives[p] = r ?? -1
            return r
        }
        /// The shingles of a representative's whole prompt, system messages included
        /// (memoized: a representative may be in many pairs).
        var whole: [Int32: [UInt64]] = [:]
        func wholeShingles(_ p: Int32) -> [UInt64] {
            if let known = whole[p] { return known }
            let set = shingler.shingles(
                of: normalizer.normalize(String(dataset[layout.ref(Int(p))].input)))
            whole[p] = set
            return set
        }

        var sets = UnionFind(count: layout.count)
        var edges: [(Int32, Int32, Double)] = []
        for pair in near.pairs where pair.similarity >= options.nearThreshold {
            guard splits.split(of: pair.a) == splits.split(of: pair.b),
                let a = representative(pair.a), let b = representative(pair.b)
            else { continue }
            var similarity = pair.similarity
            if dataset[layout.ref(Int(a))].systemPrefix > 0
                || dataset[layout.ref(Int(b))].systemPrefix > 0
            {
                similarity = min(similarity, Shingler.jaccard(wholeShingles(a), wholeShingles(b)))
                guard similarity >= options.nearThreshold else { continue }
            }
            sets.union(a, b)
            edges.append((a, b, similarity))
        }
        guard !edges.isEmpty else { return [] }

        var clusters: [Int32: [Int32]] = [:]
        var lowest: [Int32: Double] = [:]
        for (a, b, similarity) in edges {
            let root = sets.find(a)
            clusters[root, default: []] += [a, b]
            lowest[root] = min(lowest[root] ?? 1, similarity)
        }
        var out: [Conflict] = []
        for root in clusters.keys.sorted() {
            let members = Array(Set(clusters[root]!)).sorted()
            let split = splits.splits[splits.split(of: members[0])]
            for (compared, verdict) in comparer.assess(members) {
                var records: [Int32] = []
                for m in compared {
                    records += groups.all(of: groups.hashes[Int(m)], in: split).filter {
                        eligible[Int($0)]
                    }
                }
                out.append(
                    Conflict(
                        split: split, members: compared, verdict: verdict,
                        records: records.sorted(), promptSimilarity: lowest[root]))
            }
        }
        return out
    }

    // MARK: - Outcome

    /// One group of prompts whose answers conflict.
    struct Conflict {
        var split: SplitRole
        /// The records compared, ascending: a whole exact group, or one representative per
        /// exact group of a near cluster.
        var members: [Int32]
        var verdict: AnswerComparer.Verdict
        /// Every eligible record of the group (for a near cluster: of its exact groups).
        var records: [Int32]
        /// For a near cluster: the lowest prompt similarity of the links that formed it.
        var promptSimilarity: Double?
        var isNear: Bool { promptSimilarity != nil }
    }

    /// Findings (the largest `max_findings` groups), metrics and summary.
    func outcome(_ conflicts: [Conflict], dataset: Dataset, layout: DatasetLayout, compared: Int)
        -> CheckOutcome
    {
        var metrics: [String: Double] = [:]
        var inConflict = Set<Int32>()
        var exactGroups = 0
        var nearGroups = 0
        for split in dataset.splits {
            let own = conflicts.filter { $0.split == split }
            metrics["conflicting_groups.\(split)"] = Double(own.count(where: { !$0.isNear }))
            if options.near {
                metrics["near_conflicting_groups.\(split)"] = Double(own.count(where: \.isNear))
            }
        }
        for conflict in conflicts {
            inConflict.formUnion(conflict.records)
            if conflict.isNear { nearGroups += 1 } else { exactGroups += 1 }
        }
        metrics["conflicting_groups"] = Double(exactGroups)
        if options.near { metrics["near_conflicting_groups"] = Double(nearGroups) }
        metrics["records_in_conflict"] = Double(inConflict.count)
        metrics["prompts_compared"] = Double(compared)

        let ranked = conflicts.sorted {
            $0.records.count != $1.records.count
                ? $0.records.count > $1.records.count : $0.members[0] < $1.members[0]
        }
        let findings = ranked.prefix(options.maxFindings).map {
            finding($0, dataset: dataset, layout: layout)
        }
        var summary =
            conflicts.isEmpty
            ? "no conflicting answers"
            : "\(Format.count(conflicts.count, "prompt group")) answered in conflicting ways "
                + "(\(exactGroups) of identical prompts, \(nearGroups) of near-identical ones), "
                + Format.count(inConflict.count, "record")
        summary += "; \(Format.count(compared, "prompt")) compared"
        if conflicts.count > options.maxFindings {
            summary += "; the \(options.maxFindings) largest reported ('max_findings')"
        }
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary)
    }

    /// The finding of one conflict, at its first record.
    func finding(_ conflict: Conflict, dataset: Dataset, layout: DatasetLayout) -> Finding {
        let verdict = conflict.verdict
        let first = conflict.members[0]
        let split = conflict.split
        let limit = Format.similarity(options.maxSimilarity)
        let subject: String
        if let similarity = conflict.promptSimilarity {
            subject =
                "\(conflict.members.count) near-identical prompts (Jaccard \(Format.similarity(similarity)) "
                + "or more, at or above 'near_threshold' \(Format.similarity(options.nearThreshold))) have"
        } else {
            subject = "the same prompt has"
        }
        let records = Format.count(conflict.records.count, "record")
        let message: String
        let code: String
        let hint: String
        var metrics: [String: Double] = [
            "group_records": Double(conflict.records.count),
            "answers": Double(verdict.answers.count),
        ]
        switch verdict.kind {
        case .diverging(let closest, let scheme):
            // Answers beyond the compared clusters may be similar to each other: a lower bound.
            let tracked = verdict.answers.count - verdict.untracked
            let count = verdict.untracked > 0 ? "more than \(tracked)" : "\(tracked)"
            var list = verdict.answers.prefix(Self.answersQuoted).map {
                "\(Self.quote($0.text)) (\($0.count))"
            }
            let more = verdict.answers.count - Self.answersQuoted
            if more > 0 { list.append("and \(more) more") }
            message =
                "\(subject) \(count) diverging answers in '\(split)' (\(records); Jaccard at most "
                + "\(Format.similarity(closest)) between them on \(scheme) shingles, below "
                + "'max_similarity' \(limit)): \(list.joined(separator: ", "))"
            code = conflict.isNear ? "near_conflicting_answers" : "conflicting_answers"
            hint =
                conflict.isNear
                ? "if the prompts ask the same thing, make the answers agree; if not, make the difference explicit in the prompts"
                : "decide the answer this prompt should teach: make the answers agree or remove the ones that contradict it"
            metrics["similarity"] = closest
        case .reversed(let preferred, let over, let forward, let backward, let pairs):
            let a = Self.quote(verdict.answers[preferred].text)
            let b = Self.quote(verdict.answers[over].text)
            message =
                "\(subject) reversed preferences in '\(split)' (\(records)): "
                + "\(Format.count(forward.count, "pair")) prefer\(forward.count == 1 ? "s" : "") \(a) "
                + "over \(b), \(backward.count) the reverse (answers match at Jaccard "
                + "'max_similarity' \(limit) or more)"
                + (pairs > 1 ? "; \(pairs) reversed answer pairs in all" : "")
            code = conflict.isNear ? "near_reversed_preference" : "reversed_preference"
            hint =
                "keep one order of the two answers: fix or remove the pairs that contradict the others"
            metrics["reversed_pairs"] = Double(pairs)
        }
        if let similarity = conflict.promptSimilarity { metrics["prompt_similarity"] = similarity }
        // The records holding the other answers (or the reversed pairs) first, then the rest.
        var related: [Int32] = []
        var listed = Set<Int32>([first])
        for p in verdict.involved + conflict.records
        where related.count < Self.maxRelated && listed.insert(p).inserted {
            related.append(p)
        }
        return Finding(
            checkID: Self.descriptor.id, code: code, severity: .warning, message: message,
            hint: hint, location: dataset.location(at: first, layout),
            related: related.sorted().map { dataset.location(at: $0, layout) }, metrics: metrics)
    }

    /// An answer quoted for a message: control characters escaped, cut to 60 characters.
    static func quote(_ text: String) -> String {
        "'\(Format.excerpt(text, limit: Format.maxQuoted))'"
    }
}

/// How `conflicting_answers` compares preference pairs.
public enum PreferenceComparison: String, OptionEnum {
    /// Flag a prompt whose pairs prefer answer A to B and B to A.
    case reversed
    /// Compare chosen answers like SFT targets.
    case chosen
}

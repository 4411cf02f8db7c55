import PreflightCore

/// Flags inconsistent label spellings and label sets that differ between splits: variants
/// differing only by case, whitespace or punctuation ('Spam' vs 'spam '), labels of a
/// held-out split never seen in training, training labels missing from a held-out split,
/// and labels written sometimes as numbers and sometimes as strings.
///
/// Why it matters: each spelling becomes its own class, splitting the examples of one
/// concept; a held-out label the model never saw can only be scored wrong; a class absent
/// from a held-out split is never evaluated.
///
/// False positives: labels that are genuinely distinct but differ only by punctuation
/// (e.g. 'c' vs 'c++' with `punctuation` normalization) — drop `punctuation` from
/// `normalize` for such label sets.
public struct LabelHygieneCheck: Check {
    /// How labels are compared.
    public struct Options: CheckOptions {
        public var normalize: [Normalization] = [.nfkc, .case, .whitespace, .punctuation]
        public var flagMissingInHeldout = true

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "normalize", \.normalize,
                doc:
                    "steps under which two label spellings count as variants of one label (nfkc, case, whitespace, punctuation)",
                check: OptionRules.steps),
            OptionField(
                "flag_missing_in_heldout", \.flagMissingInHeldout,
                doc: "report training labels that a held-out split never contains"),
        ]
    }

    public static let descriptor = CheckDescriptor(
        id: "label_hygiene", title: "Label hygiene",
        summary: "Flags label spelling variants, unseen held-out labels and mixed label types.",
        category: .labels, defaultSeverity: .error, prerequisites: [.enoughExamples, .heldOutSets],
        codePrerequisites: [
            "unseen_label": [.heldOutSets], "missing_in_heldout": [.heldOutSets],
        ],
        examples: [
            .passes(
                jsonl: """
                    --- train.jsonl
                    {"text": "buy now", "label": "spam"}
                    {"text": "hi mom", "label": "ham"}
                    --- test.jsonl
                    {"text": "cheap pills", "label": "spam"}
                    {"text": "see you", "label": "ham"}
                    """),
            .fails(
                jsonl: """
                    --- train.jsonl
                    {"text": "buy now", "label": "spam"}
                    {"text": "win cash", "label": "spam"}
                    ↓{"text": "free money", "label": "Spam "}
                    {"text": "hi mom", "label": "ham"}
                    --- test.jsonl
                    {"text": "see you", "label": "ham"}
                    ↓{"text": "what?", "label": "other"}
                    """, findings: 2),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Compares label spellings, label sets per split and label types.
    /// - Complexity: O(records + labels · splits).
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let column = input.index.value(ChecksIndex.labels)
        guard column.hasLabelledFiles else { return .skipped("no labelled input") }
        let layout = input.index.value(ChecksIndex.layout)
        let id = Self.descriptor.id
        let labels = column.labels
        var findings: [Finding] = []

        // First record and count of every label, over the whole dataset.
        var first = [Int32](repeating: -1, count: labels.count)
        var total = [Int](repeating: 0, count: labels.count)
        for (p, l) in column.ids.enumerated() where l >= 0 {
            if first[Int(l)] < 0 { first[Int(l)] = Int32(p) }
            total[Int(l)] += 1
        }

        // MARK: Spelling variants (by text, so 1 and "1" are a type mix, not a variant)
        let normalizer = TextNormalizer(options.normalize)
        var byText: [String: [Int]] = [:]
        for (l, label) in labels.enumerated() { byText[label.text, default: []].append(l) }
        var groups: [String: [String]] = [:]
        for text in byText.keys { groups[normalizer.normalize(text), default: []].append(text) }
        var variantFindings = 0
        for key in groups.keys.sorted() {
            let texts = groups[key]!
            guard texts.count > 1 else { continue }
            func count(_ t: String) -> Int { byText[t]!.reduce(0) { $0 + total[$1] } }
            func firstPosition(_ t: String) -> Int32 { byText[t]!.map { first[$0] }.min()! }
            let main = texts.max { a, b in
                count(a) != count(b) ? count(a) < count(b) : firstPosition(a) > firstPosition(b)
            }!
            for text in texts.sorted() where text != main {
                variantFindings += 1
                findings.append(
                    Finding(
                        checkID: id, code: "label_variant", severity: .warning,
                        message:
                            "label \(Format.quoted(text)) (\(Format.count(count(text), "record"))) differs from "
                            + "\(Format.quoted(main)) (\(count(main))) only by case, whitespace or punctuation",
                        hint: "rename \(Format.quoted(text)) to \(Format.quoted(main)) everywhere",
                        location: dataset.location(at: firstPosition(text), layout),
                        related: [dataset.location(at: firstPosition(main), layout)],
                        metrics: [
                            "records": Double(count(text)), "main_records": Double(count(main)),
                        ]))
            }
        }

        // MARK: Label sets per split
        var unseen = 0
        var missing = 0
        if dataset.hasTrain {
            let trainCounts = column.counts(in: layout.ranges(of: .train, in: dataset))
            for split in dataset.heldOutSplits {
                let ranges = layout.ranges(of: split, in: dataset)
                let counts = column.counts(in: ranges)
                guard counts.contains(where: { $0 > 0 }) else { continue }
                var firstInSplit = [Int32](repeating: -1, count: labels.count)
                for range in ranges {
                    for p in range where column.ids[p] >= 0 && firstInSplit[Int(column.ids[p])] < 0
                    {
                        firstInSplit[Int(column.ids[p])] = Int32(p)
                    }
                }
                for l in labels.indices where counts[l] > 0 && trainCounts[l] == 0 {
                    unseen += 1
                    findings.append(
                        Finding(
                            checkID: id, code: "unseen_label", severity: .error,
                            message:
                                "label \(Format.label(labels[l])) has \(Format.count(counts[l], "record")) "
                                + "in '\(split)' and 0 in training",
                            hint:
                                "add training examples of \(Format.label(labels[l])) or fix the held-out label",
                            location: dataset.location(at: firstInSplit[l], layout),
                            metrics: ["records": Double(counts[l])]))
                }
                guard options.flagMissingInHeldout else { continue }
                let absent = labels.indices.filter { trainCounts[$0] > 0 && counts[$0] == 0 }
                for l in absent {
                    missing += 1
                    findings.append(
                        Finding(
                            checkID: id, code: "missing_in_heldout", severity: .warning,
                            message:
                                "label \(Format.label(labels[l])) has \(Format.count(trainCounts[l], "training record")) "
                                + "and 0 in '\(split)'",
                            hint:
                                "add '\(split)' examples of \(Format.label(labels[l])) so it gets evaluated",
                            metrics: ["training_records": Double(trainCounts[l])]))
                }
            }
        }

        // MARK: Numbers vs strings
        var numeric = 0
        var string = 0
        var firstNumeric: Int32 = -1
        var firstString: Int32 = -1
        for (p, l) in column.ids.enumerated() where l >= 0 {
            if labels[Int(l)].isNumeric {
                numeric += 1
                if firstNumeric < 0 { firstNumeric = Int32(p) }
            } else {
                string += 1
                if firstString < 0 { firstString = Int32(p) }
            }
        }
        if numeric > 0 && string > 0 {
            let minorityNumeric =
                numeric < string || (numeric == string && firstNumeric > firstString)
            findings.append(
                Finding(
                    checkID: id, code: "mixed_label_types", severity: .warning,
                    message:
                        "\(Format.count(numeric, "label")) written as numbers and \(string) as strings",
                    hint: minorityNumeric
                        ? "write every label as a string" : "write every label as a number",
                    location: dataset.location(
                        at: minorityNumeric ? firstNumeric : firstString, layout),
                    related: [
                        dataset.location(at: minorityNumeric ? firstString : firstNumeric, layout)
                    ],
                    metrics: ["numeric_labels": Double(numeric), "string_labels": Double(string)]))
        }

        let metrics: [String: Double] = [
            "labels": Double(labels.count), "label_variants": Double(variantFindings),
            "unseen_labels": Double(unseen), "missing_in_heldout": Double(missing),
            "numeric_labels": Double(numeric), "string_labels": Double(string),
        ]
        let summary =
            "\(Format.count(labels.count, "distinct label")), \(variantFindings) spelling variants, "
            + "\(unseen) unseen in training, \(missing) missing from held-out splits"
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary)
    }
}

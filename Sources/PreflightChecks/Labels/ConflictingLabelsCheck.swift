import PreflightCore

/// Flags the same normalized input carrying different labels, within a split and between a
/// held-out split and training.
///
/// Why it matters: the model is told two different answers for one question, which caps the
/// achievable accuracy and teaches noise; across splits, it scores the model against a
/// label training contradicts.
///
/// With `near: true` (the default), a second tier flags near-copies within a split (Jaccard
/// similarity of the shingle sets at or above `near_threshold`, as `near_duplicates` measures
/// it, but not exact copies) that carry different labels, at `near_severity`: a word changed
/// between two records rarely changes the intent, so these are the likeliest label errors.
///
/// False positives: inputs that are genuinely ambiguous without context (short replies,
/// 'ok', 'yes') or multi-label tasks flattened into one label per row; for the near tier,
/// short inputs where the changed word is the label ('cancel my card' / 'block my card'),
/// which is why `near_threshold` (0.9) is stricter than near_duplicates' 0.8.
/// - Complexity: O(n log n) in the number of records, hashing shared with exact_duplicates;
///   the near tier reads the near search at near_duplicates' default threshold, so on default
///   rules the search runs once for both checks.
public struct ConflictingLabelsCheck: Check {
    /// Normalization and scope.
    public struct Options: CheckOptions {
        public var normalize = Normalization.standard
        public var crossSplit = true
        public var near = true
        public var nearThreshold = 0.9
        public var nearSeverity = Severity.warning

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "normalize", \.normalize,
                doc:
                    "normalization of inputs before comparing (nfkc, case, whitespace, punctuation)",
                check: OptionRules.steps),
            OptionField(
                "cross_split", \.crossSplit,
                doc:
                    "also compare each held-out record's label with training records of the same input"
            ),
            OptionField(
                "near", \.near,
                doc:
                    "also flag near-copies (not exact copies) within a split that carry different labels"
            ),
            OptionField(
                "near_threshold", \.nearThreshold,
                doc:
                    "Jaccard similarity at or above which two inputs count as near-copies here (stricter than near_duplicates: similar inputs may legitimately differ in label)",
                check: OptionRules.similarity),
            OptionField(
                "near_severity", \.nearSeverity,
                doc: "severity of near-copy label conflicts (info, warning, error)"),
        ]
    }

    public static let descriptor = CheckDescriptor(
        id: "conflicting_labels", title: "Conflicting labels",
        summary:
            "Flags identical inputs (after normalization), and near-copies within a split, that carry different labels.",
        category: .labels, defaultSeverity: .error,
        prerequisites: [.enoughExamples, .clearBoundaries],
        examples: [
            .passes(
                jsonl: """
                    {"text": "cancel my card", "label": "cancel"}
                    {"text": "Cancel my card", "label": "cancel"}
                    {"text": "block my card", "label": "block"}
                    """),
            .fails(
                jsonl: """
                    --- train.jsonl
                    {"text": "cancel my card", "label": "cancel"}
                    ↓{"text": "Cancel my  card", "label": "block"}
                    {"text": "lost card", "label": "lost"}
                    --- test.jsonl
                    ↓{"text": "lost card", "label": "stolen"}
                    {"text": "block my card", "label": "block"}
                    """),
            .fails(
                jsonl: """
                    {"text": "my card was charged twice for the same order last week", "label": "billing"}
                    {"text": "my parcel has not arrived yet", "label": "delivery"}
                    ↓{"text": "my card was charged twice for the same order last week again", "label": "fraud"}
                    {"text": "My card was charged twice for the same order last week too", "label": "billing"}
                    """),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// The near-copy tier: within each split, every near pair at or above `near_threshold`
    /// whose two records carry different labels, one finding at the later record.
    ///
    /// Reads the search at near_duplicates' default threshold (0.8) and keeps the pairs at or
    /// above `near_threshold`: the same pairs a search at that threshold verifies, without a
    /// second search on default rules.
    func nearConflicts(_ input: CheckInput, column: LabelColumn, layout: DatasetLayout)
        -> [Finding]
    {
        let dataset = input.dataset
        let near = ChecksIndex.inputNearPairs(
            options.normalize, threshold: options.nearThreshold, in: input)
        let splits = SplitColumn(dataset, layout)
        let ids = column.ids
        var findings: [Finding] = []
        for pair in near.pairs where pair.similarity >= options.nearThreshold {
            let (a, b) = (Int(pair.a), Int(pair.b))
            guard ids[a] >= 0, ids[b] >= 0, ids[a] != ids[b],
                splits.split(of: pair.a) == splits.split(of: pair.b)
            else { continue }
            let split = splits.splits[splits.split(of: pair.a)]
            findings.append(
                Finding(
                    checkID: Self.descriptor.id, code: "near_conflicting_label",
                    severity: options.nearSeverity,
                    message:
                        "input is a near-copy (Jaccard \(Format.similarity(pair.similarity)), at or above "
                        + "'near_threshold' \(Format.similarity(options.nearThreshold))) of an earlier "
                        + "'\(split)' record labelled \(Format.label(column.labels[Int(ids[a])])); this "
                        + "record says \(Format.label(column.labels[Int(ids[b])]))",
                    hint:
                        "check both labels: if the inputs mean the same, make the labels agree",
                    location: dataset.location(at: pair.b, layout),
                    related: [dataset.location(at: pair.a, layout)],
                    metrics: ["similarity": pair.similarity]))
        }
        return findings
    }

    /// Groups records by normalized input hash and compares labels within each group.
    /// - Complexity: O(n log n) in the number of records.
    /// Labels a message lists and related locations a finding carries, at most.
    static let listed = 8

    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let column = input.index.value(ChecksIndex.labels)
        guard column.hasLabelledFiles else { return .skipped("no labelled input") }
        let id = Self.descriptor.id
        let spec = KeySpec(.input, options.normalize, dataset: dataset)
        let groups = ChecksIndex.groups(spec, in: input.index)
        let layout = input.index.value(ChecksIndex.layout)
        let labels = column.labels
        let ids = column.ids
        var findings: [Finding] = []
        var metrics: [String: Double] = [:]
        var totalGroups = 0
        var totalRecords = 0

        /// Labels of a run with their first position and count, sorted by label.
        /// - Complexity: O(run) (a dictionary once a run has many labels).
        func labelSummary(_ run: ArraySlice<Int32>) -> [(label: Int32, first: Int32, count: Int)] {
            var out: [(label: Int32, first: Int32, count: Int)] = []
            var slots: [Int32: Int] = [:]
            for p in run where ids[Int(p)] >= 0 {
                let l = ids[Int(p)]
                let i =
                    out.count <= 8 ? out.firstIndex(where: { $0.label == l }) : slots[l]
                if let i {
                    out[i].count += 1
                } else {
                    out.append((l, p, 1))
                    if out.count == 9 {
                        for (k, entry) in out.enumerated() { slots[entry.label] = k }
                    } else if out.count > 9 {
                        slots[l] = out.count - 1
                    }
                }
            }
            return out.sorted { $0.label < $1.label }
        }
        /// The labels with their counts; past `Self.listed` labels, how many more (a templated
        /// text with thousands of labels must not make every finding thousands of labels long).
        func describe(_ summary: [(label: Int32, first: Int32, count: Int)]) -> String {
            let shown = summary.prefix(Self.listed).map {
                "\(Format.label(labels[Int($0.label)])) (\($0.count))"
            }
            let more = summary.count - shown.count
            return shown.joined(separator: ", ")
                + (more > 0 ? " and \(Format.count(more, "more label"))" : "")
        }
        /// Where the other labels first occur, at most `Self.listed` of them.
        func others(_ summary: [(label: Int32, first: Int32, count: Int)], own: Int32?)
            -> [DataLocation]
        {
            summary.lazy.filter { $0.label != own }.prefix(Self.listed).map {
                dataset.location(at: $0.first, layout)
            }
        }

        for split in dataset.splits {
            var groupCount = 0
            var recordCount = 0
            groups.runs(in: split) { run in
                let summary = labelSummary(run)
                guard summary.count >= 2 else { return }
                groupCount += 1
                let text = describe(summary)
                for p in run.dropFirst() where ids[Int(p)] >= 0 {
                    recordCount += 1
                    let own = ids[Int(p)]
                    let related = others(summary, own: own)
                    findings.append(
                        Finding(
                            checkID: id, code: "conflicting_label", severity: .error,
                            message:
                                "input has \(summary.count) labels in '\(split)': \(text); this record says "
                                + "\(Format.label(labels[Int(own)]))",
                            hint:
                                "decide the correct label for this input and relabel or remove the others",
                            location: dataset.location(at: p, layout), related: related,
                            metrics: [
                                "labels": Double(summary.count), "group_records": Double(run.count),
                            ]))
                }
            }
            metrics["conflict_groups.\(split)"] = Double(groupCount)
            metrics["conflicting_records.\(split)"] = Double(recordCount)
            totalGroups += groupCount
            totalRecords += recordCount
        }

        var crossConflicts = 0
        if options.crossSplit && dataset.hasTrain {
            // Per training group, computed once: many held-out records may share one.
            var trainSummaries: [UInt64: [(label: Int32, first: Int32, count: Int)]] = [:]
            for split in dataset.heldOutSplits {
                var splitConflicts = 0
                for range in layout.ranges(of: split, in: dataset) {
                    for p in range where ids[p] >= 0 {
                        let hash = groups.hashes[p]
                        let summary: [(label: Int32, first: Int32, count: Int)]
                        if let known = trainSummaries[hash] {
                            summary = known
                        } else {
                            let trainRun = groups.all(of: hash, in: .train)
                            summary = trainRun.isEmpty ? [] : labelSummary(trainRun)
                            trainSummaries[hash] = summary
                        }
                        guard !summary.isEmpty else { continue }
                        let own = ids[p]
                        if summary.count == 1 && summary[0].label == own { continue }
                        splitConflicts += 1
                        findings.append(
                            Finding(
                                checkID: id, code: "cross_split_conflict", severity: .error,
                                message:
                                    "'\(split)' labels this input \(Format.label(labels[Int(own)])) but training "
                                    + "has \(describe(summary))",
                                hint:
                                    "make the held-out label agree with training, or fix the training labels",
                                location: dataset.location(at: Int32(p), layout),
                                related: others(summary, own: nil)))
                    }
                }
                metrics["cross_split_conflicts.\(split)"] = Double(splitConflicts)
                crossConflicts += splitConflicts
            }
        }
        metrics["conflict_groups"] = Double(totalGroups)
        metrics["conflicting_records"] = Double(totalRecords)
        metrics["cross_split_conflicts"] = Double(crossConflicts)
        var summary =
            "\(Format.count(totalGroups, "conflicting group")), \(Format.count(totalRecords, "conflicting record")), "
            + "\(crossConflicts) cross-split"
        if options.near {
            let nearFindings = nearConflicts(input, column: column, layout: layout)
            var total = 0
            for split in dataset.splits {
                let count = nearFindings.filter { $0.location?.split == split.rawValue }.count
                metrics["near_conflicts.\(split)"] = Double(count)
                total += count
            }
            metrics["near_conflicts"] = Double(total)
            findings += nearFindings
            summary += ", \(total) between near-copies"
        }
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary)
    }
}

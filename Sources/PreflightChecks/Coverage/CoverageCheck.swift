import Foundation
import PreflightCore

/// Measures the slices the team declared in the rule file (`coverage.slices`) against their
/// `min_count` / `min_share` requirements, per split and optionally per label, and reports
/// a coverage matrix of declared and automatic slices (length quartiles, very short and very
/// long inputs, scripts, digits, URLs, emails, code, markup, questions, all caps).
///
/// Why it matters: a fine-tune only learns the cases its data shows, and a held-out score
/// only speaks for the cases the held-out set contains. Declared slices turn "we cover
/// refunds, long inputs and Cyrillic tickets" into a contract the data is checked against;
/// the automatic matrix shows gaps nobody declared (no long inputs in test, no questions in
/// training).
///
/// False positives: a slice defined too narrowly (a regex that misses paraphrases) counts
/// too few records; look at the matrix and widen the predicate before adding data. Automatic
/// gaps are info only: a held-out split may lack a format on purpose.
///
/// - Complexity: one parallel pass over the records evaluates every slice (O(text bytes ×
///   predicates)); counting is O(records × slices / 64) for declared slices and
///   O(records × automatic slices) for the matrix.
public struct CoverageCheck: Check {
    /// Automatic-slice settings and table bounds.
    public struct Options: CheckOptions {
        /// Report automatic slices present in training but absent from a held-out split.
        public var heldoutGaps = true
        /// Only when the held-out split should hold at least this many of them.
        public var minExpectedHeldout = 3.0
        /// Inputs with fewer words are `very_short`.
        public var veryShortWords = 3
        /// Inputs with more words are `very_long`.
        public var veryLongWords = 512
        /// Labels shown in the slice × label table (the most frequent in training).
        public var maxLabelRows = 50

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "heldout_gaps", \.heldoutGaps,
                doc:
                    "report (as info) automatic slices present in training but absent from a held-out split"
            ),
            OptionField(
                "min_expected_heldout", \.minExpectedHeldout,
                doc:
                    "report a gap only when the training share × the held-out split's size reaches this",
                check: { $0 >= 0 ? nil : "expected 0 or more, found \($0)" }),
            OptionField(
                "very_short_words", \.veryShortWords,
                doc: "inputs with fewer words than this form the automatic slice very_short",
                check: OptionRules.nonNegative),
            OptionField(
                "very_long_words", \.veryLongWords,
                doc: "inputs with more words than this form the automatic slice very_long",
                check: OptionRules.nonNegative),
            OptionField(
                "max_label_rows", \.maxLabelRows,
                doc: "labels shown in the coverage_by_label table, most frequent first",
                check: { $0 >= 1 ? nil : "expected 1 or more, found \($0)" }),
        ]

        public func validate() throws(OptionsError) {
            guard veryShortWords <= veryLongWords else {
                throw OptionsError(
                    key: "very_short_words",
                    "'very_short_words' (\(veryShortWords)) must not be above 'very_long_words' (\(veryLongWords))"
                )
            }
        }
    }

    static let refundRules = """
        coverage:
          slices:
            refunds:
              where: {keywords: [refund, money back], case_insensitive: true}
              min_count: 1
        """

    public static let descriptor = CheckDescriptor(
        id: "coverage", title: "Coverage",
        summary:
            "Checks declared slices against their minimum counts per split and reports slice coverage.",
        category: .coverage, defaultSeverity: .error, prerequisites: [.representative],
        examples: [
            .passes(
                jsonl: """
                    --- train.jsonl
                    {"text": "I want a refund", "label": "billing"}
                    {"text": "where is my parcel", "label": "shipping"}
                    --- test.jsonl
                    {"text": "Money back please", "label": "billing"}
                    """,
                rules: refundRules),
            .fails(
                jsonl: """
                    --- train.jsonl
                    {"text": "I want a refund", "label": "billing"}
                    {"text": "where is my parcel", "label": "shipping"}
                    --- test.jsonl
                    {"text": "my parcel is late", "label": "shipping"}
                    """,
                findings: 1, rules: refundRules),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Evaluates the slices and compares counts with the requirements.
    /// - Complexity: see the type's documentation.
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let layout = input.index.value(ChecksIndex.layout)
        guard layout.count > 0 else { return .skipped("no records") }
        let declared = input.coverage.slices
        // Shared with failure_taxonomy: declared slices first, then the taxonomy's hidden ones.
        let memberships = SliceMemberships.evaluated(input)
        let labels = input.index.value(ChecksIndex.labels)
        let splits = dataset.splits
        let ranges = Dictionary(
            uniqueKeysWithValues: splits.map { ($0, layout.ranges(of: $0, in: dataset)) })
        let sizes = ranges.mapValues { $0.reduce(0) { $0 + $1.count } }
        let automatic = AutomaticSlices(
            features: memberships.features,
            basis: dataset.hasTrain ? ranges[.train] ?? [] : [0..<layout.count],
            veryShort: options.veryShortWords, veryLong: options.veryLongWords)
        let masks = automatic.masks(memberships.features)

        var findings: [Finding] = []
        var metrics: [String: Double] = ["slices_declared": Double(declared.count)]
        var failing = Set<String>()

        // Declared slices: counts per split and the requirements.
        var declaredCounts: [[SplitRole: Int]] = []
        for (s, slice) in declared.enumerated() {
            var counts: [SplitRole: Int] = [:]
            for split in splits {
                let n = memberships.count(s, in: ranges[split] ?? [])
                counts[split] = n
                metrics["slice.\(slice.name).\(split)"] = Double(n)
            }
            declaredCounts.append(counts)
            let found = requirementFindings(
                slice, index: s, counts: counts, sizes: sizes, ranges: ranges,
                memberships: memberships, labels: labels, dataset: dataset)
            if !found.isEmpty { failing.insert(slice.name) }
            findings += found
        }
        metrics["slices_failing"] = Double(failing.count)

        // Automatic slices: counts per split, gaps in held-out splits.
        var autoCounts: [SplitRole: [Int]] = [:]
        for split in splits {
            autoCounts[split] = automatic.counts(masks, in: ranges[split] ?? [])
        }
        metrics["automatic_slices"] = Double(automatic.slices.count)
        for (k, bound) in automatic.quartileBounds.enumerated() {
            metrics["length_q\(k + 1)_max_words"] = Double(bound)
        }
        if options.heldoutGaps, let train = autoCounts[.train], let trainSize = sizes[.train],
            trainSize > 0
        {
            for split in dataset.heldOutSplits {
                let size = sizes[split] ?? 0
                guard size > 0, let held = autoCounts[split] else { continue }
                for (k, slice) in automatic.slices.enumerated()
                where train[k] > 0 && held[k] == 0 {
                    let share = Double(train[k]) / Double(trainSize)
                    guard share * Double(size) >= options.minExpectedHeldout else { continue }
                    findings.append(
                        Finding(
                            checkID: Self.descriptor.id, code: "automatic_slice_absent",
                            severity: .info,
                            message:
                                "no \(slice.phrase) in '\(split)', though they are \(Format.percent(share)) of training (\(Format.count(train[k], "record")))",
                            hint:
                                "add held-out examples like these so the score covers them, or accept the gap",
                            metrics: [
                                "training_share": share, "training_records": Double(train[k]),
                                "expected": share * Double(size),
                            ]))
                }
            }
        }

        let tables =
            [
                splitTable(
                    declared: declared, declaredCounts: declaredCounts, automatic: automatic,
                    autoCounts: autoCounts, splits: splits, sizes: sizes)
            ]
            + labelTables(
                declared: declared, automatic: automatic, memberships: memberships,
                masks: masks, labels: labels, ranges: ranges[.train] ?? [])

        let splitText = Format.count(splits.count, "split")
        let autoText = "\(automatic.slices.count) automatic slices measured across \(splitText)"
        let summary =
            declared.isEmpty
            ? "no slices declared (see 'Coverage' in the README); \(autoText)"
            : "\(Format.count(declared.count, "declared slice")), \(failing.count) failing; \(autoText)"
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary, tables: tables)
    }

    // MARK: - Requirements

    private func requirementFindings(
        _ slice: SliceDefinition, index s: Int, counts: [SplitRole: Int],
        sizes: [SplitRole: Int], ranges: [SplitRole: [Range<Int>]],
        memberships: SliceMemberships, labels: LabelColumn, dataset: Dataset
    ) -> [Finding] {
        let req = slice.requirements
        guard !req.isEmpty else { return [] }
        let severity = req.severity ?? Self.descriptor.defaultSeverity
        let name = Format.quoted(slice.name)
        let wanted = req.splits ?? ([SplitRole.train] + dataset.heldOutSplits)
        var out: [Finding] = []
        func finding(_ code: String, _ message: String, _ hint: String, _ m: [String: Double])
            -> Finding
        {
            Finding(
                checkID: Self.descriptor.id, code: code, severity: severity, message: message,
                hint: hint, metrics: m)
        }
        let requirement = requirementText(req)
        if req.perLabel && !labels.hasLabelledFiles {
            return [
                finding(
                    "slice_per_label_unlabelled",
                    "slice \(name) sets 'per_label' but the data has no labels",
                    "remove 'per_label' from the slice or set 'dataset.label_field'", [:])
            ]
        }
        for split in wanted {
            guard let size = sizes[split] else {
                out.append(
                    finding(
                        "slice_missing",
                        "slice \(name) requires split '\(split)' (\(requirement)), which is not among the inputs",
                        "add a '\(split)' file or narrow the slice's 'splits'", [:]))
                continue
            }
            if req.perLabel {
                var groups: [(label: LabelValue, n: Int, total: Int)] = []
                var inSlice = [Int](repeating: 0, count: labels.labels.count)
                var totals = [Int](repeating: 0, count: labels.labels.count)
                for range in ranges[split] ?? [] {
                    for p in range where labels.ids[p] >= 0 {
                        let l = Int(labels.ids[p])
                        totals[l] += 1
                        if memberships.contains(s, p) { inSlice[l] += 1 }
                    }
                }
                for l in totals.indices where totals[l] > 0 {
                    groups.append((labels.labels[l], inSlice[l], totals[l]))
                }
                for g in groups {
                    out += check(
                        req, count: g.n, of: g.total, name: name,
                        scope: "of label \(Format.label(g.label)) in '\(split)'",
                        requirement: requirement, finding: finding)
                }
            } else {
                out += check(
                    req, count: counts[split] ?? 0, of: size, name: name, scope: "in '\(split)'",
                    requirement: requirement, finding: finding)
            }
        }
        return out
    }

    /// The findings of one count against the requirements.
    private func check(
        _ req: SliceRequirements, count n: Int, of total: Int, name: String, scope: String,
        requirement: String,
        finding: (String, String, String, [String: Double]) -> Finding
    ) -> [Finding] {
        let share = total > 0 ? Double(n) / Double(total) : 0
        let m: [String: Double] = ["records": Double(n), "share": share, "total": Double(total)]
        let hint = "add examples of the slice, or check that its predicate selects what you mean"
        if n == 0 {
            return [
                finding(
                    "slice_missing",
                    "slice \(name) has no records \(scope), requires \(requirement)",
                    hint, m)
            ]
        }
        var out: [Finding] = []
        if let min = req.minCount, n < min {
            var message =
                "slice \(name) has \(Format.count(n, "record")) \(scope), below min_count \(min)"
            if min > total {
                message += "; there are only \(Format.count(total, "record")) \(scope)"
            }
            out.append(
                finding(
                    "slice_below_min_count", message, hint,
                    m.merging(["threshold": Double(min)]) { $1 }))
        }
        if let min = req.minShare, share < min {
            out.append(
                finding(
                    "slice_below_min_share",
                    "slice \(name) is \(Format.percent(share)) of the records \(scope) (\(n) of \(total)), below min_share \(Format.percent(min))",
                    hint, m.merging(["threshold": min]) { $1 }))
        }
        return out
    }

    private func requirementText(_ req: SliceRequirements) -> String {
        var parts: [String] = []
        if let n = req.minCount, n > 0 { parts.append("min_count \(n)") }
        if let s = req.minShare, s > 0 { parts.append("min_share \(Format.percent(s))") }
        return parts.joined(separator: " and ")
    }

    // MARK: - Tables

    private func splitTable(
        declared: [SliceDefinition], declaredCounts: [[SplitRole: Int]],
        automatic: AutomaticSlices, autoCounts: [SplitRole: [Int]], splits: [SplitRole],
        sizes: [SplitRole: Int]
    ) -> ReportTable {
        var columns = ["slice", "kind"]
        for split in splits { columns += [split.rawValue, "\(split) share"] }
        var rows: [[ReportCell]] = []
        func row(_ name: String, _ kind: String, _ count: (SplitRole) -> Int) -> [ReportCell] {
            var cells: [ReportCell] = [.text(name), .text(kind)]
            for split in splits {
                let n = count(split)
                let size = sizes[split] ?? 0
                cells += [.count(n), size > 0 ? .share(Double(n) / Double(size)) : .empty]
            }
            return cells
        }
        for (s, slice) in declared.enumerated() {
            rows.append(row(slice.name, "declared") { declaredCounts[s][$0] ?? 0 })
        }
        for (k, slice) in automatic.slices.enumerated() {
            rows.append(row(slice.name, "automatic") { autoCounts[$0]?[k] ?? 0 })
        }
        let b = automatic.quartileBounds
        return ReportTable(
            id: "coverage_by_split", title: "Slice coverage per split (records and share)",
            columns: columns, rows: rows,
            note:
                "length quartiles of training inputs in words: q1 ≤ \(b[0]), q2 ≤ \(b[1]), q3 ≤ \(b[2]), q4 > \(b[2])"
        )
    }

    private func labelTables(
        declared: [SliceDefinition], automatic: AutomaticSlices, memberships: SliceMemberships,
        masks: [UInt32], labels: LabelColumn, ranges: [Range<Int>]
    ) -> [ReportTable] {
        guard labels.hasLabelledFiles, !labels.labels.isEmpty else { return [] }
        let labelCount = labels.labels.count
        let sliceCount = declared.count + automatic.slices.count
        var counts = [Int](repeating: 0, count: labelCount * sliceCount)
        var totals = [Int](repeating: 0, count: labelCount)
        for range in ranges {
            for p in range where labels.ids[p] >= 0 {
                let l = Int(labels.ids[p])
                totals[l] += 1
                let row = l * sliceCount
                for s in declared.indices where memberships.contains(s, p) { counts[row + s] += 1 }
                var m = masks[p]
                while m != 0 {
                    counts[row + declared.count + m.trailingZeroBitCount] += 1
                    m &= m - 1
                }
            }
        }
        guard totals.contains(where: { $0 > 0 }) else { return [] }
        // Columns: declared slices, then automatic slices with a training record.
        var shown: [(name: String, column: Int)] = declared.enumerated().map { ($1.name, $0) }
        for (k, slice) in automatic.slices.enumerated() {
            let column = declared.count + k
            if (0..<labelCount).contains(where: { counts[$0 * sliceCount + column] > 0 }) {
                shown.append((slice.name, column))
            }
        }
        let order = (0..<labelCount).filter { totals[$0] > 0 }.sorted {
            totals[$0] != totals[$1]
                ? totals[$0] > totals[$1] : labels.labels[$0] < labels.labels[$1]
        }
        let kept = order.prefix(options.maxLabelRows)
        let rows: [[ReportCell]] = kept.map { l in
            [.text(labels.labels[l].text), .count(totals[l])]
                + shown.map { .count(counts[l * sliceCount + $0.column]) }
        }
        let cut = order.count - kept.count
        return [
            ReportTable(
                id: "coverage_by_label", title: "Slice coverage per label in training (records)",
                columns: ["label", "records"] + shown.map(\.name), rows: rows,
                note: cut > 0
                    ? "\(Format.count(cut, "label")) with fewer training records left out (max_label_rows \(options.maxLabelRows))"
                    : nil)
        ]
    }
}

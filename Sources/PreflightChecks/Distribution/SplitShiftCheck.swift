import Foundation
import PreflightCore

/// Compares every held-out split (validation, test, regression, custom) with training: the
/// label distribution (Jensen–Shannon divergence and a chi-square test of homogeneity), the
/// input-length distribution in words (two-sample Kolmogorov–Smirnov), training classes the
/// held-out split never contains and held-out classes training never contains, and the share
/// of every declared coverage slice and automatic slice (table `slice_shares`).
///
/// Why it matters: a held-out set only predicts production quality when it looks like the
/// data the model is trained for. A test set with a different class mix or much shorter
/// inputs gives a score for another task; a class it lacks is never evaluated, and a class
/// training lacks can only be scored wrong.
///
/// A shift is reported only when it is both *significant* (p-value below `min_p_value`) and
/// *large* (an effect size at or above a floor): with tens of thousands of records every
/// negligible difference is significant, and with a few dozen records a large-looking
/// divergence is often noise. A significant label shift with a JS divergence between
/// `min_js_effect` and `max_js_divergence` is an info finding; above `max_js_divergence` it
/// takes the check's severity.
///
/// Classes only one side has are always counted (`missing_classes.<split>`); findings for them
/// are off by default because `label_hygiene` already reports each such label, and can be
/// switched on (`missing_class_severity`, `unseen_class_severity`) for one finding per split.
///
/// Slice shares are compared like labels, one slice at a time (automatic length slices only
/// in the table: `length_shift` covers them): `slice_shift` when a slice's
/// share of a held-out split differs from training's by at least `min_slice_share_difference`
/// (10 points) *and* a two-proportion z-test gives p below `min_p_value`;
/// `slice_absent_from_heldout` when a declared slice training has is absent from a held-out
/// split that should hold at least `min_expected_slice_records` (3) of it. Both are info by
/// default (`slice_shift_severity`).
///
/// The chi-square test pools labels whose expected count is below 5 into one column
/// (Cochran's rule) instead of reporting an unreliable p-value; the split comparison table
/// says how many were pooled.
///
/// False positives: held-out sets that differ on purpose (a test set enriched with
/// out-of-scope queries or hard cases, a regression set of known failures); raise
/// `max_js_divergence` / `min_ks_effect` or disable the check for that rule file. Word
/// counts tie heavily, which makes the K–S p-value conservative (it under-reports).
///
/// - Complexity: O(records · input bytes) to count words, O(n log n) to sort lengths per
///   split, O(labels · splits) for the label statistics.
public struct SplitShiftCheck: Check {
    /// Effect-size and significance thresholds.
    public struct Options: CheckOptions {
        public var maxJSDivergence = 0.05
        public var minJSEffect = 0.01
        public var minPValue = 0.001
        public var minKSEffect = 0.1
        // Off by default: label_hygiene already reports each such label ('missing_in_heldout',
        // 'unseen_label'); a second finding per split would repeat them in every report.
        public var missingClassSeverity = FindingLevel.off
        public var unseenClassSeverity = FindingLevel.off
        // Info by default: a held-out split may over- or under-sample a slice on purpose
        // (a test set enriched with hard cases); the table always shows the shares.
        public var sliceShiftSeverity = FindingLevel.info
        public var minSliceShareDifference = 0.10
        public var minExpectedSliceRecords = 3.0

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "max_js_divergence", \.maxJSDivergence,
                doc:
                    "a significant label shift with a Jensen–Shannon divergence (base 2) above this takes the check's severity",
                check: OptionRules.share),
            OptionField(
                "min_js_effect", \.minJSEffect,
                doc:
                    "effect floor: a significant label shift with a smaller JS divergence is not reported (between this and max_js_divergence: info)",
                check: OptionRules.share),
            OptionField(
                "min_p_value", \.minPValue,
                doc:
                    "a shift is reported only when its chi-square or Kolmogorov–Smirnov p-value is below this",
                check: OptionRules.share),
            OptionField(
                "min_ks_effect", \.minKSEffect,
                doc:
                    "effect floor: a significant length shift is reported when the KS statistic D is at or above this",
                check: OptionRules.share),
            OptionField(
                "missing_class_severity", \.missingClassSeverity,
                doc:
                    "severity of one finding per held-out split naming the training classes it lacks (off, info, warning, error; capped by the check's severity); off by default because label_hygiene reports each such label"
            ),
            OptionField(
                "unseen_class_severity", \.unseenClassSeverity,
                doc:
                    "severity of one finding per held-out split naming its classes that training lacks (off, info, warning, error; capped by the check's severity); off by default because label_hygiene reports each such label"
            ),
            OptionField(
                "slice_shift_severity", \.sliceShiftSeverity,
                doc:
                    "severity of slice_shift (a slice's share of a held-out split differs from training's) and slice_absent_from_heldout (off, info, warning, error; capped by the check's severity)"
            ),
            OptionField(
                "min_slice_share_difference", \.minSliceShareDifference,
                doc:
                    "effect floor: a slice's share must differ by at least this (0.10: 10 percentage points) and its two-proportion z-test p-value be below min_p_value",
                check: OptionRules.share),
            OptionField(
                "min_expected_slice_records", \.minExpectedSliceRecords,
                doc:
                    "report a declared slice absent from a held-out split only when training's share × the split's size reaches this",
                check: { $0 >= 0 ? nil : "expected 0 or more, found \($0)" }),
        ]

        public func validate() throws(OptionsError) {
            guard minJSEffect <= maxJSDivergence else {
                throw OptionsError(
                    key: "min_js_effect",
                    "'min_js_effect' (\(minJSEffect)) must not be above 'max_js_divergence' (\(maxJSDivergence))"
                )
            }
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "split_shift", title: "Split shift",
        summary:
            "Flags held-out splits whose label, length or slice distribution differs from training, and classes only one side has.",
        category: .distribution, defaultSeverity: .warning,
        prerequisites: [.heldOutSets, .representative],
        examples: [
            .passes(
                jsonl: """
                    --- train.jsonl
                    {"text": "reset my password please", "label": "account"}
                    {"text": "where is my refund", "label": "billing"}
                    --- test.jsonl
                    {"text": "cannot log in today", "label": "account"}
                    {"text": "charged me twice", "label": "billing"}
                    """),
            .fails(
                jsonl: """
                    --- train.jsonl
                    {"text": "reset my password please", "label": "account"}
                    {"text": "where is my refund", "label": "billing"}
                    {"text": "parcel never arrived", "label": "shipping"}
                    --- test.jsonl
                    {"text": "cannot log in today", "label": "account"}
                    {"text": "charged me twice", "label": "billing"}
                    {"text": "do you sell gift cards", "label": "sales"}
                    """,
                findings: 2,
                options: "missing_class_severity: warning\nunseen_class_severity: warning"),
        ])

    /// The most labels the `label_distribution` table lists.
    static let maxTableLabels = 20

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// The reason the check is skipped without a held-out split: names the prerequisite, and
    /// leaves the finding itself to `volume` (`missing_heldout`).
    static let noHeldOutReason =
        "no held-out split to compare with training (prerequisite: held-out validation and "
        + "regression sets; 'volume' reports it): add one with --validation, --test or "
        + "--regression FILE"

    /// Compares each held-out split's labels and input lengths with training's.
    /// - Complexity: see the type.
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        guard dataset.hasTrain else {
            return .skipped("no training split to compare held-out splits with")
        }
        let heldOut = dataset.heldOutSplits
        guard !heldOut.isEmpty else { return .skipped(Self.noHeldOutReason) }
        let layout = input.index.value(ChecksIndex.layout)
        let column = input.index.value(ChecksIndex.labels)
        let trainCounts = column.counts(in: layout.ranges(of: .train, in: dataset))
        let labelled = column.hasLabelledFiles && trainCounts.contains { $0 > 0 }
        // The slice memberships (computed once per audit and shared with `coverage`) measure
        // every input's words: the length comparison reads them instead of counting again.
        let features = SliceMemberships.evaluated(input).features
        let trainLengths = Self.sortedWordCounts(
            dataset, .train, layout: layout, features: features)

        var comparisons: [Comparison] = []
        var findings: [Finding] = []
        var metrics: [String: Double] = [:]
        for split in heldOut {
            var c = Comparison(split: split, records: dataset.recordCount(in: split))
            metrics["records.\(split)"] = Double(c.records)
            guard c.records > 0 else {
                comparisons.append(c)
                continue
            }
            if labelled {
                let counts = column.counts(in: layout.ranges(of: split, in: dataset))
                if counts.contains(where: { $0 > 0 }) {
                    c.labelCounts = counts
                    let js = Statistics.jensenShannon(trainCounts, counts)
                    let chi = Statistics.chiSquareHomogeneity(trainCounts, counts)
                    c.js = js
                    c.chi = chi
                    c.missing = counts.indices.filter { trainCounts[$0] > 0 && counts[$0] == 0 }
                    c.unseen = counts.indices.filter { trainCounts[$0] == 0 && counts[$0] > 0 }
                    metrics["js_divergence.\(split)"] = js
                    if let p = chi.pValue { metrics["chi2_p.\(split)"] = p }
                    metrics["missing_classes.\(split)"] = Double(c.missing.count)
                    metrics["unseen_classes.\(split)"] = Double(c.unseen.count)
                }
            }
            let lengths = Self.sortedWordCounts(
                dataset, split, layout: layout, features: features)
            if !trainLengths.isEmpty {
                let d = Statistics.kolmogorovSmirnovStatistic(trainLengths, lengths)
                let p = Statistics.kolmogorovSmirnovPValue(d, trainLengths.count, lengths.count)
                c.ksD = d
                c.ksP = p
                c.medians = (Self.median(trainLengths), Self.median(lengths))
                metrics["ks_d.\(split)"] = d
                metrics["ks_p.\(split)"] = p
            }
            findings += shiftFindings(c, trainCounts: trainCounts, labels: column.labels)
            comparisons.append(c)
        }

        var tables: [ReportTable] = []
        if labelled {
            tables.append(
                Self.labelTable(comparisons, trainCounts: trainCounts, labels: column.labels))
        }
        tables.append(Self.comparisonTable(comparisons, trainRecords: trainLengths.count))
        let (counts, declaredCount) = Self.sliceCounts(input, layout: layout)
        let (shares, _) = Self.sliceShares(counts, minTrainShare: 0)
        findings += sliceFindings(shares, counts: counts, declaredCount: declaredCount)
        for share in shares {
            metrics["slice_share.\(share.slice).\(share.split)"] = share.heldOutShare
        }
        if !shares.isEmpty {
            tables.append(Self.sliceTable(counts, shares: shares, declaredCount: declaredCount))
        }
        return CheckOutcome(
            findings: findings, metrics: metrics, summary: Self.summary(comparisons),
            tables: tables)
    }

    // MARK: - Findings

    /// What was measured for one held-out split.
    struct Comparison {
        var split: SplitRole
        var records: Int
        var labelCounts: [Int]?
        var js: Double?
        var chi: Statistics.ChiSquareResult?
        var missing: [Int] = []
        var unseen: [Int] = []
        var ksD: Double?
        var ksP: Double?
        var medians: (train: Double, heldOut: Double)?
    }

    private func shiftFindings(
        _ c: Comparison, trainCounts: [Int], labels: [LabelValue]
    ) -> [Finding] {
        let id = Self.descriptor.id
        let split = c.split
        var findings: [Finding] = []
        if let js = c.js, let chi = c.chi, let p = chi.pValue, let counts = c.labelCounts,
            p < options.minPValue, js >= options.minJSEffect
        {
            let large = js > options.maxJSDivergence
            let bound =
                large
                ? "above 'max_js_divergence' \(Self.threshold(options.maxJSDivergence))"
                : "at or above 'min_js_effect' \(Self.threshold(options.minJSEffect)), "
                    + "not above 'max_js_divergence' \(Self.threshold(options.maxJSDivergence))"
            let contributors = Self.biggestContributors(
                trainCounts, counts, labels: labels, split: split)
            findings.append(
                Finding(
                    checkID: id, code: "label_shift",
                    severity: large ? Self.descriptor.defaultSeverity : .info,
                    message:
                        "label distribution of '\(split)' differs from training: JS divergence "
                        + "\(Self.decimal(js)) (\(bound)), chi-square \(Self.pText(p)) "
                        + "below 'min_p_value' \(Self.threshold(options.minPValue)); "
                        + contributors,
                    hint:
                        "sample '\(split)' to match training's class mix, or raise "
                        + "'max_js_divergence' if the difference is intended",
                    metrics: [
                        "js_divergence": js, "chi2": chi.statistic,
                        "chi2_df": Double(chi.degreesOfFreedom), "chi2_p": p,
                        "threshold": large ? options.maxJSDivergence : options.minJSEffect,
                    ]))
        }
        if let d = c.ksD, let p = c.ksP, let medians = c.medians, p < options.minPValue,
            d >= options.minKSEffect
        {
            findings.append(
                Finding(
                    checkID: id, code: "length_shift", severity: Self.descriptor.defaultSeverity,
                    message:
                        "input lengths of '\(split)' differ from training: KS D \(Self.decimal(d)) "
                        + "(at or above 'min_ks_effect' \(Self.threshold(options.minKSEffect))), "
                        + "\(Self.pText(p)) below 'min_p_value' \(Self.threshold(options.minPValue)); "
                        + "median \(Format.number(medians.heldOut)) words in '\(split)' vs "
                        + "\(Format.number(medians.train)) in training",
                    hint:
                        "check how '\(split)' was sampled: its inputs should be as long as the ones the model will see",
                    metrics: ["ks_d": d, "ks_p": p, "threshold": options.minKSEffect]))
        }
        if !c.missing.isEmpty, let severity = options.missingClassSeverity.severity {
            let trainTotal = trainCounts.reduce(0, +)
            let missingRecords = c.missing.reduce(0) { $0 + trainCounts[$1] }
            let classes = trainCounts.filter { $0 > 0 }.count
            let named = Self.names(c.missing, by: trainCounts, labels: labels, noun: "training")
            findings.append(
                Finding(
                    checkID: id, code: "class_missing_from_heldout", severity: severity,
                    message:
                        "'\(split)' has no records of \(c.missing.count) of \(Format.count(classes, "training class")) "
                        + "(\(Format.percent(Double(missingRecords) / Double(trainTotal))) of training records): "
                        + named,
                    hint: "add '\(split)' examples of these classes so they get evaluated",
                    metrics: [
                        "missing_classes": Double(c.missing.count),
                        "training_share": Double(missingRecords) / Double(trainTotal),
                    ]))
        }
        if !c.unseen.isEmpty, let severity = options.unseenClassSeverity.severity,
            let counts = c.labelCounts
        {
            let total = counts.reduce(0, +)
            let unseenRecords = c.unseen.reduce(0) { $0 + counts[$1] }
            let named = Self.names(c.unseen, by: counts, labels: labels, noun: "")
            findings.append(
                Finding(
                    checkID: id, code: "class_unseen_in_training", severity: severity,
                    message:
                        "'\(split)' has \(Format.count(c.unseen.count, "class")) that training never shows "
                        + "(\(Format.percent(Double(unseenRecords) / Double(total))) of its records): "
                        + named,
                    hint: "add training examples of these classes, or fix the held-out labels",
                    metrics: [
                        "unseen_classes": Double(c.unseen.count),
                        "heldout_share": Double(unseenRecords) / Double(total),
                    ]))
        }
        return findings
    }

    /// "'billing' is 31.0% of 'test' but 12.0% of training, …" for the (up to 3) labels whose
    /// shares differ most, largest difference first.
    static func biggestContributors(
        _ train: [Int], _ heldOut: [Int], labels: [LabelValue], split: SplitRole
    ) -> String {
        let t = Double(train.reduce(0, +))
        let h = Double(heldOut.reduce(0, +))
        let ranked = labels.indices.map { ($0, Double(heldOut[$0]) / h - Double(train[$0]) / t) }
            .sorted { abs($0.1) != abs($1.1) ? abs($0.1) > abs($1.1) : $0.0 < $1.0 }
        // The top contributor always; the next ones only while they still matter.
        let top = ranked.prefix(3).enumerated().filter {
            $0.offset == 0 || abs($0.element.1) >= 0.01
        }
        return top.map { _, entry in
            let l = entry.0
            return "\(Format.label(labels[l])) is \(Format.percent(Double(heldOut[l]) / h)) of "
                + "'\(split)' but \(Format.percent(Double(train[l]) / t)) of training"
        }.joined(separator: ", ")
    }

    /// Up to 5 quoted labels with their counts, most records first, then "and N more".
    private static func names(
        _ ids: [Int], by counts: [Int], labels: [LabelValue], noun: String
    ) -> String {
        let sorted = ids.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        let unit = noun.isEmpty ? "record" : "\(noun) record"
        var text = sorted.prefix(5).map {
            "\(Format.label(labels[$0])) (\(Format.count(counts[$0], unit)))"
        }.joined(separator: ", ")
        if sorted.count > 5 { text += " and \(sorted.count - 5) more" }
        return text
    }

    // MARK: - Tables

    /// Label shares per split: the labels that differ most from training (at most
    /// `maxTableLabels`), largest difference first.
    static func labelTable(
        _ comparisons: [Comparison], trainCounts: [Int], labels: [LabelValue]
    ) -> ReportTable {
        let withLabels = comparisons.filter { $0.labelCounts != nil }
        let trainTotal = Double(max(1, trainCounts.reduce(0, +)))
        let totals = withLabels.map { Double($0.labelCounts!.reduce(0, +)) }
        func share(_ c: Int, _ i: Int) -> Double {
            Double(withLabels[c].labelCounts![i]) / totals[c]
        }
        let present = labels.indices.filter { l in
            trainCounts[l] > 0 || withLabels.contains { $0.labelCounts![l] > 0 }
        }
        func largestDifference(_ l: Int) -> Double {
            let trainShare = Double(trainCounts[l]) / trainTotal
            var largest = 0.0
            for c in withLabels.indices { largest = max(largest, abs(share(c, l) - trainShare)) }
            return largest
        }
        let difference: [(label: Int, difference: Double)] = present.map {
            ($0, largestDifference($0))
        }.sorted { a, b in
            a.difference != b.difference ? a.difference > b.difference : a.label < b.label
        }
        let shown = difference.prefix(maxTableLabels)
        let rows: [[ReportCell]] = shown.map { l, _ in
            [ReportCell.text(labels[l].text), .share(Double(trainCounts[l]) / trainTotal)]
                + withLabels.indices.map { ReportCell.share(share($0, l)) }
        }
        var note = "share of each split's labelled records, largest difference from training first"
        if difference.count > shown.count {
            note += "; the \(shown.count) of \(difference.count) labels that differ most"
        }
        return ReportTable(
            id: "label_distribution", title: "Label shares: training vs held-out splits",
            columns: ["label", "train"] + withLabels.map(\.split.rawValue), rows: rows, note: note)
    }

    /// One row per held-out split: records, JS divergence, chi-square p, KS D and p.
    static func comparisonTable(_ comparisons: [Comparison], trainRecords: Int) -> ReportTable {
        func number(_ v: Double?) -> ReportCell { v.map { .number($0) } ?? .empty }
        let rows = comparisons.map { c in
            [
                ReportCell.text(c.split.rawValue), .count(c.records), number(c.js),
                number(c.chi?.pValue), number(c.ksD), number(c.ksP),
            ]
        }
        var notes = ["compared with \(Format.count(trainRecords, "training record"))"]
        for c in comparisons {
            if let chi = c.chi, chi.pooledCategories > 0 {
                notes.append(
                    "'\(c.split)': chi-square pooled \(Format.count(chi.pooledCategories, "label")) "
                        + "with expected counts below 5")
            }
        }
        return ReportTable(
            id: "split_comparison", title: "Held-out splits compared with training",
            columns: ["split", "records", "JS divergence", "chi-square p", "KS D", "KS p"],
            rows: rows, note: notes.joined(separator: "; "))
    }

    static func summary(_ comparisons: [Comparison]) -> String {
        var parts: [String] = []
        if let c = comparisons.filter({ $0.js != nil }).max(by: { $0.js! < $1.js! }) {
            parts.append("largest JS divergence \(decimal(c.js!)) ('\(c.split)')")
        }
        if let c = comparisons.filter({ $0.ksD != nil }).max(by: { $0.ksD! < $1.ksD! }) {
            parts.append("largest KS D \(decimal(c.ksD!)) ('\(c.split)')")
        }
        let head = "\(Format.count(comparisons.count, "held-out split")) compared with training"
        return parts.isEmpty ? head : head + ": " + parts.joined(separator: ", ")
    }

    // MARK: - Numbers

    /// A threshold as written in a rule file: `0.05`, `0.001`, `1e-06`.
    static func threshold(_ v: Double) -> String { String(format: "%g", v) }

    /// Three decimals, e.g. `0.080`.
    static func decimal(_ v: Double) -> String { String(format: "%.3f", v) }

    /// `p = 0.036`, `p = 2.1e-07`, or `p < 1e-300` when it underflows.
    static func pText(_ p: Double) -> String {
        p < 1e-300 ? "p < 1e-300" : "p = " + String(format: "%.2g", p)
    }

    /// The median of a sorted sample.
    static func median(_ sorted: [Int]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1
            ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
    }

    // MARK: - Word counts

    /// Input lengths in words of the records of a split, sorted.
    static func sortedWordCounts(_ dataset: Dataset, _ split: SplitRole) -> [Int] {
        var out: [Int] = []
        for file in dataset.files(in: split) {
            out.reserveCapacity(out.count + file.records.count)
            for record in file.records { out.append(wordCount(record.input)) }
        }
        out.sort()
        return out
    }

    /// `sortedWordCounts(_:_:)` from the inputs' measured features (`features[p]` for
    /// layout position `p`): an ASCII input's `TextFeatures.words` splits on the same six
    /// ASCII whitespace bytes as `wordCount`, so only inputs with a non-ASCII byte (where
    /// `TextFeatures` also splits on Unicode spaces) are counted again.
    /// - Complexity: O(records in the split + longest input in words), plus the bytes of the
    ///   non-ASCII inputs.
    static func sortedWordCounts(
        _ dataset: Dataset, _ split: SplitRole, layout: DatasetLayout, features: [TextFeatures]
    ) -> [Int] {
        var counts: [Int] = []
        for f in dataset.files.indices where dataset.files[f].split == split {
            let records = dataset.files[f].records
            let base = layout.offsets[f]
            counts.reserveCapacity(counts.count + records.count)
            for k in records.indices {
                let measured = features[base + k]
                counts.append(
                    measured.flags.contains(.nonASCII)
                        ? wordCount(records[k].input) : measured.words)
            }
        }
        return sortedCounts(counts)
    }

    /// Non-negative counts in ascending order: a counting sort when the largest is small
    /// next to the number of counts (word counts are), `sort()` otherwise.
    /// - Complexity: O(n + largest) or O(n log n).
    static func sortedCounts(_ counts: [Int]) -> [Int] {
        guard let largest = counts.max(), counts.min()! >= 0,
            largest <= 4 * counts.count + 4_096
        else { return counts.sorted() }
        var histogram = [Int](repeating: 0, count: largest + 1)
        histogram.withUnsafeMutableBufferPointer { h in
            for c in counts { h[c] += 1 }
        }
        return [Int](unsafeUninitializedCapacity: counts.count) { out, initialized in
            var k = 0
            for (value, n) in histogram.enumerated() where n > 0 {
                (out.baseAddress! + k).initialize(repeating: value, count: n)
                k += n
            }
            initialized = k
        }
    }

    /// The number of runs of non-whitespace bytes, counted on UTF-8 bytes without building
    /// substrings. Whitespace is ASCII (space, tab, line feed, carriage return, vertical tab,
    /// form feed); a non-ASCII space (U+00A0, U+3000) does not separate words.
    static func wordCount(_ text: String) -> Int {
        // Branch-free: a word starts at each non-space byte after a space (or at the start),
        // so the loop adds 0 or 1 instead of branching on every byte.
        func count<S: Sequence<UInt8>>(_ bytes: S) -> Int {
            var n = 0
            var previousSpace = 1
            for b in bytes {
                let space = (b == 0x20 ? 1 : 0) | (b &- 0x09 < 5 ? 1 : 0)
                n &+= previousSpace & (space ^ 1)
                previousSpace = space
            }
            return n
        }
        return text.utf8.withContiguousStorageIfAvailable { wordCount(bytes: $0) }
            ?? count(text.utf8)
    }

    /// `wordCount(_:)` of a slice of a text.
    static func wordCount(_ text: Substring) -> Int {
        var text = text
        return text.withUTF8 { wordCount(bytes: $0) }
    }

    /// `wordCount(_:)` of UTF-8 bytes, eight bytes per step: a mask of the whitespace bytes
    /// (exact for every byte value), the words starting in the step are the non-space bytes
    /// after a space, counted at once.
    static func wordCount(bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let p = bytes.baseAddress else { return 0 }
        let n = bytes.count
        var words = 0
        var previousSpace: UInt64 = 1  // whether the byte before is whitespace (or the start)
        var i = 0
        while i + 8 <= n {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            let space = whitespaceMask(w)
            let starts = ~space & (space << 8 | previousSpace << 7) & 0x8080_8080_8080_8080
            words &+= TextFeatures.Block.count(starts)
            previousSpace = space >> 63
            i += 8
        }
        while i < n {
            let b = p[i]
            let space: UInt64 = (b == 0x20 ? 1 : 0) | (b &- 0x09 < 5 ? 1 : 0)
            words &+= Int(previousSpace & (space ^ 1))
            previousSpace = space
            i += 1
        }
        return words
    }

    /// The high bit of each of the eight bytes of `w` that is a space, tab, line feed,
    /// vertical tab, form feed or carriage return; exact for every byte value (the low seven
    /// bits are tested apart from the high bit, so no carry crosses a byte).
    @inline(__always)
    static func whitespaceMask(_ w: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        let t = w & low
        let notHigh = ~w & high
        let y = t ^ (ones &* 0x20)  // zero where the byte is a space (with notHigh)
        let blank = ~(y &+ low) & notHigh
        let atLeast9 = (t &+ ones &* (0x80 - 0x09)) & high
        let atLeast14 = (t &+ ones &* (0x80 - 0x0E)) & high
        return blank | (atLeast9 & ~atLeast14 & notHigh)
    }

    // MARK: - Slice shares

    /// Records of the declared coverage slices (first `declaredCount` entries) and of the
    /// automatic slices per split, from the slice memberships shared with `coverage` and
    /// `failure_taxonomy` (the taxonomy's hidden slices are left out). Automatic slices use
    /// `coverage`'s default bounds for very short and very long inputs.
    /// - Complexity: O(records × slices / 64) for declared slices, O(records) for automatic ones.
    static func sliceCounts(_ input: CheckInput, layout: DatasetLayout)
        -> (SliceCounts, declaredCount: Int)
    {
        let dataset = input.dataset
        let declared = input.coverage.slices
        let memberships = SliceMemberships.evaluated(input)
        let ranges = Dictionary(
            uniqueKeysWithValues: dataset.splits.map { ($0, layout.ranges(of: $0, in: dataset)) })
        let defaults = CoverageCheck.Options()
        let automatic = AutomaticSlices(
            features: memberships.features, basis: ranges[.train] ?? [],
            veryShort: defaults.veryShortWords, veryLong: defaults.veryLongWords)
        let masks = automatic.masks(memberships.features)
        var counts = SliceCounts(
            slices: declared.map(\.name) + automatic.slices.map(\.name), counts: [:], totals: [:])
        for (split, r) in ranges {
            counts.counts[split] =
                declared.indices.map { memberships.count($0, in: r) }
                + automatic.counts(masks, in: r)
            counts.totals[split] = r.reduce(0) { $0 + $1.count }
        }
        return (counts, declared.count)
    }

    /// `slice_shift` for slices whose held-out share differs from training's by at least
    /// `min_slice_share_difference` with a two-proportion z-test p-value below `min_p_value`;
    /// `slice_absent_from_heldout` for declared slices training has and a held-out split lacks
    /// when it should hold at least `min_expected_slice_records` of them (automatic slices'
    /// absences are `coverage`'s `automatic_slice_absent`).
    func sliceFindings(_ shares: [SliceShare], counts: SliceCounts, declaredCount: Int)
        -> [Finding]
    {
        guard let severity = options.sliceShiftSeverity.severity,
            let trainTotal = counts.totals[.train]
        else { return [] }
        let declared = Set(counts.slices.prefix(declaredCount))
        var out: [Finding] = []
        for share in shares {
            let heldTotal = counts.totals[share.split] ?? 0
            let kind = declared.contains(share.slice) ? "slice" : "automatic slice"
            let name = Format.quoted(share.slice)
            if share.heldOutShare == 0, share.trainShare > 0, declared.contains(share.slice) {
                let expected = share.trainShare * Double(heldTotal)
                if expected >= options.minExpectedSliceRecords {
                    out.append(
                        Finding(
                            checkID: Self.descriptor.id, code: "slice_absent_from_heldout",
                            severity: severity,
                            message:
                                "\(kind) \(name) has no records in '\(share.split)', though it is "
                                + "\(Format.percent(share.trainShare)) of training (about "
                                + "\(Format.number(expected.rounded())) expected at that share)",
                            hint:
                                "add '\(share.split)' examples of the slice so the score covers it",
                            metrics: [
                                "training_share": share.trainShare, "expected": expected,
                                "threshold": options.minExpectedSliceRecords,
                            ]))
                    continue
                }
            }
            // Length slices only restate the Kolmogorov–Smirnov length test: no second finding.
            guard declared.contains(share.slice) || !Self.lengthSlices.contains(share.slice)
            else { continue }
            let difference = share.heldOutShare - share.trainShare
            guard abs(difference) >= options.minSliceShareDifference,
                let p = Self.twoProportionPValue(
                    share.trainShare, trainTotal, share.heldOutShare, heldTotal),
                p < options.minPValue
            else { continue }
            out.append(
                Finding(
                    checkID: Self.descriptor.id, code: "slice_shift", severity: severity,
                    message:
                        "\(kind) \(name) is \(Format.percent(share.heldOutShare)) of '\(share.split)' "
                        + "but \(Format.percent(share.trainShare)) of training (a difference of "
                        + "\(Format.number((abs(difference) * 1000).rounded() / 10)) points, at or above "
                        + "'min_slice_share_difference' \(Self.threshold(options.minSliceShareDifference))), "
                        + "two-proportion z-test \(Self.pText(p)) below 'min_p_value' "
                        + "\(Self.threshold(options.minPValue))",
                    hint:
                        "sample '\(share.split)' so the slice has training's share, or accept the "
                        + "difference if the held-out set over- or under-samples it on purpose",
                    metrics: [
                        "training_share": share.trainShare, "heldout_share": share.heldOutShare,
                        "p_value": p, "threshold": options.minSliceShareDifference,
                    ]))
        }
        return out
    }

    /// Automatic slices of input length, left to `length_shift`.
    static let lengthSlices: Set<String> = [
        "length_q1", "length_q2", "length_q3", "length_q4", "very_short", "very_long",
    ]

    /// The two-sided p-value of a two-proportion z-test (pooled standard error), or nil when
    /// a sample is empty or both proportions are 0 or 1.
    static func twoProportionPValue(_ p1: Double, _ n1: Int, _ p2: Double, _ n2: Int) -> Double? {
        guard n1 > 0, n2 > 0 else { return nil }
        let pooled = (p1 * Double(n1) + p2 * Double(n2)) / Double(n1 + n2)
        let variance = pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))
        guard variance > 0 else { return nil }
        let z = abs(p1 - p2) / variance.squareRoot()
        return erfc(z / 2.0.squareRoot())
    }

    /// Slice shares: one row per slice (declared first, then the automatic slices some split
    /// has), training's share and each held-out split's.
    static func sliceTable(_ counts: SliceCounts, shares: [SliceShare], declaredCount: Int)
        -> ReportTable
    {
        let splits = Array(Set(shares.map(\.split))).sorted()
        let trainTotal = Double(max(1, counts.totals[.train] ?? 1))
        // Declared slices always; automatic ones only when some split has a record of them.
        let shown = counts.slices.indices.filter { i in
            i < declaredCount || counts.counts.values.contains { $0[i] > 0 }
        }
        let rows: [[ReportCell]] = shown.map { i in
            let name = counts.slices[i]
            var row: [ReportCell] = [
                .text(name), .text(i < declaredCount ? "declared" : "automatic"),
                .share(Double(counts.counts[.train]?[i] ?? 0) / trainTotal),
            ]
            for split in splits {
                let share = shares.first { $0.slice == name && $0.split == split }
                row.append(share.map { .share($0.heldOutShare) } ?? .empty)
            }
            return row
        }
        return ReportTable(
            id: "slice_shares", title: "Slice shares: training vs held-out splits",
            columns: ["slice", "kind", "train"] + splits.map(\.rawValue), rows: rows,
            note: "share of each split's records in the slice (a record may be in several slices)")
    }

    /// Record counts of named slices per split, as coverage slices will provide them.
    struct SliceCounts {
        /// Slice names, in report order.
        var slices: [String]
        /// Per split: records in each slice (same order as `slices`).
        var counts: [SplitRole: [Int]]
        /// Per split: records in the split (a record may be in several slices or none).
        var totals: [SplitRole: Int]
    }

    /// One slice's share of training and of a held-out split.
    struct SliceShare: Equatable {
        var slice: String
        var split: SplitRole
        var trainShare: Double
        var heldOutShare: Double
    }

    /// Slice shares of training and each held-out split, and the slices that training has
    /// (at a share of at least `minTrainShare`) but a held-out split lacks entirely.
    /// - Complexity: O(slices · splits).
    static func sliceShares(
        _ counts: SliceCounts, minTrainShare: Double
    ) -> (shares: [SliceShare], missing: [SliceShare]) {
        guard let train = counts.counts[.train], let trainTotal = counts.totals[.train],
            trainTotal > 0
        else { return ([], []) }
        var shares: [SliceShare] = []
        for split in counts.counts.keys.filter(\.isHeldOut).sorted() {
            guard let held = counts.counts[split], let total = counts.totals[split], total > 0
            else { continue }
            for (i, name) in counts.slices.enumerated() {
                shares.append(
                    SliceShare(
                        slice: name, split: split,
                        trainShare: Double(train[i]) / Double(trainTotal),
                        heldOutShare: Double(held[i]) / Double(total)))
            }
        }
        let missing = shares.filter { $0.heldOutShare == 0 && $0.trainShare >= minTrainShare }
        return (shares, missing)
    }
}

import Dispatch
import PreflightCore

/// Flags splits with too few records: a training split below the profile's minimums, small
/// held-out splits, and a missing training or held-out split.
///
/// Why it matters: with too few examples a fine-tune memorizes instead of generalizing, and
/// without a held-out validation or regression set nobody can tell whether it helped.
///
/// False positives: counts are of well-formed records; a tiny smoke-test dataset trips the
/// minimums on purpose (lower them in the rules).
public struct VolumeCheck: Check {
    /// Record-count minimums.
    public struct Options: CheckOptions {
        /// Fewer training records than this is an error.
        public var minTrainError = 10
        /// Fewer training records than this is a warning.
        public var minTrainWarning = 100
        /// Fewer records than this in a held-out split is a warning.
        public var minHeldoutWarning = 20
        /// Severity when no held-out split exists (`off` to allow it).
        public var missingHeldout = FindingLevel.warning

        public init() {}

        public static let fields: [OptionField<Options>] = [
            OptionField(
                "min_train_error", \.minTrainError,
                doc: "fewer training records than this is an error", check: OptionRules.nonNegative),
            OptionField(
                "min_train_warning", \.minTrainWarning,
                doc: "fewer training records than this is a warning", check: OptionRules.nonNegative
            ),
            OptionField(
                "min_heldout_warning", \.minHeldoutWarning,
                doc: "fewer records than this in a held-out split is a warning",
                check: OptionRules.nonNegative),
            OptionField(
                "missing_heldout", \.missingHeldout,
                doc:
                    "severity when there is no validation, test or regression split (off, info, warning, error)"
            ),
        ]

        public func validate() throws(OptionsError) {
            guard minTrainError < minTrainWarning else {
                throw OptionsError(
                    key: "min_train_error",
                    "'min_train_error' (\(minTrainError)) must be below 'min_train_warning' (\(minTrainWarning))"
                )
            }
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "volume", title: "Volume",
        summary: "Flags training and held-out splits with fewer records than the profile requires.",
        category: .volume, defaultSeverity: .error, prerequisites: [.enoughExamples, .heldOutSets],
        codePrerequisites: [
            "missing_train": [.enoughExamples], "too_few_train": [.enoughExamples],
            "too_few_heldout": [.heldOutSets], "missing_heldout": [.heldOutSets],
        ],
        examples: [
            .passes(
                jsonl: """
                    --- train.jsonl
                    {"text": "a", "label": "x"}
                    {"text": "b", "label": "y"}
                    --- validation.jsonl
                    {"text": "c", "label": "x"}
                    """,
                options: "min_train_error: 1\nmin_train_warning: 2\nmin_heldout_warning: 1"),
            .fails(
                jsonl: """
                    {"text": "a", "label": "x"}
                    {"text": "b", "label": "y"}
                    """,
                findings: 2),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Compares per-split record counts with the minimums, and counts input lengths for the
    /// `length_histogram` table.
    /// - Complexity: O(total input bytes), for the length histogram.
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let id = Self.descriptor.id
        var findings: [Finding] = []
        var metrics: [String: Double] = [:]
        var total = 0
        for split in dataset.splits {
            let n = dataset.recordCount(in: split)
            metrics["records.\(split)"] = Double(n)
            total += n
        }
        metrics["records.total"] = Double(total)

        if !dataset.hasTrain {
            findings.append(
                Finding(
                    checkID: id, code: "missing_train", severity: .error,
                    message: "no training split: none of the inputs is a 'train' file",
                    hint: "pass the training file with '--train FILE' or name it 'train*'"))
        } else {
            let n = dataset.recordCount(in: .train)
            let (severity, threshold): (Severity?, Int) =
                n < options.minTrainError
                ? (.error, options.minTrainError)
                : n < options.minTrainWarning ? (.warning, options.minTrainWarning) : (nil, 0)
            if let severity {
                findings.append(
                    Finding(
                        checkID: id, code: "too_few_train", severity: severity,
                        message: "training split has \(Format.count(n, "record")), below "
                            + "'\(severity == .error ? "min_train_error" : "min_train_warning")' \(threshold)",
                        hint: "collect or label more training examples before fine-tuning",
                        metrics: ["records": Double(n), "threshold": Double(threshold)]))
            }
        }

        let heldOut = dataset.heldOutSplits
        for split in heldOut {
            let n = dataset.recordCount(in: split)
            if n < options.minHeldoutWarning {
                findings.append(
                    Finding(
                        checkID: id, code: "too_few_heldout", severity: .warning,
                        message:
                            "held-out split '\(split)' has \(Format.count(n, "record")), below "
                            + "'min_heldout_warning' \(options.minHeldoutWarning)",
                        hint: "add records to '\(split)' so its scores are not dominated by noise",
                        metrics: [
                            "records": Double(n), "threshold": Double(options.minHeldoutWarning),
                        ]))
            }
        }
        if heldOut.isEmpty, let severity = options.missingHeldout.severity {
            findings.append(
                Finding(
                    checkID: id, code: "missing_heldout", severity: severity,
                    message:
                        "no held-out validation or regression set: every input is training data",
                    hint:
                        "add one with '--validation FILE' or a 'val*' file next to the training file"
                ))
        }

        // Files that share a name prefix ('train.jsonl', 'train_small.jsonl') may be
        // alternative versions rather than parts of one split: say that they were combined.
        for split in dataset.splits {
            let files = dataset.files(in: split)
            guard files.count > 1, files.contains(where: { $0.splitSource.hasPrefix("file name") })
            else { continue }
            let names = files.map { "'\($0.path)'" }.joined(separator: ", ")
            findings.append(
                Finding(
                    checkID: id, code: "combined_files", severity: .info,
                    message:
                        "split '\(split)' combines \(files.count) files by their names: \(names)",
                    hint:
                        "if they are alternative versions, audit each on its own with '--\(split) FILE'",
                    metrics: ["files": Double(files.count)]))
        }

        let parts = dataset.splits.map { "\($0) \(dataset.recordCount(in: $0))" }
        let summary = parts.isEmpty ? "no records" : "records: " + parts.joined(separator: ", ")
        return CheckOutcome(
            findings: findings, metrics: metrics, summary: summary,
            tables: dataset.splits.isEmpty
                ? []
                : [Self.lengthHistogram(dataset, layout: input.index.value(ChecksIndex.layout))])
    }

    // MARK: - Length histogram

    /// Lower bounds of the length bins, in words; the last bin is open.
    static let lengthBins = [0, 5, 10, 20, 50, 100, 200, 500]

    /// The bin of a length in words.
    static func lengthBin(_ words: Int) -> Int {
        var bin = 0
        while bin + 1 < lengthBins.count && words >= lengthBins[bin + 1] { bin += 1 }
        return bin
    }

    /// "0–4", …, "500+".
    static func lengthBinName(_ bin: Int) -> String {
        bin + 1 < lengthBins.count
            ? "\(lengthBins[bin])–\(lengthBins[bin + 1] - 1)" : "\(lengthBins[bin])+"
    }

    /// Records per input length bin (words, as `split_shift` counts them) and split: one row
    /// per bin, one column per split.
    /// - Complexity: O(total input bytes), one pass, parallel over chunks of records.
    static func lengthHistogram(_ dataset: Dataset, layout: DatasetLayout) -> ReportTable {
        let splits = dataset.splits
        let splitOfFile = dataset.files.map { file in splits.firstIndex(of: file.split) ?? 0 }
        let width = lengthBins.count
        let chunk = 16_384
        let chunks = (layout.count + chunk - 1) / chunk
        // Per chunk: counts[split * width + bin].
        var parts = [[Int]](repeating: [], count: chunks)
        parts.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let target = SendableBuffer(base: base)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var counts = [Int](repeating: 0, count: splits.count * width)
                layout.forEachRun(in: layout.chunk(c, size: chunk), of: dataset) {
                    f, records, first, positions in
                    let row = splitOfFile[f] * width
                    for q in positions {
                        let words = SplitShiftCheck.wordCount(records[q - first].input)
                        counts[row + lengthBin(words)] += 1
                    }
                }
                target.base[c] = counts
            }
        }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: width), count: splits.count)
        for part in parts {
            for s in splits.indices {
                for b in 0..<width { counts[s][b] += part[s * width + b] }
            }
        }
        // Empty bins at either end are left out (a short-text dataset would otherwise list
        // five rows of zeros); empty bins between others stay, so the shape is honest.
        let used = lengthBins.indices.filter { bin in
            splits.indices.contains { counts[$0][bin] > 0 }
        }
        let shown = used.isEmpty ? 0..<0 : used[0]..<(used[used.count - 1] + 1)
        return ReportTable(
            id: "length_histogram", title: "Input length per split (records by words)",
            columns: ["words"] + splits.map(\.rawValue),
            rows: shown.map { bin in
                [.text(lengthBinName(bin))] + splits.indices.map { .count(counts[$0][bin]) }
            },
            note: "words are runs of non-whitespace characters of the input the model sees; "
                + "empty bins at either end are left out")
    }
}

import PreflightCore

/// Flags records whose normalized key repeats an earlier record of the same split.
///
/// The key is the input for classification and text data and the whole example for
/// generative shapes (`key: auto`), compared after `normalize` (default NFKC, case folding,
/// whitespace collapse) by 64-bit XXH64 hash. One finding per later copy, related to the
/// first occurrence; files of a split are compared with each other in input order.
///
/// Why it matters: duplicates over-weight some examples, waste budget, inflate apparent
/// data size and, across splits, scores (see `split_leakage`).
///
/// False positives: short inputs that legitimately repeat ('yes', 'thanks') with different
/// targets are duplicates under `key: input`; with a 64-bit hash, an unrelated collision
/// is possible but vanishingly rare (≈3·10⁻⁸ per million distinct texts).
/// - Complexity: O(n log n) in the number of records, hashing shared with other checks.
public struct ExactDuplicatesCheck: Check {
    /// Key, normalization and share thresholds.
    public struct Options: CheckOptions {
        public var key = KeyField.auto
        public var normalize = Normalization.standard
        public var warningShare = 0.0
        public var errorShare = 0.05

        public init() {}

        public static let fields: [OptionField<Options>] = [
            .key(\.key),
            .normalize(\.normalize),
            OptionField(
                "warning_share", \.warningShare,
                doc:
                    "duplicates are warnings when a split's duplicate share exceeds this (0: any duplicate)",
                check: OptionRules.share),
            OptionField(
                "error_share", \.errorShare,
                doc: "duplicates are errors when a split's duplicate share is at or above this",
                check: OptionRules.share),
        ]

        public func validate() throws(OptionsError) {
            try OptionRules.orderedShares(warning: warningShare, error: errorShare)
        }
    }

    public static let descriptor = CheckDescriptor(
        id: "exact_duplicates", title: "Exact duplicates",
        summary:
            "Flags records that repeat an earlier record of the same split after normalization.",
        category: .duplicates, defaultSeverity: .error, prerequisites: [.enoughExamples],
        examples: [
            .passes(
                jsonl: """
                    {"text": "hello there", "label": "greeting"}
                    {"text": "hello, there", "label": "greeting"}
                    """),
            .fails(
                jsonl: """
                    {"text": "Hello  there", "label": "greeting"}
                    {"text": "goodbye", "label": "farewell"}
                    ↓{"text": "hello there ", "label": "greeting"}
                    """),
            .fails(
                jsonl: """
                    --- train.jsonl
                    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
                    ↓{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "HELLO!"}]}
                    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hey."}]}
                    """),
        ])

    let options: Options
    /// A check with the given options.
    public init(options: Options) { self.options = options }

    /// Groups each split's records by normalized key hash.
    /// - Complexity: O(n log n) in the number of records.
    public func run(_ input: CheckInput) -> CheckOutcome {
        let dataset = input.dataset
        let id = Self.descriptor.id
        let spec = KeySpec(options.key, options.normalize, dataset: dataset)
        let groups = ChecksIndex.groups(spec, in: input.index)
        let layout = input.index.value(ChecksIndex.layout)
        var candidates: [FindingCandidate] = []
        var details: [(first: Int32, size: Int, message: String)] = []
        var metrics: [String: Double] = [:]
        var totalDuplicates = 0
        var totalGroups = 0
        var parts: [String] = []
        for split in dataset.splits {
            let n = dataset.recordCount(in: split)
            var duplicates = 0
            var groupCount = 0
            var pairs: [(later: Int32, first: Int32, size: Int)] = []
            groups.runs(in: split) { run in
                groupCount += 1
                duplicates += run.count - 1
                let firstPosition = run.first!
                for p in run.dropFirst() { pairs.append((p, firstPosition, run.count)) }
            }
            let share = n == 0 ? 0 : Double(duplicates) / Double(n)
            metrics["duplicate_records.\(split)"] = Double(duplicates)
            metrics["duplicate_groups.\(split)"] = Double(groupCount)
            metrics["duplicate_share.\(split)"] = share
            totalDuplicates += duplicates
            totalGroups += groupCount
            if duplicates > 0 { parts.append("\(split) \(duplicates)") }
            let severity: Severity =
                share >= options.errorShare
                ? .error : share > options.warningShare ? .warning : .info
            let shareText = Format.percent(share)
            let (key, threshold) =
                severity == .error
                ? ("error_share", options.errorShare) : ("warning_share", options.warningShare)
            let comparison =
                severity == .info ? "not above" : severity == .error ? "at or above" : "above"
            let tail =
                "; '\(split)' has \(Format.count(duplicates, "duplicate record")) "
                + "(\(shareText)), \(comparison) '\(key)' \(Format.percent(threshold))"
            for (later, firstPosition, size) in pairs {
                let field = spec.fields[layout.file(of: Int(later))]
                candidates.append(
                    FindingCandidate(
                        code: field == .input ? "duplicate_input" : "duplicate_example",
                        severity: severity, position: Int(later)))
                details.append((firstPosition, size, tail))
            }
        }
        // Built only for the findings the report lists: a file of one line repeated is a
        // finding per record.
        let (listed, summaries) = FindingLimit.plan(
            candidates, limit: input.findingLimit, checkID: id, dataset: dataset, layout: layout)
        var findings = summaries
        for i in listed {
            let (candidate, detail) = (candidates[i], details[i])
            let what = candidate.code == "duplicate_input" ? "input" : "example"
            findings.append(
                Finding(
                    checkID: id, code: candidate.code, severity: candidate.severity,
                    message: "\(what) repeats an earlier record (group of \(detail.size))"
                        + detail.message,
                    hint: "remove this copy or make it a distinct example",
                    location: dataset.location(of: layout.ref(candidate.position)),
                    related: [dataset.location(at: detail.first, layout)]))
        }
        let total = layout.count
        metrics["duplicate_records"] = Double(totalDuplicates)
        metrics["duplicate_groups"] = Double(totalGroups)
        metrics["duplicate_share"] = total == 0 ? 0 : Double(totalDuplicates) / Double(total)
        let summary =
            totalDuplicates == 0
            ? "no duplicates"
            : "\(Format.count(totalDuplicates, "duplicate record")) in "
                + "\(Format.count(totalGroups, "group")) (\(parts.joined(separator: ", ")))"
        return CheckOutcome(findings: findings, metrics: metrics, summary: summary)
    }
}

import Foundation

/// What changed between two audits of a dataset (`preflight diff OLD.json NEW.json`).
///
/// Built from two `AuditReport`s, e.g. read back with `JSONReportReader`: the verdict and the
/// finding counts, the input files, the records of each split (added and removed, from the
/// record sketches), the label distribution of each split, and the findings paired with
/// `FindingComparison`, with new and fixed duplicates and leaks listed.
public struct ReportDiff: Sendable {
    /// The most findings each list (new duplicates, fixed leaks, …) keeps; `total` counts all.
    public static let listLimit = 20
    /// The checks whose findings are duplicates.
    public static let duplicateChecks: Set<CheckID> = ["exact_duplicates", "near_duplicates"]
    /// The checks whose findings are leaks between splits.
    public static let leakChecks: Set<CheckID> = ["split_leakage"]

    /// A value in the old and in the new report.
    public struct Change<Value: Sendable & Equatable>: Sendable, Equatable {
        /// The value in the old report.
        public var old: Value
        /// The value in the new report.
        public var new: Value

        /// A pair of values.
        public init(old: Value, new: Value) {
            self.old = old
            self.new = new
        }

        /// True when the two differ.
        public var changed: Bool { old != new }
    }

    /// How one input file changed, matched by path.
    public enum FileStatus: String, Sendable, Equatable {
        /// Only in the new report.
        case added
        /// Only in the old report.
        case removed
        /// In both, with another SHA-256.
        case changed
        /// In both, with the same SHA-256.
        case unchanged
    }

    /// One input file in either report.
    public struct FileChange: Sendable, Equatable {
        /// The path as the reports name it.
        public var path: String
        /// The split of the new report's file (the old one's for a removed file).
        public var split: String
        public var status: FileStatus
        /// SHA-256 in the old and new report (nil where the file is absent).
        public var sha256: Change<String?>
        /// Well-formed records in the old and new report (nil where the file is absent).
        public var records: Change<Int?>
    }

    /// One label of a split.
    public struct LabelChange: Sendable, Equatable {
        /// The label as the reports name it.
        public var label: String
        /// Records with the label (0 where absent).
        public var count: Change<Int>
        /// The label's share of the split's labelled records (0 when it has none).
        public var share: Change<Double>
    }

    /// One split in either report.
    public struct SplitChange: Sendable, Equatable {
        /// The split role.
        public var split: String
        /// Well-formed records (0 where the split is absent).
        public var records: Change<Int>
        /// Malformed records (0 where the split is absent).
        public var malformed: Change<Int>
        /// Distinct records added and removed, or nil when a report has no record sketch.
        public var change: RecordSketch.Change?
        /// Why `change` is nil ("the old report has no record sketch").
        public var unknownReason: String?
        /// Every label of either report, sorted by label.
        public var labels: [LabelChange]
        /// Jensen–Shannon divergence (base 2, in [0, 1]) between the two label
        /// distributions; nil when either side has no labelled records.
        public var divergence: Double?
    }

    /// The findings of one check, paired.
    public struct CheckChange: Sendable, Equatable {
        /// The check.
        public var check: CheckID
        /// Its findings in each report.
        public var counts: Change<Int>
        /// New findings: no old finding matches.
        public var new = 0
        /// Findings that match an old finding of lower severity.
        public var worse = 0
        /// Findings that match an old finding of the same severity.
        public var unchanged = 0
        /// Findings that match an old finding of higher severity.
        public var improved = 0
        /// Old findings that no new finding matches.
        public var fixed = 0
    }

    /// A bounded list of findings: the first `listLimit` in report order, and how many.
    public struct FindingList: Sendable, Equatable {
        /// The first `listLimit` findings, in report order.
        public var findings: [Finding]
        /// How many findings the list has in all, a summary of findings not listed one by
        /// one counting as the findings it stands for.
        public var total: Int

        init(_ all: [Finding]) {
            findings = Array(all.prefix(ReportDiff.listLimit))
            total = all.weightedCount
        }
    }

    /// The verdict of each report.
    public var verdict: Change<Verdict>
    /// Findings per severity (every severity present, 0 when none).
    public var counts: Change<[Severity: Int]>
    /// The Preflight version that wrote each report.
    public var toolVersion: Change<String>
    /// The digest of each report's effective rules (empty when unknown).
    public var rulesDigest: Change<String>
    /// When each report was written, when it says.
    public var generatedAt: Change<String?>
    /// Every input of either report, by split then path.
    public var files: [FileChange]
    /// Every split of either report, in split order.
    public var splits: [SplitChange]
    /// Every check with findings in either report, by check id.
    public var checks: [CheckChange]
    /// How many of the new report's findings are new, worse, unchanged and improved.
    public var totals: [FindingChange: Int]
    /// How many of the old report's findings no new finding matches.
    public var fixedCount: Int
    /// New findings of `duplicateChecks`.
    public var newDuplicates: FindingList
    /// Old findings of `duplicateChecks` that no new finding matches.
    public var fixedDuplicates: FindingList
    /// New findings of `leakChecks`.
    public var newLeaks: FindingList
    /// Old findings of `leakChecks` that no new finding matches.
    public var fixedLeaks: FindingList

    /// True when both reports have a rules digest and they differ: findings may differ
    /// because the rules did.
    public var rulesChanged: Bool {
        !rulesDigest.old.isEmpty && !rulesDigest.new.isEmpty && rulesDigest.changed
    }

    /// Compares two reports of the same dataset.
    /// - Parameters:
    ///   - old: the earlier report.
    ///   - new: the later report.
    /// - Complexity: O(n + m) expected in the findings of both, plus O(k) per split.
    public init(old: AuditReport, new: AuditReport) {
        func severityCounts(_ report: AuditReport) -> [Severity: Int] {
            let counts = report.counts
            return Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0, counts[$0] ?? 0) })
        }
        verdict = Change(old: old.verdict, new: new.verdict)
        counts = Change(old: severityCounts(old), new: severityCounts(new))
        toolVersion = Change(old: old.metadata.toolVersion, new: new.metadata.toolVersion)
        rulesDigest = Change(old: old.metadata.rulesDigest, new: new.metadata.rulesDigest)
        generatedAt = Change(old: old.metadata.generatedAt, new: new.metadata.generatedAt)
        files = Self.files(old: old.inputs, new: new.inputs)
        splits = Self.splits(old: old.statistics, new: new.statistics)

        let comparison = FindingComparison(baseline: old.findings, current: new.findings)
        let oldPerCheck = old.findings.reduce(into: [CheckID: Int]()) {
            $0[$1.checkID, default: 0] += $1.weight
        }
        let newPerCheck = new.findings.reduce(into: [CheckID: Int]()) {
            $0[$1.checkID, default: 0] += $1.weight
        }
        var byCheck: [CheckID: CheckChange] = [:]
        func entry(_ id: CheckID) -> CheckChange {
            byCheck[id]
                ?? CheckChange(
                    check: id, counts: Change(old: oldPerCheck[id] ?? 0, new: newPerCheck[id] ?? 0))
        }
        var newFindings: [Finding] = []
        for (finding, change) in zip(new.findings, comparison.changes) {
            var row = entry(finding.checkID)
            switch change {
            case .new:
                row.new += 1
                newFindings.append(finding)
            case .worse: row.worse += 1
            case .unchanged: row.unchanged += 1
            case .improved: row.improved += 1
            }
            byCheck[finding.checkID] = row
        }
        for finding in comparison.fixed {
            var row = entry(finding.checkID)
            row.fixed += 1
            byCheck[finding.checkID] = row
        }
        checks = byCheck.values.sorted { $0.check < $1.check }
        totals = comparison.counts
        fixedCount = comparison.fixed.count
        newDuplicates = FindingList(
            newFindings.filter { Self.duplicateChecks.contains($0.checkID) })
        fixedDuplicates = FindingList(
            comparison.fixed.filter { Self.duplicateChecks.contains($0.checkID) })
        newLeaks = FindingList(newFindings.filter { Self.leakChecks.contains($0.checkID) })
        fixedLeaks = FindingList(comparison.fixed.filter { Self.leakChecks.contains($0.checkID) })
    }

    // MARK: - Inputs

    private static func files(old: [InputSummary], new: [InputSummary]) -> [FileChange] {
        let oldByPath = Dictionary(old.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let newPaths = Set(new.map(\.path))
        var result: [FileChange] = []
        var seen: Set<String> = []
        for input in new where seen.insert(input.path).inserted {
            let before = oldByPath[input.path]
            let status: FileStatus =
                before == nil
                ? .added : before?.sha256 == input.sha256 ? .unchanged : .changed
            result.append(
                FileChange(
                    path: input.path, split: input.split, status: status,
                    sha256: Change(old: before?.sha256, new: input.sha256),
                    records: Change(old: before?.records, new: input.records)))
        }
        for input in old where !newPaths.contains(input.path) && seen.insert(input.path).inserted {
            result.append(
                FileChange(
                    path: input.path, split: input.split, status: .removed,
                    sha256: Change(old: input.sha256, new: nil),
                    records: Change(old: input.records, new: nil)))
        }
        return result.sorted {
            $0.split != $1.split
                ? SplitRole($0.split) < SplitRole($1.split) : $0.path < $1.path
        }
    }

    // MARK: - Splits

    private static func splits(old: [SplitStatistics], new: [SplitStatistics]) -> [SplitChange] {
        let oldBySplit = Dictionary(old.map { ($0.split, $0) }, uniquingKeysWith: { a, _ in a })
        let newBySplit = Dictionary(new.map { ($0.split, $0) }, uniquingKeysWith: { a, _ in a })
        let names = Set(oldBySplit.keys).union(newBySplit.keys).sorted {
            SplitRole($0) < SplitRole($1)
        }
        return names.map { name in
            split(name, old: oldBySplit[name], new: newBySplit[name])
        }
    }

    private static func split(
        _ name: String, old: SplitStatistics?, new: SplitStatistics?
    ) -> SplitChange {
        // An absent split has no records: its sketch is empty, and so exact.
        let empty = RecordSketch(distinct: 0, hashes: [])
        let oldSketch = old == nil ? empty : old?.sketch
        let newSketch = new == nil ? empty : new?.sketch
        var change: RecordSketch.Change?
        var reason: String?
        if let oldSketch, let newSketch {
            change = RecordSketch.compare(old: oldSketch, new: newSketch)
        } else {
            reason =
                oldSketch == nil && newSketch == nil
                ? "neither report has a record sketch"
                : oldSketch == nil
                    ? "the old report has no record sketch" : "the new report has no record sketch"
        }
        let oldLabels = Dictionary(
            (old?.labels ?? []).map { ($0.label, $0.count) }, uniquingKeysWith: +)
        let newLabels = Dictionary(
            (new?.labels ?? []).map { ($0.label, $0.count) }, uniquingKeysWith: +)
        let oldTotal = oldLabels.values.reduce(0, +)
        let newTotal = newLabels.values.reduce(0, +)
        let labels = Set(oldLabels.keys).union(newLabels.keys).sorted().map { label in
            let before = oldLabels[label] ?? 0
            let after = newLabels[label] ?? 0
            return LabelChange(
                label: label, count: Change(old: before, new: after),
                share: Change(
                    old: oldTotal == 0 ? 0 : Double(before) / Double(oldTotal),
                    new: newTotal == 0 ? 0 : Double(after) / Double(newTotal)))
        }
        let divergence =
            oldTotal == 0 || newTotal == 0
            ? nil
            : jensenShannon(labels.map(\.share.old), labels.map(\.share.new))
        return SplitChange(
            split: name, records: Change(old: old?.records ?? 0, new: new?.records ?? 0),
            malformed: Change(old: old?.malformed ?? 0, new: new?.malformed ?? 0),
            change: change, unknownReason: reason, labels: labels, divergence: divergence)
    }

    /// The Jensen–Shannon divergence of two distributions over the same outcomes, in bits
    /// (0: identical, 1: disjoint).
    /// - Complexity: O(n) in the number of outcomes.
    public static func jensenShannon(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "distributions over the same outcomes")
        var total = 0.0
        for (a, b) in zip(p, q) {
            let m = (a + b) / 2
            if a > 0 { total += a * log2(a / m) }
            if b > 0 { total += b * log2(b / m) }
        }
        // Rounding can leave a tiny negative value for identical distributions.
        return min(1, max(0, total / 2))
    }
}

/// How many findings of one kind a report lists one by one, and the findings that stand for
/// the rest.
///
/// A hostile or badly broken dataset can give a finding per record: 3 million copies of one
/// line are 3 million duplicate findings, gigabytes of memory and of report that nobody reads.
/// The auditor lists the first `limit` findings of each check and code in report order and
/// counts the rest in one **summary finding** per code, severity and file: same check, code
/// and severity, the file as its location (no line), and `omittedMetric` in its metrics
/// holding how many findings it stands for. Counts, statuses, the verdict and the exit code
/// weigh a summary by that number (`Finding.weight`), so they stay exact.
public enum FindingLimit {
    /// The default: far above what a readable dataset gives (the 1.1M-record benchmark's
    /// largest code has 19,874 findings), far below what exhausts memory.
    public static let defaultPerCode = 100_000

    /// The metric of a summary finding: how many findings it stands for.
    public static let omittedMetric = "omitted_findings"

    /// `findings` (one check's) with at most `limit` findings of each code listed: the first
    /// in report order; the rest become summary findings. Findings that are summaries already
    /// pass through and do not count toward the limit. The order of the result is not
    /// defined (the auditor sorts the report).
    /// - Complexity: O(n) when no code is over the limit; else O(m log m) for the m findings
    ///   of the codes over it.
    public static func apply(_ findings: [Finding], limit: Int) -> [Finding] {
        guard limit > 0, findings.count > limit else { return findings }
        var perCode: [String: Int] = [:]
        for finding in findings where finding.weight == 1 {
            perCode[finding.code, default: 0] += 1
        }
        let over = Set(perCode.filter { $0.value > limit }.keys)
        guard !over.isEmpty else { return findings }
        var kept: [Finding] = []
        var capped: [String: [Finding]] = [:]
        for finding in findings {
            if finding.weight == 1, over.contains(finding.code) {
                capped[finding.code, default: []].append(finding)
            } else {
                kept.append(finding)
            }
        }
        for code in over.sorted() {
            let ordered = Finding.sortedForReport(capped.removeValue(forKey: code)!)
            kept += ordered.prefix(limit)
            kept += summaries(of: ordered.dropFirst(limit), code: code, limit: limit)
        }
        return kept
    }

    /// The summary finding of `count` findings of one check, code and severity not listed one
    /// by one, all in the file of `location` (nil: dataset-level findings).
    public static func summary(
        checkID: CheckID, code: String, severity: Severity, file location: DataLocation?,
        count: Int, limit: Int
    ) -> Finding {
        let place = location.map { " in '\($0.path)'" } ?? ""
        let noun = severity.rawValue + (count == 1 ? "" : "s")
        return Finding(
            checkID: checkID, code: code, severity: severity,
            message: "\(count) more '\(code)' \(noun)\(place) not listed one by one: "
                + "reports list the first \(limit) findings of each check and code",
            hint: "fix the listed ones first (they are usually one cause), or list them all "
                + "with --max-findings-per-code 0",
            location: location.map { DataLocation(path: $0.path, split: $0.split) },
            metrics: [omittedMetric: Double(count)])
    }

    /// One summary finding per severity and file of `omitted` (all of one check and code).
    private static func summaries(of omitted: ArraySlice<Finding>, code: String, limit: Int)
        -> [Finding]
    {
        struct Group: Hashable {
            var severity: Severity
            var path: String?
            var split: String?
        }
        var counts: [Group: Int] = [:]
        for finding in omitted {
            let group = Group(
                severity: finding.severity, path: finding.location?.path,
                split: finding.location?.split)
            counts[group, default: 0] += 1
        }
        guard let checkID = omitted.first?.checkID else { return [] }
        return counts.map { group, count in
            summary(
                checkID: checkID, code: code, severity: group.severity,
                file: group.path.map { DataLocation(path: $0, split: group.split ?? "") },
                count: count, limit: limit)
        }
    }
}

extension Finding {
    /// How many findings this one stands for: 1, or for a summary of findings not listed one
    /// by one (`FindingLimit.omittedMetric`), their number — at most 10¹², so that a report
    /// read back from a hostile file (a baseline, `preflight diff`) cannot overflow a count.
    public var weight: Int {
        guard let omitted = metrics[FindingLimit.omittedMetric], omitted >= 1 else { return 1 }
        return Int(min(omitted, 1e12))
    }
}

extension Sequence<Finding> {
    /// Findings per severity, each weighed by `Finding.weight`.
    public var severityCounts: [Severity: Int] {
        reduce(into: [:]) { $0[$1.severity, default: 0] += $1.weight }
    }

    /// The number of findings, each weighed by `Finding.weight`.
    public var weightedCount: Int { reduce(0) { $0 + $1.weight } }
}

/// How far the data meets one prerequisite of `MISSION.md`.
public enum ReadinessStatus: String, Sendable, Codable, CaseIterable {
    /// At least one check bearing on it ran, and none of their findings is a warning or
    /// at or above `--fail-on`.
    case met
    /// Warnings bear on it, but nothing at or above `--fail-on`.
    case atRisk = "at_risk"
    /// A finding bearing on it is at or above `--fail-on`.
    case notMet = "not_met"
    /// No check bearing on it ran (none exists, or each was disabled, opt-in or skipped).
    case notChecked = "not_checked"

    /// "met", "at risk", "not met", "not checked".
    public var phrase: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// One entry of the report's readiness section: a prerequisite, its status, and the findings
/// behind it.
public struct PrerequisiteStatus: Sendable, Equatable {
    /// The most findings kept in `topFindings`.
    public static let topFindingLimit = 3

    public var prerequisite: Prerequisite
    public var status: ReadinessStatus
    /// One line for people: what drives the status, or why nothing was checked.
    public var summary: String
    /// The checks that bear on it and ran, in check-table order.
    public var checks: [CheckID]
    /// The checks that bear on it but did not run (disabled, opt-in, or not applicable).
    public var skippedChecks: [CheckID]
    /// Findings of `checks` per severity.
    public var counts: [Severity: Int]
    /// The findings that drive the status, most severe first, then in report order; at most
    /// `topFindingLimit`, empty when the status is `met` or `notChecked`.
    public var topFindings: [Finding]

    public init(
        prerequisite: Prerequisite, status: ReadinessStatus, summary: String,
        checks: [CheckID] = [], skippedChecks: [CheckID] = [], counts: [Severity: Int] = [:],
        topFindings: [Finding] = []
    ) {
        self.prerequisite = prerequisite
        self.status = status
        self.summary = summary
        self.checks = checks
        self.skippedChecks = skippedChecks
        self.counts = counts
        self.topFindings = topFindings
    }

    /// The readiness section: one entry per prerequisite, in `Prerequisite.allCases` order.
    ///
    /// A finding bears on every prerequisite its check declares
    /// (`CheckSummary.prerequisites`), or those declared for its code
    /// (`CheckSummary.codePrerequisites`). For each prerequisite:
    /// - `notChecked` when no check bearing on it ran (status `skipped`);
    /// - else `notMet` when a finding bearing on it is at or above `failOn`;
    /// - else `atRisk` when one is a warning;
    /// - else `met` (infos only, or no findings).
    ///
    /// So with the default `--fail-on error`, `notMet` matches the verdict "not ready" and
    /// `atRisk` "ready with warnings"; `--fail-on warning` turns every `atRisk` into `notMet`,
    /// as it turns the exit code to 1.
    /// - Parameters:
    ///   - checks: the check table, in registry order.
    ///   - findings: every finding, in report order.
    ///   - failOn: the `--fail-on` threshold.
    /// - Complexity: O(p · n) for p prerequisites and n findings.
    public static func assess(
        checks: [CheckSummary], findings: [Finding], failOn: Severity
    ) -> [PrerequisiteStatus] {
        Prerequisite.allCases.map { assess($0, checks: checks, findings: findings, failOn: failOn) }
    }

    static func assess(
        _ prerequisite: Prerequisite, checks: [CheckSummary], findings: [Finding],
        failOn: Severity
    ) -> PrerequisiteStatus {
        let bearing = checks.filter { $0.prerequisites.contains(prerequisite) }
        let ran = bearing.filter { $0.status != .skipped }
        let skipped = bearing.filter { $0.status == .skipped }
        guard !ran.isEmpty else {
            let reason =
                skipped.isEmpty
                ? "none of this build's checks covers it yet"
                : skipped.map { "\($0.id) skipped (\($0.summary))" }.joined(separator: "; ")
            return PrerequisiteStatus(
                prerequisite: prerequisite, status: .notChecked,
                summary: "no check for it ran: " + reason, skippedChecks: skipped.map(\.id))
        }
        let byID = Dictionary(ran.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let relevant = findings.filter { finding in
            guard let check = byID[finding.checkID] else { return false }
            return (check.codePrerequisites[finding.code] ?? check.prerequisites)
                .contains(prerequisite)
        }
        let counts = relevant.severityCounts
        let worst = relevant.map(\.severity).max()
        let status: ReadinessStatus
        let threshold: Severity
        if let worst, worst >= failOn {
            (status, threshold) = (.notMet, failOn)
        } else if let worst, worst >= .warning {
            (status, threshold) = (.atRisk, .warning)
        } else {
            (status, threshold) = (.met, .error)
        }
        let order = ran.map(\.id)
        let driving = status == .met ? [] : relevant.filter { $0.severity >= threshold }
        let top = driving.enumerated().sorted { a, b in
            a.element.severity != b.element.severity
                ? a.element.severity > b.element.severity : a.offset < b.offset
        }.prefix(topFindingLimit).map(\.element)
        let summary: String
        if status == .met {
            summary =
                "no warnings or errors from " + Self.list(order.map(\.rawValue), noun: "check")
                + (counts[.info].map { "; \(Self.count($0, "info"))" } ?? "")
        } else {
            summary = Self.describe(
                driving: driving, top: top, all: relevant, threshold: threshold, order: order)
        }
        return PrerequisiteStatus(
            prerequisite: prerequisite, status: status, summary: summary, checks: order,
            skippedChecks: skipped.map(\.id), counts: counts, topFindings: Array(top))
    }

    // MARK: - Summary wording

    /// The longest message a summary quotes; a longer one is counted instead (it is in
    /// `topFindings` in full).
    static let messageLimit = 120

    /// "4 errors from malformed_record (2), label_hygiene (1) and conflicting_labels (1);
    /// also 9 warnings", or the message of the only driving finding when it is short.
    private static func describe(
        driving: [Finding], top: [Finding], all: [Finding], threshold: Severity,
        order: [CheckID]
    ) -> String {
        var parts: [String]
        if driving.count == 1, let only = driving.first, only.weight == 1,
            only.message.count <= messageLimit
        {
            parts = ["\(only.message) (\(only.checkID))"]
        } else {
            parts = Severity.allCases.reversed().filter { $0 >= threshold }.compactMap {
                severity in
                let matching = driving.filter { $0.severity == severity }
                guard !matching.isEmpty else { return nil }
                let perCheck = Dictionary(grouping: matching, by: \.checkID).mapValues(
                    \.weightedCount)
                let named = order.filter { perCheck[$0] != nil }
                let items =
                    named.count == 1
                    ? [named[0].rawValue]
                    : named.map { "\($0.rawValue) (\(perCheck[$0]!))" }
                return count(matching.weightedCount, severity.rawValue) + " from " + list(items)
            }
        }
        // Warnings below the threshold still matter to a reader; infos do not.
        let below = all.filter { $0.severity < threshold && $0.severity >= .warning }
            .weightedCount
        if below > 0 { parts.append("also " + count(below, "warning")) }
        return parts.joined(separator: "; ")
    }

    /// `a`, `a and b`, `a, b and c`, `a, b, c and 2 more <noun>s`.
    private static func list(_ items: [String], noun: String? = nil) -> String {
        let limit = 3
        if items.count > limit {
            let rest = items.count - limit
            return items.prefix(limit).joined(separator: ", ") + " and "
                + (noun.map { count(rest, "more \($0)") } ?? "\(rest) more")
        }
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// `1 error`, `2,999,999 errors`: a summary is read by people, so thousands are
    /// separated.
    private static func count(_ value: Int, _ noun: String) -> String {
        "\(NumberText.grouped(value)) \(noun)\(value == 1 ? "" : "s")"
    }
}

/// A baseline for the ratchet: the findings of an earlier report (`--baseline`).
public struct BaselineInput: Sendable, Equatable {
    /// The earlier report's path as the user named it.
    public var path: String
    /// Its findings (suppressed findings are not among them).
    public var findings: [Finding]

    public init(path: String, findings: [Finding]) {
        self.path = path
        self.findings = findings
    }
}

/// How this run's findings compare with a baseline report.
public struct BaselineOutcome: Sendable, Equatable {
    /// The baseline report's path.
    public var path: String
    /// One change per finding of the report, in the report's order.
    public var changes: [FindingChange]
    /// Baseline findings no longer found, in report order.
    public var fixed: [Finding]

    public init(path: String, changes: [FindingChange], fixed: [Finding]) {
        self.path = path
        self.changes = changes
        self.fixed = fixed
    }

    /// How many findings have each change.
    public var counts: [FindingChange: Int] {
        changes.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}

/// What a suppression file did in this run.
public struct SuppressionOutcome: Sendable, Equatable {
    /// One entry's effect.
    public struct Entry: Sendable, Equatable {
        public var suppression: Suppression
        /// Findings it hid (0 when expired: expired entries hide nothing).
        public var suppressed: Int
        /// Findings it would have hidden had it not expired.
        public var matchedWhileExpired: Int
        public var expired: Bool

        public init(
            suppression: Suppression, suppressed: Int, matchedWhileExpired: Int, expired: Bool
        ) {
            self.suppression = suppression
            self.suppressed = suppressed
            self.matchedWhileExpired = matchedWhileExpired
            self.expired = expired
        }
    }

    /// A finding hidden by an entry.
    public struct Suppressed: Sendable, Equatable {
        public var finding: Finding
        /// The index of the entry in `entries`.
        public var entry: Int

        public init(finding: Finding, entry: Int) {
            self.finding = finding
            self.entry = entry
        }
    }

    /// The suppression file's path.
    public var path: String
    public var entries: [Entry]
    /// The hidden findings, in report order.
    public var suppressed: [Suppressed]

    public init(path: String, entries: [Entry], suppressed: [Suppressed]) {
        self.path = path
        self.entries = entries
        self.suppressed = suppressed
    }

    /// How many findings were hidden, a summary of findings not listed one by one counting
    /// as the findings it stands for (`Finding.weight`).
    public var suppressedCount: Int { suppressed.lazy.map(\.finding).weightedCount }

    /// The check id of the findings about the suppression file itself.
    public static let checkID: CheckID = "suppressions"

    /// Applies a suppression file to findings: the first entry that matches a finding and
    /// has not expired hides it. Returns the findings that stay, the outcome, and findings
    /// about the file: `expired_suppression` (warning) for an expired entry, and
    /// `unmatched_suppression` (info) for a live entry that hid nothing.
    /// - Parameters:
    ///   - today: the day of the run, `YYYY-MM-DD`, for expiry.
    /// - Complexity: O(findings × entries).
    public static func apply(_ file: SuppressionFile, to findings: [Finding], today: String)
        -> (kept: [Finding], outcome: SuppressionOutcome, findings: [Finding])
    {
        let expired = file.entries.map { $0.isExpired(today: today) }
        var suppressedCount = [Int](repeating: 0, count: file.entries.count)
        var expiredCount = [Int](repeating: 0, count: file.entries.count)
        var kept: [Finding] = []
        var suppressed: [Suppressed] = []
        for finding in findings {
            var hiddenBy: Int?
            for (i, entry) in file.entries.enumerated() where entry.matches(finding) {
                if expired[i] {
                    expiredCount[i] += finding.weight
                } else {
                    hiddenBy = i
                    break
                }
            }
            if let hiddenBy {
                suppressedCount[hiddenBy] += finding.weight
                suppressed.append(Suppressed(finding: finding, entry: hiddenBy))
            } else {
                kept.append(finding)
            }
        }
        var own: [Finding] = []
        var entries: [Entry] = []
        for (i, entry) in file.entries.enumerated() {
            entries.append(
                Entry(
                    suppression: entry, suppressed: suppressedCount[i],
                    matchedWhileExpired: expiredCount[i], expired: expired[i]))
            let place = "\(entry.mark.file):\(entry.mark.line)"
            if expired[i] {
                let matched =
                    expiredCount[i] == 0
                    ? "it matches no finding now"
                    : "\(expiredCount[i]) finding\(expiredCount[i] == 1 ? "" : "s") it matches \(expiredCount[i] == 1 ? "is" : "are") reported again"
                own.append(
                    Finding(
                        checkID: checkID, code: "expired_suppression", severity: .warning,
                        message:
                            "suppression at \(place) (\(entry.selectorDescription)) expired on \(entry.expires ?? ""); \(matched)",
                        hint:
                            "fix the findings, or renew the entry with a new 'expires' date and reason",
                        metrics: ["matched": Double(expiredCount[i])]))
            } else if suppressedCount[i] == 0 {
                own.append(
                    Finding(
                        checkID: checkID, code: "unmatched_suppression", severity: .info,
                        message:
                            "suppression at \(place) (\(entry.selectorDescription)) matches no finding",
                        hint: "remove the entry if the problem it accepted is gone"))
            }
        }
        return (
            kept, SuppressionOutcome(path: file.path, entries: entries, suppressed: suppressed),
            own
        )
    }
}

extension AuditReport {
    /// The findings that are new or worse than in the baseline, with their change; empty
    /// without a baseline.
    public var regressions: [Finding: FindingChange] {
        guard let baseline, baseline.changes.count == findings.count else { return [:] }
        var out: [Finding: FindingChange] = [:]
        for (finding, change) in zip(findings, baseline.changes) where change.isRegression {
            out[finding] = change
        }
        return out
    }
}

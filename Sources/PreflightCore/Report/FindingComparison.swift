/// How a finding of this run compares with an earlier run of the same audit.
public enum FindingChange: String, Sendable, Codable, CaseIterable {
    /// No finding of the earlier run matches it.
    case new
    /// It matches an earlier finding of lower severity.
    case worse
    /// It matches an earlier finding of the same severity.
    case unchanged
    /// It matches an earlier finding of higher severity.
    case improved

    /// True for the changes a baseline ratchet fails on.
    public var isRegression: Bool { self == .new || self == .worse }
}

/// The findings of two runs paired up: which are new, worse, unchanged or improved, and
/// which earlier findings are gone (fixed).
///
/// Used by `--baseline` (fail only on regressions) and by `preflight diff`.
///
/// A paired finding is worse when its severity rose, or, for a summary of findings not listed
/// one by one (`FindingLimit`), when it stands for more findings than before.
///
/// Findings are paired in two passes:
/// 1. by `Finding.fingerprint` (check, code, file, record and first related record), one
///    earlier finding per current finding, in report order;
/// 2. findings still unpaired with no location (dataset-level findings, whose fingerprint
///    includes the message) by check, code and the message with its numbers masked
///    (`ComparisonKey.maskedMessage`), so "class 'spam' has 3 records" in the earlier run
///    and "class 'spam' has 4 records" now are the same problem, but a message about
///    another class is not.
public struct FindingComparison: Sendable, Equatable {
    /// One change per current finding, in the order of the `current` array given.
    public var changes: [FindingChange]
    /// For each current finding, the index of the earlier finding it was paired with.
    public var matches: [Int?]
    /// Earlier findings no current finding matches, in their original order.
    public var fixed: [Finding]

    /// Pairs the findings of two runs.
    /// - Parameters:
    ///   - baseline: the earlier run's findings.
    ///   - current: this run's findings.
    /// - Complexity: O(n + m) expected, in the number of findings of both runs.
    public init(baseline: [Finding], current: [Finding]) {
        var byFingerprint: [String: [Int]] = [:]
        for (i, finding) in baseline.enumerated() {
            byFingerprint[finding.fingerprint, default: []].append(i)
        }
        // Queues consumed front to back, so pairing follows report order.
        var cursor: [String: Int] = [:]
        var used = [Bool](repeating: false, count: baseline.count)
        var matches = [Int?](repeating: nil, count: current.count)
        for (j, finding) in current.enumerated() {
            let key = finding.fingerprint
            guard let queue = byFingerprint[key] else { continue }
            let next = cursor[key, default: 0]
            if next < queue.count {
                matches[j] = queue[next]
                used[queue[next]] = true
                cursor[key] = next + 1
            }
        }
        // Second pass: dataset-level findings by check, code and masked message.
        var byMasked: [String: [Int]] = [:]
        for (i, finding) in baseline.enumerated() where !used[i] && finding.location == nil {
            byMasked[Self.datasetKey(finding), default: []].append(i)
        }
        if !byMasked.isEmpty {
            var maskedCursor: [String: Int] = [:]
            for (j, finding) in current.enumerated()
            where matches[j] == nil && finding.location == nil {
                let key = Self.datasetKey(finding)
                guard let queue = byMasked[key] else { continue }
                let next = maskedCursor[key, default: 0]
                if next < queue.count {
                    matches[j] = queue[next]
                    used[queue[next]] = true
                    maskedCursor[key] = next + 1
                }
            }
        }
        self.matches = matches
        changes = zip(current, matches).map { finding, match in
            guard let match else { return .new }
            let before = baseline[match]
            if finding.severity > before.severity { return .worse }
            if finding.severity < before.severity { return .improved }
            // A summary of findings not listed one by one (`FindingLimit`) pairs with the
            // earlier summary of its file: more findings than then is worse, fewer improved.
            if finding.weight > before.weight { return .worse }
            if finding.weight < before.weight { return .improved }
            return .unchanged
        }
        fixed = baseline.indices.filter { !used[$0] }.map { baseline[$0] }
    }

    /// How many current findings have each change.
    public var counts: [FindingChange: Int] {
        changes.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    private static func datasetKey(_ finding: Finding) -> String {
        finding.checkID.rawValue + "\u{1F}" + finding.code + "\u{1F}"
            + maskedMessage(finding.message)
    }

    /// The message with every run of digits (and the separators inside a number: `.`, `,`)
    /// replaced by `#`, so `3 records (0.2%)` and `41 records (2.7%)` compare equal while
    /// the quoted names stay. Digits inside `'…'` are kept: they are part of a name.
    public static func maskedMessage(_ message: String) -> String {
        var out = ""
        out.reserveCapacity(message.utf8.count)
        var quoted = false
        var inNumber = false
        for ch in message {
            if ch == "'" {
                quoted.toggle()
                inNumber = false
                out.append(ch)
                continue
            }
            if !quoted, ch.isASCII, ch.isNumber {
                if !inNumber { out.append("#") }
                inNumber = true
                continue
            }
            if inNumber, ch == "." || ch == "," {
                // "0.2" and "1,200": the separator stays inside the number; a sentence's
                // final comma is swallowed too, which is harmless for a comparison key.
                continue
            }
            inNumber = false
            out.append(ch)
        }
        return out
    }
}

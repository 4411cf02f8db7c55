/// One problem found in the data, with where it is and what else is involved.
///
/// A message starts in lowercase, has no final period, names the value and the threshold,
/// and puts identifiers in `'…'`.
public struct Finding: Hashable, Sendable, Codable {
    public var checkID: CheckID
    /// The kind of problem within the check, e.g. `invalid_utf8`.
    public var code: String
    public var severity: Severity
    public var message: String
    /// What to do about it, one short imperative sentence without a final period.
    public var hint: String?
    /// The record the finding is about; nil for dataset-level findings.
    public var location: DataLocation?
    /// The other records involved, e.g. the first occurrence of a duplicate.
    public var related: [DataLocation]
    public var metrics: [String: Double]

    public init(
        checkID: CheckID, code: String, severity: Severity, message: String,
        hint: String? = nil, location: DataLocation? = nil, related: [DataLocation] = [],
        metrics: [String: Double] = [:]
    ) {
        self.checkID = checkID
        self.code = code
        self.severity = severity
        self.message = message
        self.hint = hint
        self.location = location
        self.related = related
        self.metrics = metrics
    }

    /// A stable identity for baselines: the check, the code, the file and the record
    /// (its id when it has one, else its line), and the first related record.
    /// Independent of the message wording and of severity, except that a dataset-level
    /// finding (no location) has only its message to tell it from others of its code.
    public var fingerprint: String {
        var parts = [checkID.rawValue, code]
        if let location {
            parts.append(location.path)
            parts.append(location.id ?? location.line.map(String.init) ?? "")
            parts.append(location.field ?? "")
        } else {
            parts.append(message)
        }
        if let first = related.first {
            parts.append(first.path)
            parts.append(first.id ?? first.line.map(String.init) ?? "")
        }
        return String(SHA256.hex(of: Array(parts.joined(separator: "\u{1F}").utf8)).prefix(32))
    }

    /// The canonical report order: dataset-level findings first, then by file and line,
    /// then check id, code and message.
    public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        switch (a.location, b.location) {
        case (nil, .some): return true
        case (.some, nil): return false
        case (.some(let la), .some(let lb)):
            // `<` ignores split and id: fall through to the check id when neither is first.
            if la < lb { return true }
            if lb < la { return false }
        default: break
        }
        if a.checkID != b.checkID { return a.checkID < b.checkID }
        if a.code != b.code { return a.code < b.code }
        if a.message != b.message { return a.message < b.message }
        return a.related.lexicographicallyPrecedes(b.related)
    }

    /// `findings` in `reportOrder`, sorted through a small key per finding (located or not,
    /// the rank of its path, line, record) so that most comparisons never touch the findings'
    /// strings; findings with equal keys are compared in full. Same order as
    /// `findings.sorted(by: reportOrder)` (1.1M-record audit, 31,831 findings: 0.10 s → 0.02 s).
    /// - Complexity: O(n log n) integer comparisons plus full comparisons among equal keys.
    public static func sortedForReport(_ findings: [Finding]) -> [Finding] {
        let paths = Set(findings.lazy.compactMap { $0.location?.path }).sorted()
        let rank = Dictionary(uniqueKeysWithValues: paths.enumerated().map { ($1, $0) })
        // (rank + 1 or 0 without a location, line, record, index); lines and records are
        // 1-based, so nil → 0 orders as `DataLocation.<` does.
        var keys = findings.indices.map { i -> (Int, Int, Int, Int) in
            guard let location = findings[i].location else { return (0, 0, 0, i) }
            return (rank[location.path]! + 1, location.line ?? 0, location.record ?? 0, i)
        }
        keys.sort { x, y in
            if (x.0, x.1, x.2) != (y.0, y.1, y.2) { return (x.0, x.1, x.2) < (y.0, y.1, y.2) }
            return reportOrder(findings[x.3], findings[y.3])
        }
        return keys.map { findings[$0.3] }
    }
}

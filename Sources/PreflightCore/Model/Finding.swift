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
}

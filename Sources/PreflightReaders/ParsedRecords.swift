import PreflightCore

/// A record value as a reader produced it, before projection.
struct ParsedValue: Sendable {
    var line: Int
    var ordinal: Int
    var value: DataValue
}

/// What a format reader produces: parsed values and record issues, both in file order.
struct ParsedRecords: Sendable {
    var values: [ParsedValue] = []
    var issues: [RecordIssue] = []
    /// CSV and TSV: the header row as written (before names are made unique) and its line.
    var header: (line: Int, names: [String])?

    /// Appends another batch that follows this one in the file.
    mutating func append(_ other: ParsedRecords) {
        values.append(contentsOf: other.values)
        issues.append(contentsOf: other.issues)
    }
}

extension RecordIssue {
    /// File order: by line, then ordinal.
    static func fileOrder(_ a: RecordIssue, _ b: RecordIssue) -> Bool {
        a.line != b.line ? a.line < b.line : (a.ordinal ?? 0) < (b.ordinal ?? 0)
    }
}

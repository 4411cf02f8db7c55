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
    /// The first `InputFile.keptIssues` issues.
    var issues: [RecordIssue] = []
    /// Issues after those, counted but not kept.
    var omittedIssues = 0
    /// CSV and TSV: the header row as written (before names are made unique) and its line.
    var header: (line: Int, names: [String])?

    /// Keeps an issue while fewer than `InputFile.keptIssues` are kept, else counts it (the
    /// issue, its message included, is then never built: a file of millions of broken lines
    /// costs a counter, not gigabytes).
    mutating func addIssue(_ issue: @autoclosure () -> RecordIssue) {
        if issues.count < InputFile.keptIssues {
            issues.append(issue())
        } else {
            omittedIssues += 1
        }
    }

    /// Appends another batch that follows this one in the file.
    mutating func append(_ other: ParsedRecords) {
        values.append(contentsOf: other.values)
        let room = max(0, InputFile.keptIssues - issues.count)
        issues.append(contentsOf: other.issues.prefix(room))
        omittedIssues += other.omittedIssues + max(0, other.issues.count - room)
    }
}

extension RecordIssue {
    /// File order: by line, then ordinal.
    static func fileOrder(_ a: RecordIssue, _ b: RecordIssue) -> Bool {
        a.line != b.line ? a.line < b.line : (a.ordinal ?? 0) < (b.ordinal ?? 0)
    }
}

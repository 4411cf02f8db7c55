import PreflightCore

/// Collects the example text detailed reports show beside findings: for each check's
/// `AuditReport.detailedFindings`, the input text of the record it is about and of its first
/// related record, with personal data masked as `pii` masks it and cut to a bounded length.
///
/// The excerpts go into `AuditReport.excerpts`; only the HTML report shows them.
public enum ReportExcerpts {
    /// The most characters an excerpt keeps before "…".
    public static let defaultLength = 240

    /// The excerpts of the records the report's detailed findings name.
    /// - Parameters:
    ///   - report: A finished report of `dataset`.
    ///   - dataset: The audited dataset.
    ///   - length: The most characters of an excerpt (an ellipsis follows when cut).
    /// - Returns: One masked, truncated input text per record, keyed by path and ordinal;
    ///   records the dataset does not hold (malformed ones) are left out.
    /// - Complexity: O(k · (log n + length)) for k named records in files of n records, plus
    ///   a PII scan of each named record's text.
    public static func collect(
        for report: AuditReport, dataset: Dataset, length: Int = defaultLength
    ) -> [RecordExcerptKey: String] {
        var wanted: Set<RecordExcerptKey> = []
        for findings in report.detailedFindings.values {
            for finding in findings {
                for location in [finding.location, finding.related.first] {
                    if let location, let key = RecordExcerptKey(location) { wanted.insert(key) }
                }
            }
        }
        guard !wanted.isEmpty else { return [:] }
        let scanner = PIIScanner()
        var files: [String: Int] = [:]
        for (f, file) in dataset.files.enumerated() where files[file.path] == nil {
            files[file.path] = f
        }
        var out: [RecordExcerptKey: String] = [:]
        for key in wanted.sorted() {
            guard let f = files[key.path],
                let record = record(key.record, in: dataset.files[f].records)
            else { continue }
            out[key] = excerpt(String(record.input), scanner: scanner, length: length)
        }
        return out
    }

    /// The record with `ordinal` in records sorted by ordinal (binary search).
    static func record(_ ordinal: Int, in records: [Record]) -> Record? {
        var lo = 0
        var hi = records.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if records[mid].ordinal < ordinal { lo = mid + 1 } else { hi = mid }
        }
        return lo < records.count && records[lo].ordinal == ordinal ? records[lo] : nil
    }

    /// `text` with every PII match replaced by its masked form (`PIIMask.mask`), then cut to
    /// `length` characters with "…" appended when cut. Masking comes first, so a match the
    /// cut would split is still masked.
    static func excerpt(_ text: String, scanner: PIIScanner, length: Int) -> String {
        var copy = text
        let masked = copy.withUTF8 { bytes -> String in
            var out: [UInt8] = []
            var last = 0
            scanner.scan(bytes) { match in
                out.append(contentsOf: bytes[last..<match.range.lowerBound])
                out.append(contentsOf: Array(PIIMask.mask(match, in: bytes).utf8))
                last = match.range.upperBound
            }
            guard last > 0 else { return text }
            out.append(contentsOf: bytes[last...])
            return String(decoding: out, as: UTF8.self)
        }
        guard masked.count > length else { return masked }
        return String(masked.prefix(length)) + "…"
    }
}

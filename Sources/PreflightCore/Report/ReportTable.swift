/// A small table a check hands to the report beside its findings: the coverage matrix
/// (slice × split), a distribution comparison, … Reporters render it (text: aligned columns;
/// JSON: `tables` of the check); the numbers behind it stay exact in the JSON report.
public struct ReportTable: Sendable, Equatable {
    /// Stable key within the check, snake_case, e.g. `coverage_by_split`.
    public var id: String
    /// One line for people, e.g. "Slice coverage per split (records)".
    public var title: String
    /// Column headers; the first column usually names the row.
    public var columns: [String]
    /// Rows of cells, each as long as `columns`.
    public var rows: [[ReportCell]]
    /// An optional line under the table (what the numbers mean, what was left out).
    public var note: String?

    public init(
        id: String, title: String, columns: [String], rows: [[ReportCell]], note: String? = nil
    ) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "every row has every column")
        self.id = id
        self.title = title
        self.columns = columns
        self.rows = rows
        self.note = note
    }
}

/// One cell of a `ReportTable`.
public enum ReportCell: Sendable, Equatable {
    /// A name or a short phrase.
    case text(String)
    /// A count of records (or of anything else).
    case count(Int)
    /// A share in [0, 1], shown as a percentage.
    case share(Double)
    /// Any other number (a divergence, a p-value), shown with up to 4 significant digits.
    case number(Double)
    /// Nothing to show (not applicable).
    case empty
}

/// Evidence a check gives about how it decides on one dataset (e.g. how the similarity
/// threshold of `near_duplicates` falls on the data), independent of how it is rendered.
///
/// Plain values only: titled sections of lines and at most one table each. Text that comes
/// from the data is already cut and escaped by the check; renderers escape it again for
/// their medium.
public struct CheckExplanation: Sendable, Equatable {
    /// A table: a header row and rows of the same number of cells.
    public struct Table: Sendable, Equatable {
        public var header: [String]
        public var rows: [[String]]
        public init(header: [String], rows: [[String]]) {
            self.header = header
            self.rows = rows
        }
    }

    /// One titled part of an explanation: lines first, then an optional table.
    public struct Section: Sendable, Equatable {
        public var title: String
        public var lines: [String]
        public var table: Table?
        public init(title: String, lines: [String] = [], table: Table? = nil) {
            self.title = title
            self.lines = lines
            self.table = table
        }
    }

    /// One line naming the check and what is explained.
    public var title: String
    public var sections: [Section]

    public init(title: String, sections: [Section]) {
        self.title = title
        self.sections = sections
    }
}

/// A check that can explain its decisions on a dataset (`preflight explain <id>`).
public protocol ExplainableCheck: Check {
    /// Evidence about how the check's options fall on this dataset.
    /// - Throws: `CheckError` when the check cannot run at all.
    func explain(_ input: CheckInput) throws -> CheckExplanation
}

/// Where in the input a finding applies. Lines and records are 1-based.
public struct DataLocation: Hashable, Sendable, Codable, Comparable {
    /// The path as the user named it, with "/" separators.
    public var path: String
    /// The split role: train, validation, test, regression, or a custom role.
    public var split: String
    /// The physical line where the record starts.
    public var line: Int?
    /// The record ordinal in the file, CSV header excluded.
    public var record: Int?
    /// The record's own id field, when it has one.
    public var id: String?
    /// The field the finding is about, when it is about one field.
    public var field: String?

    public init(
        path: String, split: String, line: Int? = nil, record: Int? = nil, id: String? = nil,
        field: String? = nil
    ) {
        self.path = path
        self.split = split
        self.line = line
        self.record = record
        self.id = id
        self.field = field
    }

    /// Orders by path, then line, then record, then field.
    public static func < (lhs: DataLocation, rhs: DataLocation) -> Bool {
        if lhs.path != rhs.path { return lhs.path < rhs.path }
        if lhs.line != rhs.line { return (lhs.line ?? 0) < (rhs.line ?? 0) }
        if lhs.record != rhs.record { return (lhs.record ?? 0) < (rhs.record ?? 0) }
        return (lhs.field ?? "") < (rhs.field ?? "")
    }

    /// `path:line` for messages and terminal output.
    public var shortDescription: String {
        if let line { return "\(path):\(line)" }
        return path
    }
}

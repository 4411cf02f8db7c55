/// An input that cannot be read at all. The CLI exits with code 3, except for
/// `mappedFieldNotFound`, a mistake in the rules or flags, which exits with code 2.
///
/// Malformed records are not errors: they become `RecordIssue`s and reading goes on.
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing exists at the path.
    case notFound(path: String)
    /// The path is a folder without a single file of a recognised format.
    case noRecognisableFiles(path: String)
    /// The file or folder exists but may not be read.
    case permissionDenied(path: String)
    /// The file is binary: NUL bytes near its start, or gzip data without `.gz`.
    case notText(path: String, reason: String)
    /// A JSONL, CSV or TSV file whose lines end in a bare carriage return (classic Mac OS).
    case bareCarriageReturns(path: String)
    /// The `.gz` file is damaged or truncated.
    case corruptGzip(path: String, detail: String)
    /// The file's extension names no format Preflight reads.
    case unknownExtension(path: String)
    /// The same file was named twice (directly or through a folder or link).
    case duplicateInput(path: String, firstGivenAs: String)
    /// A compressed file expands beyond the supported size.
    case decompressedTooLarge(path: String, limit: Int)
    /// The operating system failed to read the file.
    case readFailed(path: String, detail: String)
    /// A field the rules or flags map (`setting` is `label_field`, `text_fields` or
    /// `id_field`) occurs in no record of a file that has records. `available` holds the
    /// top-level field names seen, sorted, at most `availableLimit` of them (one more when
    /// there were more, shown as `…`); `suggestion` is the likely intended field, if any.
    case mappedFieldNotFound(
        path: String, setting: String, field: String, available: [String], suggestion: String?)

    /// How many field names `mappedFieldNotFound` lists.
    public static let availableLimit = 10

    /// True when the error is a mistake in the rules or flags rather than in the input
    /// (the CLI exits with code 2 for it, 3 for the others).
    public var isUsageError: Bool {
        if case .mappedFieldNotFound = self { return true }
        return false
    }

    /// The path the error is about.
    public var path: String {
        switch self {
        case .notFound(let p), .noRecognisableFiles(let p), .permissionDenied(let p),
            .notText(let p, _), .bareCarriageReturns(let p), .corruptGzip(let p, _),
            .unknownExtension(let p),
            .duplicateInput(let p, _), .decompressedTooLarge(let p, _), .readFailed(let p, _),
            .mappedFieldNotFound(let p, _, _, _, _):
            p
        }
    }

    /// What is wrong, where, and what to do.
    public var description: String {
        switch self {
        case .notFound(let p):
            "'\(p)' was not found: check the path (it is relative to the current folder)"
        case .noRecognisableFiles(let p):
            "'\(p)' is a folder with no recognisable data files: put .jsonl, .ndjson, .csv, "
                + ".tsv, .yaml, .yml or .json files (optionally .gz) directly in it, "
                + "or name the files themselves"
        case .permissionDenied(let p):
            "'\(p)' cannot be read: permission denied; check its permissions"
        case .notText(let p, let reason):
            "'\(p)' is not a text data file: \(reason)"
        case .bareCarriageReturns(let p):
            "'\(p)' ends its lines in a bare carriage return (CR, the line ending of classic "
                + "Mac OS), which JSONL, CSV and TSV readers do not take as a line break: save it "
                + "with LF or CRLF line endings"
        case .corruptGzip(let p, let detail):
            "'\(p)' is not valid gzip data: \(detail); re-create or re-download the file"
        case .unknownExtension(let p):
            "'\(p)' has an unknown extension: rename it to .jsonl, .ndjson, .csv, .tsv, .yaml, "
                + ".yml or .json (optionally .gz)"
        case .duplicateInput(let p, let first):
            "'\(p)' is the same file as '\(first)', which was already given: name each file once"
        case .decompressedTooLarge(let p, let limit):
            "'\(p)' expands to more than \(limit >> 30) GiB when decompressed: split the file"
        case .readFailed(let p, let detail):
            "'\(p)' could not be read: \(detail)"
        case .mappedFieldNotFound(let p, let setting, let field, let available, let suggestion):
            Self.mappedFieldMessage(
                path: p, setting: setting, field: field, available: available,
                suggestion: suggestion)
        }
    }
}

extension IngestError {
    private static func mappedFieldMessage(
        path: String, setting: String, field: String, available: [String], suggestion: String?
    ) -> String {
        var message = "'\(path)': \(setting) '\(field)' does not occur in any record; "
        if available.isEmpty {
            message += "the records have no fields"
        } else {
            let shown = available.prefix(availableLimit).joined(separator: ", ")
            message += "fields found: \(shown)\(available.count > availableLimit ? ", …" : "")"
        }
        if let suggestion { message += "; did you mean '\(suggestion)'?" }
        let flag =
            switch setting {
            case "text_fields": "--text-field"
            case "id_field": "--id-field"
            default: "--label-field"
            }
        return message + " (fix dataset.\(setting) in the rules or \(flag))"
    }
}

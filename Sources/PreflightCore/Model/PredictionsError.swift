/// A predictions file (`--predictions`) that cannot be used. The CLI exits with code 3 for
/// `cannotRead` (like an unreadable input) and 2 for `invalid`, before any check runs.
public enum PredictionsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read at all: missing, permission denied, not text, corrupt gzip.
    /// `reason` says what and what to do, starting with the quoted path.
    case cannotRead(path: String, reason: String)
    /// The file was read but does not fit: a bad header or rows, classes that are not the
    /// training labels, keys that match no record, records without a row. `problems` holds
    /// the first `PredictionsProblems.limit` problems in the order found; `total` counts all.
    case invalid(path: String, problems: [PredictionsProblem], total: Int)

    /// True when the file could not be read at all (exit code 3 rather than 2).
    public var isInputError: Bool {
        if case .cannotRead = self { return true }
        return false
    }

    /// The file as the user named it.
    public var path: String {
        switch self {
        case .cannotRead(let path, _), .invalid(let path, _, _): path
        }
    }

    /// The problems shown (empty for `cannotRead`).
    public var problems: [PredictionsProblem] {
        if case .invalid(_, let problems, _) = self { return problems }
        return []
    }

    /// One line per problem, `file:line: error: message` (`file: error: …` for problems of
    /// the whole file), then `… and N more problems` when some were left out.
    public var description: String {
        switch self {
        case .cannotRead(_, let reason):
            return "error: predictions file \(reason)"
        case .invalid(let path, let problems, let total):
            var lines = problems.map { problem in
                "\(path)\(problem.line.map { ":\($0)" } ?? ""): error: \(problem.message)"
            }
            if total > problems.count {
                let more = total - problems.count
                lines.append(
                    "\(path): error: … and \(more) more problem\(more == 1 ? "" : "s") "
                        + "(\(total) in all); fix the ones above and run again")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// One thing wrong with a predictions file.
public struct PredictionsProblem: Hashable, Sendable {
    /// 1-based line of the predictions file; nil for a problem of the whole file.
    public var line: Int?
    /// What is wrong and what to do: lowercase, no final period, identifiers in `'…'`.
    public var message: String

    /// Creates a problem at `line` (nil: the whole file).
    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }
}

/// Collects the problems of a predictions file, keeping the first `limit` and counting all,
/// so that a file wrong on every row neither floods the terminal nor fills memory.
public struct PredictionsProblems: Sendable {
    /// How many problems an error shows.
    public static let limit = 10

    /// The predictions file as the user named it.
    public let path: String
    /// The first `limit` problems, in the order found.
    public private(set) var shown: [PredictionsProblem] = []
    /// How many problems were found.
    public private(set) var total = 0

    /// An empty list for the file at `path`.
    public init(path: String) { self.path = path }

    /// Records a problem at `line` (nil: the whole file).
    public mutating func add(line: Int?, _ message: String) {
        total += 1
        if shown.count < Self.limit { shown.append(PredictionsProblem(line: line, message)) }
    }

    /// The error for the problems collected so far.
    public var error: PredictionsError { .invalid(path: path, problems: shown, total: total) }

    /// Throws the collected problems, if there are any.
    /// - Throws: `PredictionsError.invalid`.
    public func throwIfAny() throws(PredictionsError) {
        if total > 0 { throw error }
    }
}

import Foundation

/// Renders a finished report in one output format.
public protocol Reporter: Sendable {
    /// Renders a report. Pure: no I/O, no clock, same input gives the same bytes.
    /// - Throws: `ReportError` when the report cannot be rendered.
    func render(_ report: AuditReport) throws -> Data
}

/// Raised when a report cannot be rendered or written.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownFormat(String, known: [String])
    case cannotInferFormat(path: String)
    case renderFailed(format: String, reason: String)
    case writeFailed(path: String, reason: String)
    case reportIsInput(path: String)

    public var description: String {
        switch self {
        case .unknownFormat(let f, let known):
            var text = "unknown report format '\(f)'; use one of \(known.joined(separator: ", "))"
            if let near = Suggestion.closest(to: f, in: known) {
                text += "; did you mean '\(near)'?"
            }
            return text
        case .cannotInferFormat(let path):
            return
                "cannot tell the report format of '\(path)' from its extension; write FORMAT=PATH, e.g. json=\(path)"
        case .renderFailed(let format, let reason):
            return "could not render the \(format) report: \(reason)"
        case .writeFailed(let path, let reason):
            return "could not write report '\(path)': \(reason)"
        case .reportIsInput(let path):
            return "refusing to write a report over the input '\(path)'; choose another report path"
        }
    }
}

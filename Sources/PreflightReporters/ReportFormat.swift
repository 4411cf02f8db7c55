import PreflightCore

/// An output format of the audit report.
///
/// Adding a case does not compile until `reporter` and `fileExtension` handle it, so every
/// format has a reporter (and, by a convention test, a golden).
public enum ReportFormat: String, CaseIterable, Sendable {
    /// The terminal report a data engineer reads.
    case text
    /// The machine-readable report described by `schemas/report-v1.schema.json`.
    case json
    /// JUnit XML for CI test-result views, described by `schemas/junit-preflight.xsd`.
    case junit
    /// GitHub Actions workflow commands: one annotation per finding.
    case github
    /// A pull-request comment or `$GITHUB_STEP_SUMMARY`, within GitHub's comment limit.
    case markdown
    /// A SARIF 2.1.0 log for code-scanning views.
    case sarif
    /// One self-contained HTML page with charts, for reading in a browser or a mail.
    case html

    /// The reporter for this format, with default options.
    ///
    /// The CLI builds a `TextReporter` itself when it needs colour or another width.
    public var reporter: any Reporter {
        switch self {
        case .text: TextReporter()
        case .json: JSONReporter()
        case .junit: JUnitReporter()
        case .github: GitHubReporter()
        case .markdown: MarkdownReporter()
        case .sarif: SARIFReporter()
        case .html: HTMLReporter()
        }
    }

    /// The usual file extension, without the dot (`github.txt` keeps the annotations apart
    /// from the text report; the goldens are named `canonical.<fileExtension>`).
    public var fileExtension: String {
        switch self {
        case .text: "txt"
        case .json: "json"
        case .junit: "xml"
        case .github: "github.txt"
        case .markdown: "md"
        case .sarif: "sarif"
        case .html: "html"
        }
    }

    /// The format a report path implies by its extension, compared case-insensitively.
    ///
    /// `.json` gives `json`; `.txt` and `.log` give `text`; `.xml` gives `junit`; `.md` gives
    /// `markdown`; `.sarif` and `.sarif.json` give `sarif`; `.html` and `.htm` give `html`. No
    /// extension implies `github`: name
    /// it, as in `github=annotations.txt`.
    /// - Parameter path: A report path as the user wrote it.
    /// - Returns: The format, or nil when the extension names none.
    public static func infer(fromPath path: String) -> ReportFormat? {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let stem = name[..<dot].lowercased()
        switch name[name.index(after: dot)...].lowercased() {
        case "json" where stem.hasSuffix(".sarif") && stem != ".sarif": return .sarif
        case "json": return .json
        case "xml": return .junit
        case "sarif": return .sarif
        case "md", "markdown": return .markdown
        case "txt", "log": return .text
        case "html", "htm": return .html
        default: return nil
        }
    }
}

/// One `--report` argument: a format and the path to write it to.
public struct ReportSpec: Hashable, Sendable {
    /// The output format.
    public var format: ReportFormat
    /// The path as the user wrote it.
    public var path: String

    /// Creates a spec from its parts.
    public init(format: ReportFormat, path: String) {
        self.format = format
        self.path = path
    }

    /// Parses `FORMAT=PATH` or `PATH`, inferring the format from the extension.
    ///
    /// The text before the first `=` is read as a format name when it contains no `/` or `.`
    /// (format names never do), so `out/a=b.json` is a path. Format names are compared
    /// case-insensitively.
    /// - Parameter spec: The argument, e.g. `json=out/audit.json` or `out/audit.json`.
    /// - Returns: The format and the path.
    /// - Throws: `ReportError.unknownFormat` (its description suggests the closest format),
    ///   `ReportError.cannotInferFormat` when a bare path has no known extension, and
    ///   `ReportError.writeFailed` when the path is empty.
    public static func parse(_ spec: String) throws(ReportError) -> ReportSpec {
        if let eq = spec.firstIndex(of: "=") {
            let name = spec[..<eq]
            if !name.contains("/") && !name.contains(".") {
                let path = String(spec[spec.index(after: eq)...])
                guard let format = ReportFormat(rawValue: name.lowercased()) else {
                    throw .unknownFormat(
                        String(name), known: ReportFormat.allCases.map(\.rawValue))
                }
                guard !path.isEmpty else {
                    throw .writeFailed(
                        path: path, reason: "the report path after '\(name)=' is empty")
                }
                return ReportSpec(format: format, path: path)
            }
        }
        guard !spec.isEmpty else {
            throw .writeFailed(path: spec, reason: "the report path is empty")
        }
        guard let format = ReportFormat.infer(fromPath: spec) else {
            throw .cannotInferFormat(path: spec)
        }
        return ReportSpec(format: format, path: spec)
    }
}

import Foundation
import PreflightCore

/// Renders the findings as GitHub Actions workflow commands, which the runner turns into
/// annotations on the pull request.
///
/// One line per finding, in report order:
/// `::error file=PATH,line=N,title=preflight CHECK_ID::MESSAGE` (`::warning` for warnings,
/// `::notice` for infos). A finding whose line is unknown has no `line=`; a dataset-level
/// finding has neither `file=` nor `line=`. Escaping follows GitHub's workflow-command rules:
/// in the message `%`, CR and LF become `%25`, `%0D`, `%0A`; property values additionally
/// escape `:` and `,` as `%3A` and `%2C`. A report without findings renders as no bytes.
///
/// With a baseline (`--baseline`), only new and worse findings are annotated — a pull request
/// shows what it introduced — and one `::notice` line counts the others.
public struct GitHubReporter: Reporter {
    /// Creates a GitHub annotations reporter.
    public init() {}

    /// Renders one workflow command per finding, each ending with a newline.
    /// - Complexity: O(n) in the size of the findings.
    public func render(_ report: AuditReport) throws -> Data {
        var out = ""
        if let baseline = report.baseline, baseline.changes.count == report.findings.count {
            var quiet = 0
            for (finding, change) in zip(report.findings, baseline.changes) {
                if change.isRegression {
                    out += Self.command(finding) + "\n"
                } else {
                    quiet += 1
                }
            }
            if quiet > 0 || !baseline.fixed.isEmpty {
                out +=
                    "::notice title=preflight baseline::"
                    + Self.escapeData(
                        "\(ReportNumbers.count(quiet, "finding")) unchanged or improved since "
                            + "\(baseline.path) not annotated; "
                            + "\(ReportNumbers.integer(baseline.fixed.count)) fixed") + "\n"
            }
            return Data(out.utf8)
        }
        for finding in report.findings { out += Self.command(finding) + "\n" }
        return Data(out.utf8)
    }

    /// The workflow command for one finding, without the newline.
    static func command(_ finding: Finding) -> String {
        var properties: [String] = []
        if let location = finding.location {
            properties.append("file=" + escapeProperty(location.path))
            if let line = location.line { properties.append("line=\(line)") }
        }
        properties.append("title=" + escapeProperty("preflight \(finding.checkID.rawValue)"))
        return "::\(command(for: finding.severity)) \(properties.joined(separator: ","))::"
            + escapeData(finding.message)
    }

    static func command(for severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "notice"
        }
    }

    /// A command's message: `%`, CR and LF percent-encoded.
    static func escapeData(_ text: String) -> String {
        escape(text, extra: false)
    }

    /// A property value: as a message, and `:` and `,` too.
    static func escapeProperty(_ text: String) -> String {
        escape(text, extra: true)
    }

    private static func escape(_ text: String, extra: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":" where extra: out += "%3A"
            case "," where extra: out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

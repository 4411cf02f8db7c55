import Foundation
import PreflightCore

/// Renders a `CheckExplanation` (`preflight explain`) as plain terminal text.
///
/// Pure and deterministic: the same explanation gives the same bytes. The title comes first,
/// then each section as an upper-case heading with its lines and its table indented by two
/// columns; table columns are padded to their widest cell (wide characters count two) and
/// the last column is not padded. Every text is escaped (`TerminalText.sanitize`) so data
/// cannot inject control sequences. Lines are not wrapped: sample texts stay on one line.
public struct ExplanationRenderer: Sendable {
    /// Creates a renderer.
    public init() {}

    /// The explanation as UTF-8 text ending with a newline.
    public func render(_ explanation: CheckExplanation) -> Data {
        Data(renderText(explanation).utf8)
    }

    /// The explanation as a string ending with a newline.
    public func renderText(_ explanation: CheckExplanation) -> String {
        var lines = [TerminalText.sanitize(explanation.title)]
        for section in explanation.sections {
            lines.append("")
            lines.append(TerminalText.sanitize(section.title).uppercased())
            lines += section.lines.map { "  " + TerminalText.sanitize($0) }
            if let table = section.table { lines += Self.table(table).map { "  " + $0 } }
        }
        return lines.map(Self.trimmingTrailingSpaces).joined(separator: "\n") + "\n"
    }

    /// A table as padded lines: the header, a rule, then the rows.
    static func table(_ table: CheckExplanation.Table) -> [String] {
        let rows = ([table.header] + table.rows).map { $0.map(TerminalText.sanitize) }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in
            rows.map { c < $0.count ? TerminalText.displayWidth($0[c]) : 0 }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                c == cells.count - 1
                    ? cell
                    : cell
                        + String(repeating: " ", count: widths[c] - TerminalText.displayWidth(cell))
            }.joined(separator: "  ")
        }
        let rule = widths.filter { $0 > 0 }.map { String(repeating: "─", count: $0) }
        return [line(rows[0]), rule.joined(separator: "  ")] + rows.dropFirst().map(line)
    }

    private static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = line
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}

import Foundation
import PreflightCore

/// Lays out a `ReportTable` as aligned terminal columns for `TextReporter`.
///
/// Numeric columns (counts, shares, numbers) are right-aligned, text columns left-aligned.
/// A table wider than the line first narrows its widest text columns (cells are cut with
/// `…`), then leaves out columns from the right; a table longer than `maxRows` shows the
/// first rows. What was left out is counted in `omitted`, which points to the JSON report.
struct TextTable {
    /// The most rows shown; the JSON report has all of them.
    static let maxRows = 25
    /// The widest a text column is before any narrowing.
    static let maxTextWidth = 40
    /// The narrowest a text column is made to fit the line.
    static let minTextWidth = 16
    /// Spaces between columns.
    static let gap = 2

    /// One styled line per shown row, the header first; no line is wider than `width`.
    var lines: [[StyledWord]]
    /// "… 12 more rows and 2 more columns (all in the JSON report)", or nil.
    var omitted: String?

    /// Lays out `table` in at most `width` columns.
    /// - Complexity: O(rows × columns) for the shown rows.
    init(_ table: ReportTable, width: Int) {
        let shownRows = Array(table.rows.prefix(Self.maxRows))
        let headers = table.columns.map(TerminalText.sanitize)
        let cells = shownRows.map { $0.map(Self.format) }
        let numeric = table.columns.indices.map { column in
            let values = table.rows.map { $0[column] }
            return values.contains { if case .empty = $0 { false } else { true } }
                && values.allSatisfy { if case .text = $0 { false } else { true } }
        }
        var widths = table.columns.indices.map { column in
            let natural =
                ([headers[column]] + cells.map { $0[column] })
                .map(TerminalText.displayWidth).max() ?? 0
            return numeric[column] ? natural : min(natural, Self.maxTextWidth)
        }
        func total() -> Int {
            widths.reduce(0, +) + Self.gap * max(0, widths.count - 1)
        }
        // Narrow the widest text columns first, down to `minTextWidth`.
        while total() > width,
            let widest = widths.indices.filter({ !numeric[$0] && widths[$0] > Self.minTextWidth })
                .max(by: { widths[$0] < widths[$1] })
        {
            // Not below the next widest text column, so narrowing is shared between them.
            let others = widths.indices.filter { $0 != widest && !numeric[$0] }.map { widths[$0] }
            let floor = max(Self.minTextWidth, others.max() ?? 0)
            let target = max(floor, widths[widest] - (total() - width))
            widths[widest] = target < widths[widest] ? target : widths[widest] - 1
        }
        // Then leave out columns from the right, keeping the first.
        while total() > width && widths.count > 1 { widths.removeLast() }
        if total() > width { widths[0] = max(1, width) }

        let shown = widths.count
        func line(_ texts: [String], style: TerminalStyle?) -> [StyledWord] {
            var words: [StyledWord] = []
            var pending = 0  // spaces owed before the next word
            for column in 0..<shown {
                let text = TerminalText.truncate(texts[column], toWidth: widths[column])
                let pad = widths[column] - TerminalText.displayWidth(text)
                let last = column == shown - 1
                if numeric[column] {
                    words.append(StyledWord(text, style: style, spaceBefore: pending + pad))
                    pending = Self.gap
                } else {
                    words.append(StyledWord(text, style: style, spaceBefore: pending))
                    pending = Self.gap + (last ? 0 : pad)
                }
            }
            return words
        }
        lines = [line(headers, style: .bold)] + cells.map { line($0, style: nil) }
        var left: [String] = []
        let hiddenRows = table.rows.count - shownRows.count
        if hiddenRows > 0 { left.append(ReportNumbers.count(hiddenRows, "more row")) }
        let hiddenColumns = table.columns.count - shown
        if hiddenColumns > 0 { left.append(ReportNumbers.count(hiddenColumns, "more column")) }
        omitted =
            left.isEmpty
            ? nil : "… " + left.joined(separator: " and ") + " (all in the JSON report)"
    }

    /// A cell as the terminal shows it: counts with thousands separators, shares as
    /// percentages with one decimal, numbers with up to 4 significant digits, empty as `–`.
    static func format(_ cell: ReportCell) -> String {
        switch cell {
        case .text(let text): TerminalText.sanitize(text)
        case .count(let count): ReportNumbers.integer(count)
        case .share(let share): ReportNumbers.percent(share)
        case .number(let number): ReportNumbers.significant(number)
        case .empty: "–"
        }
    }
}

extension TerminalText {
    /// `text` cut to at most `width` columns, ending with `…` when it was cut.
    static func truncate(_ text: String, toWidth width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        guard width > 1 else { return width == 1 ? "…" : "" }
        var out = ""
        var used = 0
        for character in text {
            let w = self.width(of: character)
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }
}

extension ReportNumbers {
    /// A number with up to 4 significant digits: `0.01234`, `37.25`, `1.235e-05`; whole
    /// thousands and above as rounded integers with separators (`12,346`), so columns of
    /// large values stay readable. Non-finite values give `n/a`. Locale-independent.
    static func significant(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        if value == 0 { return "0" }
        if abs(value) >= 10_000 && abs(value) < 1e15 { return integer(Int(value.rounded())) }
        return String(format: "%.4g", value)
    }
}

// Terminal text helpers for `TextReporter`: display width, escaping of untrusted text,
// styled words and word wrapping. Internal so tests can check them directly.

import PreflightCore

// MARK: - Styles

/// An ANSI text style. Only emitted when the reporter's `color` is on.
enum TerminalStyle: Sendable {
    case bold, dim, red, yellow, green, cyan, boldRed, boldYellow, boldGreen

    /// SGR parameters, e.g. `1;31`.
    var sgr: String {
        switch self {
        case .bold: "1"
        case .dim: "2"
        case .red: "31"
        case .yellow: "33"
        case .green: "32"
        case .cyan: "36"
        case .boldRed: "1;31"
        case .boldYellow: "1;33"
        case .boldGreen: "1;32"
        }
    }

    /// `text` wrapped in this style's escape codes, or `text` itself when colour is off.
    func apply(_ text: String, color: Bool) -> String {
        color ? "\u{1B}[\(sgr)m\(text)\u{1B}[0m" : text
    }
}

/// One unbreakable run of text with its style and the spaces that separate it from the
/// previous word on the same line (dropped at the start of a line).
struct StyledWord: Sendable {
    var text: String
    var style: TerminalStyle?
    var spaceBefore: Int

    init(_ text: String, style: TerminalStyle? = nil, spaceBefore: Int = 1) {
        self.text = text
        self.style = style
        self.spaceBefore = spaceBefore
    }

    /// Splits `text` into words on spaces, all with `style`; the first word gets `gap` spaces.
    static func words(_ text: String, style: TerminalStyle? = nil, gap: Int = 1) -> [StyledWord] {
        text.split(separator: " ").enumerated().map { index, word in
            StyledWord(String(word), style: style, spaceBefore: index == 0 ? gap : 1)
        }
    }
}

// MARK: - Width and escaping

enum TerminalText {
    /// The number of terminal columns `text` occupies: East Asian wide characters take two,
    /// combining marks and zero-width characters none. Assumes `text` has no escape codes.
    static func displayWidth(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// Columns of one grapheme cluster: the widest of its scalars.
    static func width(of character: Character) -> Int {
        character.unicodeScalars.reduce(0) { max($0, width(of: $1)) }
    }

    private static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0xFE00...0xFE0F).contains(v) || v == 0x200B { return 0 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
            0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
            0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(v) } ? 2 : 1
    }

    /// `text` with everything that could break the layout or drive the terminal made
    /// visible: control characters (`\n`, `\t`, ESC, …) and bidirectional overrides are
    /// written as escapes, so data cannot inject colours, cursor moves or fake lines.
    static func sanitize(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{202A}"..."\u{202E}",
                "\u{2066}"..."\u{2069}":
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Wrapping

    /// Lays out words greedily into lines of at most `firstWidth` columns for the first line
    /// and `restWidth` for the others; a word wider than a whole line is broken by character.
    /// - Returns: One array of words per line, with `spaceBefore` of each line's first word
    ///   set to 0.
    static func wrap(_ words: [StyledWord], firstWidth: Int, restWidth: Int) -> [[StyledWord]] {
        var lines: [[StyledWord]] = [[]]
        var used = 0
        func limit() -> Int { max(1, lines.count == 1 ? firstWidth : restWidth) }
        func newLine() {
            lines.append([])
            used = 0
        }
        for var word in words {
            var wordWidth = displayWidth(word.text)
            let gap = lines[lines.count - 1].isEmpty ? 0 : word.spaceBefore
            if used + gap + wordWidth <= limit() {
                word.spaceBefore = gap
                lines[lines.count - 1].append(word)
                used += gap + wordWidth
                continue
            }
            if !lines[lines.count - 1].isEmpty { newLine() }
            // Break a word that does not fit on an empty line.
            while wordWidth > limit() {
                var head = ""
                var headWidth = 0
                var rest = Substring(word.text)
                while let c = rest.first, headWidth + width(of: c) <= limit() || head.isEmpty {
                    head.append(c)
                    headWidth += width(of: c)
                    rest = rest.dropFirst()
                }
                lines[lines.count - 1].append(
                    StyledWord(head, style: word.style, spaceBefore: 0))
                newLine()
                word.text = String(rest)
                wordWidth = displayWidth(word.text)
            }
            word.spaceBefore = 0
            if !word.text.isEmpty {
                lines[lines.count - 1].append(word)
                used = wordWidth
            }
        }
        if lines.count > 1 && lines[lines.count - 1].isEmpty { lines.removeLast() }
        return lines
    }

    /// Renders a line of words, merging neighbours of the same style into one escape run.
    static func render(_ words: [StyledWord], color: Bool) -> String {
        var out = ""
        var run = ""
        var runStyle: TerminalStyle? = nil
        func flush() {
            out += runStyle?.apply(run, color: color) ?? run
            run = ""
        }
        for word in words {
            let space = String(repeating: " ", count: word.spaceBefore)
            if word.style == runStyle {
                run += space + word.text
            } else {
                flush()
                out += space
                run = word.text
                runStyle = word.style
            }
        }
        flush()
        return out
    }
}

// MARK: - Numbers

enum ReportNumbers {
    /// An integer with `,` between thousands: `15100` gives `15,100`. Locale-independent.
    static func integer(_ value: Int) -> String { NumberText.grouped(value) }

    /// A share as a percentage with one decimal: `0.1234` gives `12.3%`. Locale-independent.
    static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "n/a" }
        let tenths = Int((share * 1000).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(tenths.magnitude / 10).\(tenths.magnitude % 10)%"
    }

    /// `1 error`, `3 errors`, `1,200 records`.
    static func count(_ value: Int, _ noun: String) -> String {
        "\(integer(value)) \(noun)\(value == 1 ? "" : "s")"
    }
}

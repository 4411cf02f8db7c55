import Foundation
import PreflightCore

/// Reads CSV and TSV with a hand-written RFC 4180 byte parser.
///
/// - Quoted fields may hold delimiters, doubled quotes and newlines; a record's line is the
///   line it starts on. Text after a closing quote is kept (lenient, like most tools).
/// - The first non-blank row is the header. An empty header name becomes `column_<n>`
///   (1-based position); a repeated name gets `_2`, `_3`, … so every field keeps a unique name.
/// - The delimiter is `,` `;` tab or `|`, detected from the first rows (outside quotes), or
///   tab for `.tsv`. A UTF-8 BOM is skipped; CRLF is accepted; empty lines are skipped.
/// - Every value is a string; an empty field is an empty string.
/// - Issues: `ragged_row` (field count differs from the header), `invalid_csv` (a quote
///   never closed, reported at the line where it opened), `invalid_utf8`, `record_too_large`.
struct CSVReader {
    /// The delimiters tried by detection, in order of preference on ties.
    static let candidates: [UInt8] = [0x2C, 0x09, 0x3B, 0x7C]

    /// The delimiter to use; nil detects it.
    var delimiter: UInt8?
    let maxRecordBytes: Int

    /// A field's bytes within the buffer.
    private struct FieldRange {
        var start: Int
        var end: Int
        /// The field was quoted and holds doubled quotes to undo.
        var doubledQuotes: Bool
        /// Bytes after the closing quote, kept as written.
        var trailing: Range<Int>?
    }

    /// One physical record.
    private struct Row {
        var start: Int
        var end: Int
        var line: Int
        /// Set when a quote opened on this line is never closed.
        var unterminatedQuoteLine: Int?
    }

    /// Reads a whole CSV buffer.
    func read(_ bytes: [UInt8]) -> ParsedRecords {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return ParsedRecords() }
            return read(base: base, count: buffer.count)
        }
    }

    private func read(base: UnsafePointer<UInt8>, count: Int) -> ParsedRecords {
        var out = ParsedRecords()
        var pos = 0
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { pos = 3 }
        let delimiter = self.delimiter ?? CSVReader.detectDelimiter(base, from: pos, count: count)
        let invalid = CSVReader.invalidUTF8Offsets(base, from: pos, count: count)
        var invalidIndex = 0
        var line = 1
        var fields: [FieldRange] = []
        var header: [String]?
        var ordinal = 0
        while pos < count {
            guard
                let row = CSVReader.nextRow(
                    base, count: count, pos: &pos, line: &line, delimiter: delimiter,
                    fields: &fields)
            else { continue }
            var badOffset: Int?
            while invalidIndex < invalid.count, invalid[invalidIndex] < row.end {
                if invalid[invalidIndex] >= row.start, badOffset == nil {
                    badOffset = invalid[invalidIndex]
                }
                invalidIndex += 1
            }
            guard let names = header else {
                let raw = fields.map { CSVReader.text(base, $0) }
                out.header = (row.line, raw)
                header = CSVReader.uniqueNames(raw)
                if let openLine = row.unterminatedQuoteLine {
                    out.addIssue(
                        RecordIssue(
                            line: openLine, code: "invalid_csv",
                            message:
                                "unterminated quoted field in the header: the quote opened on line \(openLine) is never closed"
                        ))
                }
                continue
            }
            ordinal += 1
            if let openLine = row.unterminatedQuoteLine {
                out.addIssue(
                    RecordIssue(
                        line: openLine, ordinal: ordinal, code: "invalid_csv",
                        message:
                            "unterminated quoted field: the quote opened on line \(openLine) is never closed"
                    ))
                continue
            }
            if let bad = badOffset {
                out.addIssue(
                    CSVReader.utf8Issue(base, row: row, offset: bad, ordinal: ordinal))
                continue
            }
            if row.end - row.start > maxRecordBytes {
                out.addIssue(
                    RecordIssue(
                        line: row.line, ordinal: ordinal, code: "record_too_large",
                        message:
                            "record is \(row.end - row.start) bytes, above the limit of \(maxRecordBytes) bytes"
                    ))
                continue
            }
            if fields.count != names.count {
                out.addIssue(
                    RecordIssue(
                        line: row.line, ordinal: ordinal, code: "ragged_row",
                        message:
                            "row has \(fields.count) field\(fields.count == 1 ? "" : "s"), the header has \(names.count)"
                    ))
                continue
            }
            var object: [DataField] = []
            object.reserveCapacity(names.count)
            for (name, field) in zip(names, fields) {
                object.append(DataField(name, .string(CSVReader.text(base, field))))
            }
            out.values.append(ParsedValue(line: row.line, ordinal: ordinal, value: .object(object)))
        }
        return out
    }

    private static func utf8Issue(_ base: UnsafePointer<UInt8>, row: Row, offset: Int, ordinal: Int)
        -> RecordIssue
    {
        var line = row.line
        var lineStart = row.start
        for i in row.start..<offset where base[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        let column = UTF8Validation.column(base, lineStart: lineStart, offset: offset)
        let hex = String(base[offset], radix: 16, uppercase: true)
        return RecordIssue(
            line: row.line, ordinal: ordinal, code: "invalid_utf8",
            message:
                "invalid UTF-8 at line \(line), column \(column): byte 0x\(hex) is not valid UTF-8")
    }

    /// Parses the row at `pos`, advancing `pos` and `line`. Returns nil for an empty line.
    private static func nextRow(
        _ base: UnsafePointer<UInt8>, count: Int, pos: inout Int, line: inout Int, delimiter: UInt8,
        fields: inout [FieldRange]
    ) -> Row? {
        fields.removeAll(keepingCapacity: true)
        let start = pos
        let startLine = line
        if base[pos] == 0x0A || (base[pos] == 0x0D && (pos + 1 == count || base[pos + 1] == 0x0A)) {
            pos += base[pos] == 0x0D ? min(2, count - pos) : 1
            line += 1
            return nil
        }
        while true {
            if pos < count, base[pos] == 0x22 {
                let openLine = line
                pos += 1
                let fieldStart = pos
                var doubled = false
                var closed = false
                while pos < count {
                    let b = base[pos]
                    if b == 0x22 {
                        if pos + 1 < count, base[pos + 1] == 0x22 {
                            doubled = true
                            pos += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    if b == 0x0A { line += 1 }
                    pos += 1
                }
                guard closed else {
                    return Row(
                        start: start, end: count, line: startLine, unterminatedQuoteLine: openLine)
                }
                let fieldEnd = pos
                pos += 1
                let trailingStart = pos
                while pos < count, base[pos] != delimiter, base[pos] != 0x0A { pos += 1 }
                var trailingEnd = pos
                if trailingEnd > trailingStart, base[trailingEnd - 1] == 0x0D { trailingEnd -= 1 }
                fields.append(
                    FieldRange(
                        start: fieldStart, end: fieldEnd, doubledQuotes: doubled,
                        trailing: trailingEnd > trailingStart ? trailingStart..<trailingEnd : nil))
            } else {
                let fieldStart = pos
                while pos < count, base[pos] != delimiter, base[pos] != 0x0A { pos += 1 }
                var fieldEnd = pos
                if fieldEnd > fieldStart, base[fieldEnd - 1] == 0x0D,
                    pos == count || base[pos] == 0x0A
                {
                    fieldEnd -= 1
                }
                fields.append(
                    FieldRange(
                        start: fieldStart, end: fieldEnd, doubledQuotes: false, trailing: nil))
            }
            if pos >= count { return Row(start: start, end: pos, line: startLine) }
            if base[pos] == delimiter {
                pos += 1
                continue
            }
            // A newline ends the row.
            pos += 1
            line += 1
            return Row(start: start, end: pos - 1, line: startLine)
        }
    }

    /// A field's text, with doubled quotes undone.
    private static func text(_ base: UnsafePointer<UInt8>, _ field: FieldRange) -> String {
        let raw = UnsafeBufferPointer(start: base + field.start, count: field.end - field.start)
        guard field.doubledQuotes || field.trailing != nil else {
            return String(decoding: raw, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            bytes.append(raw[i])
            i += field.doubledQuotes && raw[i] == 0x22 ? 2 : 1
        }
        if let trailing = field.trailing {
            bytes.append(
                contentsOf: UnsafeBufferPointer(
                    start: base + trailing.lowerBound, count: trailing.count))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Makes header names unique and non-empty.
    static func uniqueNames(_ names: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for (i, raw) in names.enumerated() {
            let base = raw.isEmpty ? "column_\(i + 1)" : raw
            var name = base
            var n = 2
            while seen.contains(name) {
                name = "\(base)_\(n)"
                n += 1
            }
            seen.insert(name)
            out.append(name)
        }
        return out
    }

    /// Picks the delimiter that gives the first rows a consistent field count above one.
    static func detectDelimiter(_ base: UnsafePointer<UInt8>, from start: Int, count: Int) -> UInt8
    {
        let sampleEnd = min(count, start + (64 << 10))
        var best: (delimiter: UInt8, score: Int) = (0x2C, 0)
        for candidate in candidates {
            var pos = start
            var line = 1
            var fields: [FieldRange] = []
            var counts: [Int] = []
            while pos < sampleEnd, counts.count < 20 {
                guard
                    let row = nextRow(
                        base, count: sampleEnd, pos: &pos, line: &line, delimiter: candidate,
                        fields: &fields)
                else { continue }
                if row.unterminatedQuoteLine != nil, !counts.isEmpty { break }
                counts.append(fields.count)
            }
            guard let headerCount = counts.first, headerCount > 1 else { continue }
            let consistent = counts.filter { $0 == headerCount }.count
            let score = consistent * 1000 + min(headerCount, 999)
            if score > best.score { best = (candidate, score) }
        }
        return best.delimiter
    }

    /// Offsets of the first byte of every invalid UTF-8 sequence, in order.
    static func invalidUTF8Offsets(_ base: UnsafePointer<UInt8>, from start: Int, count: Int)
        -> [Int]
    {
        var out: [Int] = []
        var pos = start
        while pos < count, let bad = UTF8Validation.firstInvalid(base, pos, count) {
            out.append(bad)
            pos = bad + 1
        }
        return out
    }
}

import Foundation
import PreflightCore

/// Reads JSON Lines (`.jsonl`, `.ndjson`), one record per non-blank line.
///
/// Bytes arrive in large chunks (`consume`); complete lines are split at byte level and
/// parsed in parallel over about `Parallel.preferredUnits` ranges, merged in order. A UTF-8
/// BOM is skipped, CRLF is accepted, blank lines are neither records nor ordinals, and a
/// missing final newline is fine. A line longer than `maxRecordBytes` is skipped without
/// being held in memory and reported as `record_too_large`.
struct JSONLReader {
    /// Complete lines are parsed once this many bytes are buffered.
    static let batchBytes = 16 << 20

    let maxRecordBytes: Int
    private(set) var output = ParsedRecords()
    private var pending: [UInt8] = []
    private var nextLine = 1
    private var nextOrdinal = 1
    private var atStart = true
    /// Set while skipping the rest of an over-long line.
    private var skipping = false

    /// The content size when known, to reserve room for all records after the first batch.
    private let expectedBytes: Int?

    init(maxRecordBytes: Int, expectedBytes: Int? = nil) {
        self.maxRecordBytes = maxRecordBytes
        self.expectedBytes = expectedBytes
    }

    /// Reads a whole buffer.
    static func read(_ bytes: [UInt8], maxRecordBytes: Int) -> ParsedRecords {
        var reader = JSONLReader(maxRecordBytes: maxRecordBytes)
        _ = bytes.withUnsafeBufferPointer { reader.process($0, final: true) }
        return reader.output
    }

    /// Adds the next chunk of the file.
    mutating func consume(_ chunk: [UInt8]) {
        if skipping {
            guard let newline = chunk.firstIndex(of: 0x0A) else { return }
            skipping = false
            nextLine += 1
            pending.append(contentsOf: chunk[(newline + 1)...])
        } else if pending.isEmpty {
            pending = chunk  // no copy: the common case after each flush
        } else {
            pending.append(contentsOf: chunk)
        }
        if pending.count >= JSONLReader.batchBytes { flush(final: false) }
    }

    /// Reads what is left; call once after the last chunk.
    mutating func finish() -> ParsedRecords {
        if !skipping { flush(final: true) }
        return output
    }

    private mutating func flush(final: Bool) {
        let buffer = pending
        let consumed = buffer.withUnsafeBufferPointer { process($0, final: final) }
        pending = consumed == buffer.count ? [] : Array(buffer[consumed...])
        if !final, pending.count > maxRecordBytes {
            // An over-long line: report it and drop its bytes up to the next newline.
            let issue = tooLarge(
                line: nextLine, ordinal: nextOrdinal, bytes: pending.count, atLeast: true)
            output.addIssue(issue)
            nextOrdinal += 1
            pending.removeAll(keepingCapacity: false)
            skipping = true
        }
    }

    private func tooLarge(line: Int, ordinal: Int, bytes: Int, atLeast: Bool) -> RecordIssue {
        RecordIssue(
            line: line, ordinal: ordinal, code: "record_too_large",
            message:
                "record is \(atLeast ? "more than " : "")\(bytes) bytes, above the limit of \(maxRecordBytes) bytes"
        )
    }

    /// A non-blank line: byte range and physical line number.
    private struct LineRef {
        var start: Int
        var end: Int
        var line: Int
    }

    /// Parses the complete lines of `buffer` (all of it when `final`).
    /// - Returns: the number of bytes consumed.
    @discardableResult
    private mutating func process(_ buffer: UnsafeBufferPointer<UInt8>, final: Bool) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = buffer.count
        var start = 0
        if atStart {
            atStart = false
            if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }
        }
        // Split into lines, sequentially: memchr is far faster than parsing.
        var lines: [LineRef] = []
        lines.reserveCapacity(count / 128)
        var pos = start
        var consumed = 0
        while pos < count {
            let nl: Int
            if let p = memchr(base + pos, 0x0A, count - pos) {
                nl = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self) - base
            } else if final {
                nl = count
            } else {
                break
            }
            var lineEnd = nl
            if lineEnd > pos, base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            var first = pos
            while first < lineEnd, JSONByteParser.isWhitespace(base[first]) { first += 1 }
            if first < lineEnd { lines.append(LineRef(start: pos, end: lineEnd, line: nextLine)) }
            nextLine += 1
            pos = nl + 1
            consumed = min(pos, count)
        }
        if final { consumed = count }
        guard !lines.isEmpty else { return consumed }

        let ordinalBase = nextOrdinal
        nextOrdinal += lines.count
        let shared = SharedBytes(base: base, count: count)
        let maxBytes = maxRecordBytes
        let units = Parallel.ranges(lines.count)
        let results = lines.withUnsafeBufferPointer { linesBuffer in
            let refs = SharedLines(base: linesBuffer.baseAddress, count: linesBuffer.count)
            return Parallel.map(units.count) { u in
                JSONLReader.parse(
                    bytes: shared, lines: refs, range: units[u], ordinalBase: ordinalBase,
                    maxRecordBytes: maxBytes)
            }
        }
        let firstBatch = output.values.isEmpty && output.issues.isEmpty
        for part in results { output.append(part) }
        if firstBatch, let expected = expectedBytes, consumed > 0, expected > consumed {
            // Reserve once from the first batch's density instead of doubling repeatedly.
            let estimate = Double(output.values.count) * Double(expected) / Double(consumed) * 1.05
            output.values.reserveCapacity(Int(min(estimate, Double(Int32.max))))
        }
        return consumed
    }

    private struct SharedLines: @unchecked Sendable {
        let base: UnsafePointer<LineRef>?
        let count: Int
    }

    /// Parses lines `range` of one batch.
    private static func parse(
        bytes: SharedBytes, lines: SharedLines, range: Range<Int>, ordinalBase: Int,
        maxRecordBytes: Int
    ) -> ParsedRecords {
        var out = ParsedRecords()
        out.values.reserveCapacity(range.count)
        guard let lineBase = lines.base else { return out }
        var parser = JSONByteParser(base: bytes.base, start: 0, end: 0)
        for i in range {
            let ref = lineBase[i]
            let ordinal = ordinalBase + i
            if ref.end - ref.start > maxRecordBytes {
                out.addIssue(
                    RecordIssue(
                        line: ref.line, ordinal: ordinal, code: "record_too_large",
                        message:
                            "record is \(ref.end - ref.start) bytes, above the limit of \(maxRecordBytes) bytes"
                    ))
                continue
            }
            parser.reset(start: ref.start, end: ref.end)
            do throws(JSONSyntaxError) {
                let value = try parser.parseValue()
                parser.skipWhitespace()
                if parser.pos != ref.end {
                    throw JSONSyntaxError(
                        offset: parser.pos, message: "unexpected data after the value",
                        isEncoding: false)
                }
                if case .object = value {
                    out.values.append(ParsedValue(line: ref.line, ordinal: ordinal, value: value))
                } else {
                    out.addIssue(
                        RecordIssue(
                            line: ref.line, ordinal: ordinal, code: "not_an_object",
                            message: "expected a JSON object, found \(value.kindNameWithArticle)"))
                }
            } catch {
                let column = UTF8Validation.column(
                    bytes.base, lineStart: ref.start, offset: error.offset)
                out.addIssue(
                    RecordIssue(
                        line: ref.line, ordinal: ordinal, code: error.code,
                        message: error.issueMessage(column: column)))
            }
        }
        return out
    }
}

extension DataValue {
    /// "an array", "a string", … for messages.
    var kindNameWithArticle: String {
        switch self {
        case .array, .object: "an \(kindName)"
        default: "a \(kindName)"
        }
    }
}

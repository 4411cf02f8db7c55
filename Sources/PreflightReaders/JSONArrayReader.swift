import Foundation
import PreflightCore

/// Reads a `.json` file: a top-level array of objects, or an object with an `examples` array.
///
/// Each element's line is the line where it starts. A syntax error is an `invalid_json`
/// issue at its line and column and ends reading (records before it stay); it carries the
/// ordinal of the element it broke, none when it falls between elements (an array never
/// closed). A trailing comma is an `invalid_json` issue without an ordinal and reading goes
/// on. An element that is not an object is `not_an_object`; any other top level is
/// `invalid_json` at line 1.
struct JSONArrayReader {
    let maxRecordBytes: Int

    /// Reads a whole buffer.
    func read(_ bytes: [UInt8]) -> ParsedRecords {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return ParsedRecords() }
            var state = State(base: base, count: buffer.count, maxRecordBytes: maxRecordBytes)
            state.run()
            return state.out
        }
    }

    private struct State {
        let base: UnsafePointer<UInt8>
        let count: Int
        let maxRecordBytes: Int
        var parser: JSONByteParser
        var out = ParsedRecords()
        /// Line counting: the line of `countedTo`.
        var countedTo = 0
        var line = 1
        var ordinal = 0

        init(base: UnsafePointer<UInt8>, count: Int, maxRecordBytes: Int) {
            self.base = base
            self.count = count
            self.maxRecordBytes = maxRecordBytes
            var start = 0
            if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }
            parser = JSONByteParser(base: base, start: start, end: count)
            countedTo = start
        }

        /// The 1-based line of `offset` (offsets are asked for in increasing order).
        mutating func lineOf(_ offset: Int) -> Int {
            while countedTo < offset {
                if let p = memchr(base + countedTo, 0x0A, offset - countedTo) {
                    countedTo = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self) - base + 1
                    line += 1
                } else {
                    countedTo = offset
                }
            }
            return line
        }

        mutating func syntaxIssue(_ error: JSONSyntaxError, ordinal: Int?) {
            let line = lineOf(error.offset)
            var lineStart = error.offset
            while lineStart > 0, base[lineStart - 1] != 0x0A { lineStart -= 1 }
            let column = UTF8Validation.column(base, lineStart: lineStart, offset: error.offset)
            let what = error.isEncoding ? "invalid UTF-8" : "invalid JSON"
            out.addIssue(
                RecordIssue(
                    line: line, ordinal: ordinal, code: error.code,
                    message: "\(what) at line \(line), column \(column): \(error.message)"))
        }

        mutating func topLevelIssue(_ found: String) {
            out.addIssue(
                RecordIssue(
                    line: 1, code: "invalid_json",
                    message:
                        "expected a top-level array of objects or an object with an 'examples' array, found \(found)"
                ))
        }

        mutating func run() {
            parser.skipWhitespace()
            guard parser.pos < count else { return }
            switch base[parser.pos] {
            case 0x5B:
                if readElements() { checkTrailing() }
            case 0x7B:
                readExamplesObject()
            default:
                do throws(JSONSyntaxError) {
                    let value = try parser.parseValue()
                    topLevelIssue(value.kindNameWithArticle)
                } catch {
                    syntaxIssue(error, ordinal: nil)
                }
            }
        }

        /// Reads `[ … ]` at `pos`, one record per element. Returns false after a syntax error.
        @discardableResult
        mutating func readElements() -> Bool {
            parser.pos += 1
            parser.skipWhitespace()
            if parser.pos < count, base[parser.pos] == 0x5D {
                parser.pos += 1
                return true
            }
            while true {
                parser.skipWhitespace()
                let start = parser.pos
                if start < count, base[start] == 0x5D {
                    // `[a, b, ]`: every element is read; the stray comma is a file-level issue.
                    syntaxIssue(
                        JSONSyntaxError(
                            offset: start, message: "trailing comma before ']'", isEncoding: false),
                        ordinal: nil)
                    parser.pos += 1
                    return true
                }
                let elementLine = lineOf(start)
                ordinal += 1
                // Set once the element is complete: a later error is not about it.
                var complete = false
                do throws(JSONSyntaxError) {
                    let value = try parser.parseValue()
                    complete = true
                    if parser.pos - start > maxRecordBytes {
                        out.addIssue(
                            RecordIssue(
                                line: elementLine, ordinal: ordinal, code: "record_too_large",
                                message:
                                    "record is \(parser.pos - start) bytes, above the limit of \(maxRecordBytes) bytes"
                            ))
                    } else if case .object = value {
                        out.values.append(
                            ParsedValue(line: elementLine, ordinal: ordinal, value: value))
                    } else {
                        out.addIssue(
                            RecordIssue(
                                line: elementLine, ordinal: ordinal, code: "not_an_object",
                                message:
                                    "expected a JSON object, found \(value.kindNameWithArticle)"))
                    }
                    parser.skipWhitespace()
                    guard parser.pos < count else {
                        throw JSONSyntaxError(
                            offset: parser.pos, message: "expected ',' or ']' after a value",
                            isEncoding: false)
                    }
                    let b = base[parser.pos]
                    if b == 0x2C {
                        parser.pos += 1
                        continue
                    }
                    if b == 0x5D {
                        parser.pos += 1
                        return true
                    }
                    throw JSONSyntaxError(
                        offset: parser.pos, message: "expected ',' or ']' after a value",
                        isEncoding: false)
                } catch {
                    syntaxIssue(error, ordinal: !complete && error.offset >= start ? ordinal : nil)
                    return false
                }
            }
        }

        /// Reads `{ …, "examples": [ … ], … }`.
        mutating func readExamplesObject() {
            parser.pos += 1
            var found = false
            do throws(JSONSyntaxError) {
                parser.skipWhitespace()
                if parser.pos < count, base[parser.pos] == 0x7D {
                    topLevelIssue("an object without 'examples'")
                    return
                }
                while true {
                    parser.skipWhitespace()
                    guard parser.pos < count, base[parser.pos] == 0x22 else {
                        throw JSONSyntaxError(
                            offset: parser.pos, message: "expected a field name in double quotes",
                            isEncoding: false)
                    }
                    let key = try parser.parseString()
                    parser.skipWhitespace()
                    guard parser.pos < count, base[parser.pos] == 0x3A else {
                        throw JSONSyntaxError(
                            offset: parser.pos, message: "expected ':' after a field name",
                            isEncoding: false)
                    }
                    parser.pos += 1
                    parser.skipWhitespace()
                    if key == "examples", !found {
                        guard parser.pos < count, base[parser.pos] == 0x5B else {
                            let value = try parser.parseValue()
                            out.addIssue(
                                RecordIssue(
                                    line: 1, code: "invalid_json",
                                    message:
                                        "expected 'examples' to be an array of objects, found \(value.kindNameWithArticle)"
                                ))
                            return
                        }
                        found = true
                        guard readElements() else { return }
                    } else {
                        _ = try parser.parseValue()
                    }
                    parser.skipWhitespace()
                    guard parser.pos < count else {
                        throw JSONSyntaxError(
                            offset: parser.pos, message: "expected ',' or '}' after a value",
                            isEncoding: false)
                    }
                    let b = base[parser.pos]
                    parser.pos += 1
                    if b == 0x2C { continue }
                    if b == 0x7D { break }
                    throw JSONSyntaxError(
                        offset: parser.pos - 1, message: "expected ',' or '}' after a value",
                        isEncoding: false)
                }
                if !found { topLevelIssue("an object without 'examples'") }
            } catch {
                syntaxIssue(error, ordinal: nil)
                return
            }
            checkTrailing()
        }

        mutating func checkTrailing() {
            parser.skipWhitespace()
            if parser.pos < count {
                syntaxIssue(
                    JSONSyntaxError(
                        offset: parser.pos, message: "unexpected data after the value",
                        isEncoding: false), ordinal: nil)
            }
        }
    }
}

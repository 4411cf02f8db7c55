/// A JSON syntax or encoding error at a byte offset of the parser's buffer.
public struct JSONSyntaxError: Error, Sendable {
    /// Absolute offset into the buffer where the problem is.
    public var offset: Int
    /// What is wrong, e.g. "expected ',' or '}' after a value".
    public var message: String
    /// True when the problem is the text encoding (invalid UTF-8, a lone surrogate).
    public var isEncoding: Bool

    /// An error at `offset` of the parser's buffer.
    public init(offset: Int, message: String, isEncoding: Bool) {
        self.offset = offset
        self.message = message
        self.isEncoding = isEncoding
    }
}

/// A hand-written, byte-level JSON parser producing `DataValue`.
///
/// Full RFC 8259 JSON: escapes, `\u` with surrogate pairs, numbers kept as their lexeme.
/// Invalid UTF-8 and lone surrogates are encoding errors; nesting is limited to
/// `maxDepth` so that hostile input cannot overflow the stack. One parser is reused for many
/// lines (`reset`), so its scratch stacks allocate once.
///
/// It lives in Core, beside `DataValue`, because two layers parse JSON: the readers (JSONL
/// lines, JSON arrays) and the checks that parse text inside records (`output_consistency`
/// reads JSON targets), and checks may import only Core.
public struct JSONByteParser {
    /// The deepest nesting accepted.
    public static let maxDepth = 128

    /// The buffer parsed; offsets (`pos`, `end`, error offsets) are relative to it.
    public let base: UnsafePointer<UInt8>
    /// Exclusive end of the current input.
    public private(set) var end: Int
    /// The next byte to read.
    public var pos: Int
    private var depth = 0
    private var fieldStack: [DataField] = []
    private var valueStack: [DataValue] = []
    private var scratch: [UInt8] = []

    /// A parser of `base[start..<end]`; the buffer must outlive the parser.
    public init(base: UnsafePointer<UInt8>, start: Int, end: Int) {
        self.base = base
        self.pos = start
        self.end = end
    }

    /// Points the parser at another range of the same buffer.
    public mutating func reset(start: Int, end: Int) {
        pos = start
        self.end = end
        depth = 0
        fieldStack.removeAll(keepingCapacity: true)
        valueStack.removeAll(keepingCapacity: true)
    }

    // MARK: - Bytes

    private static let quote: UInt8 = 0x22
    private static let backslash: UInt8 = 0x5C

    /// True for the four JSON whitespace bytes.
    @inlinable public static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }

    /// Moves `pos` past JSON whitespace.
    @inline(__always) public mutating func skipWhitespace() {
        while pos < end, JSONByteParser.isWhitespace(base[pos]) { pos += 1 }
    }

    private func fail(_ message: String, at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, message: message, isEncoding: false)
    }

    /// An error for an unexpected byte: an encoding error when the byte starts invalid UTF-8.
    private func unexpected(_ message: String) -> JSONSyntaxError {
        if pos < end, base[pos] >= 0x80,
            let bad = UTF8Validation.firstInvalid(base, pos, min(end, pos + 4)),
            bad == pos
        {
            return invalidUTF8(at: pos)
        }
        return fail(message, at: pos)
    }

    private func invalidUTF8(at offset: Int) -> JSONSyntaxError {
        let byte = String(base[offset], radix: 16, uppercase: true)
        return JSONSyntaxError(
            offset: offset,
            message: "byte 0x\(byte.count == 1 ? "0" : "")\(byte) is not valid UTF-8",
            isEncoding: true)
    }

    // MARK: - Values

    /// Parses one value starting at `pos` (leading whitespace skipped).
    public mutating func parseValue() throws(JSONSyntaxError) -> DataValue {
        skipWhitespace()
        guard pos < end else { throw fail("expected a value", at: pos) }
        switch base[pos] {
        case 0x7B: return try parseObject()
        case 0x5B: return try parseArray()
        case JSONByteParser.quote: return .string(try parseString())
        case 0x74:
            try literal("true")
            return .bool(true)
        case 0x66:
            try literal("false")
            return .bool(false)
        case 0x6E:
            try literal("null")
            return .null
        case 0x2D, 0x30...0x39: return .number(try parseNumber())
        default: throw unexpected("expected a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        guard pos + n <= end else { throw fail("expected a value", at: pos) }
        for i in 0..<n where base[pos + i] != w[i] { throw fail("expected a value", at: pos) }
        pos += n
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONByteParser.maxDepth {
            throw fail("nesting is deeper than \(JSONByteParser.maxDepth) levels", at: pos)
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> DataValue {
        try enter()
        pos += 1
        skipWhitespace()
        if pos < end, base[pos] == 0x7D {
            pos += 1
            depth -= 1
            return .object([])
        }
        let mark = fieldStack.count
        while true {
            skipWhitespace()
            guard pos < end, base[pos] == JSONByteParser.quote else {
                throw unexpected("expected a field name in double quotes")
            }
            let name = try parseString()
            skipWhitespace()
            guard pos < end, base[pos] == 0x3A else {
                throw unexpected("expected ':' after a field name")
            }
            pos += 1
            let value = try parseValue()
            fieldStack.append(DataField(name, value))
            skipWhitespace()
            guard pos < end else { throw fail("expected ',' or '}' after a value", at: pos) }
            let b = base[pos]
            pos += 1
            if b == 0x2C { continue }
            if b == 0x7D { break }
            pos -= 1
            throw unexpected("expected ',' or '}' after a value")
        }
        let fields = Array(fieldStack[mark...])
        fieldStack.removeSubrange(mark...)
        depth -= 1
        return .object(fields)
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> DataValue {
        try enter()
        pos += 1
        skipWhitespace()
        if pos < end, base[pos] == 0x5D {
            pos += 1
            depth -= 1
            return .array([])
        }
        let mark = valueStack.count
        while true {
            let value = try parseValue()
            valueStack.append(value)
            skipWhitespace()
            guard pos < end else { throw fail("expected ',' or ']' after a value", at: pos) }
            let b = base[pos]
            pos += 1
            if b == 0x2C { continue }
            if b == 0x5D { break }
            pos -= 1
            throw unexpected("expected ',' or ']' after a value")
        }
        let items = Array(valueStack[mark...])
        valueStack.removeSubrange(mark...)
        depth -= 1
        return .array(items)
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = pos
        if base[pos] == 0x2D { pos += 1 }
        @inline(__always) func isDigit(_ i: Int) -> Bool {
            i < end && base[i] >= 0x30 && base[i] <= 0x39
        }
        guard isDigit(pos) else { throw fail("invalid number", at: pos) }
        if base[pos] == 0x30 {
            pos += 1
        } else {
            while isDigit(pos) { pos += 1 }
        }
        if pos < end, base[pos] == 0x2E {
            pos += 1
            guard isDigit(pos) else {
                throw fail("invalid number: expected a digit after '.'", at: pos)
            }
            while isDigit(pos) { pos += 1 }
        }
        if pos < end, base[pos] | 0x20 == 0x65 {
            pos += 1
            if pos < end, base[pos] == 0x2B || base[pos] == 0x2D { pos += 1 }
            guard isDigit(pos) else {
                throw fail("invalid number: expected a digit in the exponent", at: pos)
            }
            while isDigit(pos) { pos += 1 }
        }
        return String(
            decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
    }

    // MARK: - Strings

    @inline(__always) private static func hasZeroByte(_ v: UInt64) -> UInt64 {
        (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }

    /// Parses a string at `pos` (which holds the opening quote).
    /// The common case — no escapes — decodes straight from the buffer.
    public mutating func parseString() throws(JSONSyntaxError) -> String {
        let open = pos
        pos += 1
        let start = pos
        var ascii = true
        while true {
            // Skip eight bytes at a time while none is a quote, a backslash, a control
            // character or (until the first one is seen) a non-ASCII byte.
            while pos &+ 8 <= end {
                let w = UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self)
                var m = JSONByteParser.hasZeroByte(w ^ 0x2222_2222_2222_2222)
                m |= JSONByteParser.hasZeroByte(w ^ 0x5C5C_5C5C_5C5C_5C5C)
                m |= (w &- 0x2020_2020_2020_2020) & ~w & 0x8080_8080_8080_8080
                if ascii { m |= w & 0x8080_8080_8080_8080 }
                if m != 0 { break }
                pos &+= 8
            }
            guard pos < end else { throw fail("unterminated string", at: open) }
            let b = base[pos]
            if b == JSONByteParser.quote {
                let count = pos - start
                pos += 1
                if !ascii, let bad = UTF8Validation.firstInvalid(base, start, start + count) {
                    throw invalidUTF8(at: bad)
                }
                return String(
                    decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self)
            }
            if b == JSONByteParser.backslash {
                return try parseEscapedString(open: open, start: start)
            }
            if b < 0x20 { throw controlCharacter(b) }
            if b >= 0x80 { ascii = false }
            pos += 1
        }
    }

    private func controlCharacter(_ b: UInt8) -> JSONSyntaxError {
        let hex = String(b, radix: 16, uppercase: true)
        return fail(
            "control character U+00\(hex.count == 1 ? "0" : "")\(hex) must be escaped in a string",
            at: pos)
    }

    private mutating func parseEscapedString(open: Int, start: Int) throws(JSONSyntaxError)
        -> String
    {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: pos - start))
        var sawHigh = false
        while pos < end {
            let b = base[pos]
            if b == JSONByteParser.quote {
                if sawHigh, let bad = UTF8Validation.firstInvalid(base, start, pos) {
                    throw invalidUTF8(at: bad)
                }
                pos += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b < 0x20 { throw controlCharacter(b) }
            if b != JSONByteParser.backslash {
                if b >= 0x80 { sawHigh = true }
                scratch.append(b)
                pos += 1
                continue
            }
            let escapeStart = pos
            pos += 1
            guard pos < end else { throw fail("unterminated string", at: open) }
            let e = base[pos]
            pos += 1
            switch e {
            case 0x22, 0x5C, 0x2F: scratch.append(e)
            case 0x62: scratch.append(0x08)
            case 0x66: scratch.append(0x0C)
            case 0x6E: scratch.append(0x0A)
            case 0x72: scratch.append(0x0D)
            case 0x74: scratch.append(0x09)
            case 0x75:
                var scalar = try hex4(escapeStart)
                if scalar >= 0xD800, scalar <= 0xDBFF {
                    guard pos + 1 < end, base[pos] == 0x5C, base[pos + 1] == 0x75 else {
                        throw loneSurrogate(scalar, at: escapeStart)
                    }
                    let lowStart = pos
                    pos += 2
                    let low = try hex4(lowStart)
                    guard low >= 0xDC00, low <= 0xDFFF else {
                        throw loneSurrogate(scalar, at: escapeStart)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00, scalar <= 0xDFFF {
                    throw loneSurrogate(scalar, at: escapeStart)
                }
                appendUTF8(scalar)
            default:
                let shown = e >= 0x20 && e < 0x7F ? String(UnicodeScalar(e)) : "?"
                throw fail("invalid escape sequence '\\\(shown)'", at: escapeStart)
            }
        }
        throw fail("unterminated string", at: open)
    }

    private func loneSurrogate(_ unit: UInt32, at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(
            offset: offset,
            message:
                "lone surrogate '\\u\(String(unit, radix: 16, uppercase: true))' cannot be encoded as UTF-8",
            isEncoding: true)
    }

    /// Reads four hex digits after `\u` (pos is at the first digit).
    private mutating func hex4(_ escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        guard pos + 4 <= end else {
            throw fail("invalid \\u escape: expected four hex digits", at: escapeStart)
        }
        var v: UInt32 = 0
        for i in 0..<4 {
            let c = base[pos + i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("invalid \\u escape: expected four hex digits", at: escapeStart)
            }
            v = v << 4 | d
        }
        pos += 4
        return v
    }

    private mutating func appendUTF8(_ s: UInt32) {
        switch s {
        case 0..<0x80:
            scratch.append(UInt8(s))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | s >> 6))
            scratch.append(UInt8(0x80 | s & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | s >> 12))
            scratch.append(UInt8(0x80 | (s >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | s >> 18))
            scratch.append(UInt8(0x80 | (s >> 12) & 0x3F))
            scratch.append(UInt8(0x80 | (s >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        }
    }
}

extension JSONSyntaxError {
    /// The issue code: `invalid_utf8` for encoding problems, else `invalid_json`.
    public var code: String { isEncoding ? "invalid_utf8" : "invalid_json" }

    /// "invalid JSON at column 17: expected ',' or '}' after a value".
    public func issueMessage(column: Int) -> String {
        "\(isEncoding ? "invalid UTF-8" : "invalid JSON") at column \(column): \(message)"
    }
}

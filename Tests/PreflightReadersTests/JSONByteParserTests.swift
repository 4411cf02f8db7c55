import PreflightCore
import Testing

@testable import PreflightReaders

@Suite struct JSONByteParserTests {
    private func parse(_ text: String) -> Result<DataValue, JSONSyntaxError> {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Result<DataValue, JSONSyntaxError> in
            guard let base = buffer.baseAddress else {
                return .failure(JSONSyntaxError(offset: 0, message: "empty", isEncoding: false))
            }
            var parser = JSONByteParser(base: base, start: 0, end: buffer.count)
            do throws(JSONSyntaxError) {
                let v = try parser.parseValue()
                parser.skipWhitespace()
                if parser.pos != buffer.count {
                    return .failure(
                        JSONSyntaxError(offset: parser.pos, message: "trailing", isEncoding: false))
                }
                return .success(v)
            } catch {
                return .failure(error)
            }
        }
    }

    @Test func values() throws {
        let v = try parse(#"{"a": [1, -2.5e+3, 0, true, false, null], "b": {"c": "d"}, "e": ""}"#)
            .get()
        #expect(
            v
                == .object([
                    DataField(
                        "a",
                        .array([
                            .number("1"), .number("-2.5e+3"), .number("0"), .bool(true),
                            .bool(false), .null,
                        ])),
                    DataField("b", .object([DataField("c", .string("d"))])),
                    DataField("e", .string("")),
                ]))
    }

    @Test func escapes() throws {
        let v = try parse(#""q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u20ac \ud83d\ude00""#).get()
        #expect(v == .string("q\" b\\ s/ \u{8}\u{c}\n\r\t Aé€ 😀"))
        // Long strings use the eight-bytes-at-a-time path on both sides of an escape.
        let long = String(repeating: "abcdefgh", count: 20)
        #expect(
            try parse("\"\(long)\\n\(long)é\(long)\"").get()
                == .string(long + "\n" + long + "é" + long))
    }

    static let errorCases: [(text: String, offset: Int, message: String, encoding: Bool)] = [
        (#"{"a" 1}"#, 5, "expected ':' after a field name", false),
        (#"{"a": 1 "b": 2}"#, 8, "expected ',' or '}' after a value", false),
        (#"[1 2]"#, 3, "expected ',' or ']' after a value", false),
        (#"{a: 1}"#, 1, "expected a field name in double quotes", false),
        (#""abc"#, 0, "unterminated string", false),
        ("\"a\tb\"", 2, "control character U+0009 must be escaped in a string", false),
        (#""\x""#, 1, #"invalid escape sequence '\x'"#, false),
        (#""\u12G4""#, 1, #"invalid \u escape: expected four hex digits"#, false),
        (#""\udc00""#, 1, #"lone surrogate '\uDC00' cannot be encoded as UTF-8"#, true),
        (#"-"#, 1, "invalid number", false),
        (#"1."#, 2, "invalid number: expected a digit after '.'", false),
        (#"tru"#, 0, "expected a value", false),
        (#"[1,]"#, 3, "expected a value", false),
    ]

    @Test func errors() {
        for c in JSONByteParserTests.errorCases {
            guard case .failure(let error) = parse(c.text) else {
                Issue.record("expected an error for \(c.text)")
                continue
            }
            #expect(error.offset == c.offset, "\(c.text)")
            #expect(error.message == c.message)
            #expect(error.isEncoding == c.encoding, "\(c.text)")
        }
    }

    @Test func invalidUTF8() {
        for bytes: [UInt8] in [
            [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xC0, 0xAF, 0x22],
            [0x7B, 0xFF],
        ] {
            let result = bytes.withUnsafeBufferPointer { buffer -> JSONSyntaxError? in
                var parser = JSONByteParser(base: buffer.baseAddress!, start: 0, end: buffer.count)
                do throws(JSONSyntaxError) { _ = try parser.parseValue() } catch { return error }
                return nil
            }
            #expect(result?.isEncoding == true, "\(bytes)")
        }
    }
}

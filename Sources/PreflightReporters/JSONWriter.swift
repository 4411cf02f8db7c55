import Foundation

/// Writes pretty-printed JSON as UTF-8 bytes into one growing buffer.
///
/// The layout is byte for byte what Foundation's `JSONEncoder` writes with
/// `[.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]`, with empty containers as `[]`
/// and `{}`: two spaces of indentation per level, `" : "` between a key and its value,
/// `",\n"` between elements, and strings escaped as the encoder escapes them (`\"`, `\\`,
/// `\b`, `\f`, `\n`, `\r`, `\t`, other control characters as `\u00xx` in lowercase hex,
/// everything else, `/` and non-ASCII included, as is).
///
/// The writer does not sort: callers write keys in ascending UTF-8 byte order, the order
/// `.sortedKeys` uses on Linux. Debug builds trap on a key that is out of order.
struct JSONWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []
    /// The open containers, innermost last.
    private var open: [Container] = []

    private struct Container {
        var isArray: Bool
        var count = 0
        #if DEBUG
            var lastKey: [UInt8]?
        #endif
    }

    /// Creates a writer whose buffer can hold `capacity` bytes before it grows.
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Containers

    mutating func beginObject() {
        beforeValue()
        bytes.append(UInt8(ascii: "{"))
        open.append(Container(isArray: false))
    }

    mutating func endObject() {
        close(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        beforeValue()
        bytes.append(UInt8(ascii: "["))
        open.append(Container(isArray: true))
    }

    mutating func endArray() {
        close(UInt8(ascii: "]"))
    }

    /// Writes the key of the next member of the open object. The key is written as is: the
    /// contract's own keys are plain ASCII that needs no escaping.
    mutating func key(_ key: StaticString) {
        let utf8 = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        beforeKey(utf8)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: utf8)
        bytes.append(UInt8(ascii: "\""))
        appendKeySeparator()
    }

    /// Writes a key that comes from the data, escaped.
    mutating func key(escaping key: String) {
        var key = key
        key.withUTF8 { utf8 in
            beforeKey(utf8)
            appendQuoted(utf8)
        }
        appendKeySeparator()
    }

    // MARK: Values

    mutating func string(_ value: String) {
        beforeValue()
        var value = value
        value.withUTF8 { appendQuoted($0) }
    }

    /// Writes the string, or `null` when it is nil.
    mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    mutating func integer(_ value: Int) {
        integer(Int64(value))
    }

    mutating func integer(_ value: Int64) {
        beforeValue()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        guard magnitude >= 10 else {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude))
            return
        }
        // 20 digits hold UInt64.max.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = 20
            while magnitude > 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index..<20]))
        }
    }

    /// Writes a finite Double as `JSONEncoder` does: its `description` without a final `.0`.
    mutating func real(_ value: Double) {
        precondition(value.isFinite, "JSON has no text for \(value)")
        beforeValue()
        let text = value.description
        var utf8 = text.utf8[...]
        if utf8.count >= 2, utf8.suffix(2).elementsEqual(".0".utf8) {
            utf8 = utf8.dropLast(2)
        }
        bytes.append(contentsOf: utf8)
    }

    mutating func boolean(_ value: Bool) {
        beforeValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        beforeValue()
        bytes.append(contentsOf: "null".utf8)
    }

    /// The finished document followed by a newline; the writer is left empty.
    ///
    /// `mutating` rather than `consuming`: appending to a consumed copy made the optimizer
    /// copy the whole buffer first, since the caller's variable still shared it.
    mutating func finish() -> Data {
        precondition(open.isEmpty, "\(open.count) JSON containers left open")
        bytes.append(UInt8(ascii: "\n"))
        let data = Data(bytes)
        bytes = []
        return data
    }

    // MARK: Layout

    /// Separates a key from its value: `" : "`.
    private mutating func appendKeySeparator() {
        bytes.append(UInt8(ascii: " "))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
    }

    /// Starts the next element of an open array on its own line; inside an object the key
    /// did that already.
    private mutating func beforeValue() {
        guard let last = open.indices.last, open[last].isArray else { return }
        newElement(last)
    }

    private mutating func beforeKey(_ key: UnsafeBufferPointer<UInt8>) {
        guard let last = open.indices.last, !open[last].isArray else {
            preconditionFailure("a JSON key outside an object")
        }
        #if DEBUG
            if let previous = open[last].lastKey {
                assert(
                    previous.lexicographicallyPrecedes(key),
                    "JSON key '\(String(decoding: key, as: UTF8.self))' is out of order")
            }
            open[last].lastKey = Array(key)
        #endif
        newElement(last)
    }

    private mutating func newElement(_ level: Int) {
        if open[level].count > 0 { bytes.append(UInt8(ascii: ",")) }
        open[level].count += 1
        bytes.append(UInt8(ascii: "\n"))
        indent(open.count)
    }

    private mutating func close(_ bracket: UInt8) {
        guard let container = open.popLast() else {
            preconditionFailure("closing a JSON container that is not open")
        }
        if container.count > 0 {
            bytes.append(UInt8(ascii: "\n"))
            indent(open.count)
        }
        bytes.append(bracket)
    }

    private static let spaces: StaticString = "                                "

    private mutating func indent(_ level: Int) {
        var remaining = 2 * level
        while remaining > 0 {
            let count = min(remaining, Self.spaces.utf8CodeUnitCount)
            bytes.append(
                contentsOf: UnsafeBufferPointer(start: Self.spaces.utf8Start, count: count))
            remaining -= count
        }
    }

    // MARK: Strings

    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var start = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                continue
            }
            if start < index {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
            }
            appendEscape(byte)
            start = index + 1
        }
        if start < utf8.count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            bytes.append(contentsOf: "u00".utf8)
            bytes.append(Self.hexDigit(byte >> 4))
            bytes.append(Self.hexDigit(byte & 0x0F))
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") &+ value : UInt8(ascii: "a") &+ (value &- 10)
    }
}

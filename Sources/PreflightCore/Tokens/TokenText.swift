/// The Unicode classes the pre-tokenizer scanners test, one bit each.
///
/// `\p{L}` is `letter`; `\p{N}` is `number`; `\s` is `space` (the White_Space property, as in
/// Rust's `regex` and Oniguruma); `\p{P}` is `punctuation`, `\p{S}` is `symbol`.
struct CharClass: OptionSet, Sendable {
    let rawValue: UInt16
    /// Any letter (L).
    static let letter = CharClass(rawValue: 1 << 0)
    /// Lu or Lt.
    static let upper = CharClass(rawValue: 1 << 1)
    /// Ll.
    static let lower = CharClass(rawValue: 1 << 2)
    /// Lm or Lo.
    static let otherLetter = CharClass(rawValue: 1 << 3)
    /// Any mark (M).
    static let mark = CharClass(rawValue: 1 << 4)
    /// Any number (N).
    static let number = CharClass(rawValue: 1 << 5)
    /// White_Space.
    static let space = CharClass(rawValue: 1 << 6)
    /// "\r" or "\n".
    static let newline = CharClass(rawValue: 1 << 7)
    /// Any punctuation (P).
    static let punctuation = CharClass(rawValue: 1 << 8)
    /// Any symbol (S).
    static let symbol = CharClass(rawValue: 1 << 9)
    /// A-Z, a-z.
    static let asciiLetter = CharClass(rawValue: 1 << 10)
    /// An ASCII punctuation or symbol character: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
    static let asciiPunctuation = CharClass(rawValue: 1 << 11)
    /// U+4E00–U+9FA5, U+3040–U+309F, U+30A0–U+30FF (CJK ideographs, hiragana, katakana).
    static let cjk = CharClass(rawValue: 1 << 12)

    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]` of o200k_base.
    static let upperish: CharClass = [.upper, .otherLetter, .mark]
    /// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]` of o200k_base.
    static let lowerish: CharClass = [.lower, .otherLetter, .mark]

    /// True when the two share a class.
    @inline(__always)
    func intersects(_ other: CharClass) -> Bool { rawValue & other.rawValue != 0 }

    /// The classes of ASCII characters.
    static let ascii: [CharClass] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    /// The classes of a scalar.
    static func of(_ value: UInt32) -> CharClass {
        if value < 128 { return ascii[Int(value)] }
        return classify(Unicode.Scalar(value) ?? "\u{FFFD}")
    }

    private static func classify(_ scalar: Unicode.Scalar) -> CharClass {
        var c: CharClass = []
        let props = scalar.properties
        switch props.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: c = [.letter, .upper]
        case .lowercaseLetter: c = [.letter, .lower]
        case .modifierLetter, .otherLetter: c = [.letter, .otherLetter]
        case .nonspacingMark, .spacingMark, .enclosingMark: c = .mark
        case .decimalNumber, .letterNumber, .otherNumber: c = .number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            c = .punctuation
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: c = .symbol
        default: c = []
        }
        if props.isWhitespace { c.insert(.space) }
        let v = scalar.value
        if v == 0x0A || v == 0x0D { c.insert(.newline) }
        if (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) { c.insert(.asciiLetter) }
        if v > 0x20 && v < 0x7F && !(0x30...0x39).contains(v) && !c.contains(.asciiLetter) {
            c.insert(.asciiPunctuation)
        }
        if (0x4E00...0x9FA5).contains(v) || (0x3040...0x30FF).contains(v) { c.insert(.cjk) }
        return c
    }
}

/// A text decoded once for the scanners: its UTF-8 bytes, and per scalar its value, its
/// classes and its byte offset. Scanners work in scalar indices; pieces are byte ranges.
struct TokenText {
    var bytes: [UInt8] = []
    var scalars: [UInt32] = []
    var classes: [CharClass] = []
    /// Byte offset of each scalar, plus the byte count at the end (`scalars.count + 1` items).
    var offsets: [Int32] = []

    /// Scalars in the text.
    var count: Int { scalars.count }

    /// Replaces the content with `utf8` (valid UTF-8), keeping the buffers' capacity.
    mutating func reset<C: Collection>(_ utf8: C) where C.Element == UInt8 {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: utf8)
        decode()
    }

    /// Decodes `bytes` into scalars, classes and offsets.
    mutating func decode() {
        scalars.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        let n = bytes.count
        var i = 0
        bytes.withUnsafeBufferPointer { b in
            while i < n {
                let b0 = b[i]
                var v: UInt32
                var len: Int
                if b0 < 0x80 {
                    v = UInt32(b0)
                    len = 1
                } else if b0 < 0xE0 {
                    v = UInt32(b0 & 0x1F)
                    len = 2
                } else if b0 < 0xF0 {
                    v = UInt32(b0 & 0x0F)
                    len = 3
                } else {
                    v = UInt32(b0 & 0x07)
                    len = 4
                }
                if len > 1 {
                    let stop = min(n, i + len)
                    var j = i + 1
                    while j < stop {
                        v = v << 6 | UInt32(b[j] & 0x3F)
                        j += 1
                    }
                    len = stop - i
                }
                scalars.append(v)
                classes.append(v < 128 ? CharClass.ascii[Int(v)] : CharClass.of(v))
                offsets.append(Int32(i))
                i += len
            }
        }
        offsets.append(Int32(n))
    }
}

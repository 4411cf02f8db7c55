import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// `TextFeatures.init(bytes:)` (first word apart, then eight bytes at a time and a
/// branch-free byte loop) against the single loop it replaced, on random texts of words,
/// whitespace, pattern punctuation and non-ASCII scalars.
struct TextFeaturesTests {
    /// The previous implementation, kept as the reference.
    static func reference(
        _ b: UnsafeBufferPointer<UInt8>
    ) -> (chars: Int, words: Int, script: TextScript?, flags: TextFeatures.Flags) {
        typealias F = TextFeatures
        var chars = 0
        var words = 0
        var inWord = false
        var upper = 0
        var lower = 0
        var latin = 0
        var scriptCounts: [Int] = []  // other scripts, allocated at the first non-ASCII letter
        var flags: TextFeatures.Flags = []
        var lastNonSpace: UInt32 = 0
        var firstWord: UInt64 = 0  // up to 8 lowercased ASCII letters of the first word
        var firstWordLength = 0
        var firstWordDone = false
        let n = b.count
        let table = F.asciiClass
        var i = 0
        while i < n {
            let byte = b[i]
            chars += 1
            if byte < 0x80 {
                // ASCII: one table lookup decides the class of the byte.
                let cls = table[Int(byte)]
                if cls == F.space {
                    inWord = false
                    if words > 0 { firstWordDone = true }
                    i += 1
                    continue
                }
                if !inWord {
                    words += 1
                    inWord = true
                }
                lastNonSpace = UInt32(byte)
                switch cls {
                case F.upper, F.lower:
                    latin += 1
                    if cls == F.upper { upper += 1 } else { lower += 1 }
                    if !firstWordDone {
                        if firstWordLength < 8 {
                            firstWord |= UInt64(byte | 0x20) << (8 * UInt64(firstWordLength))
                        }
                        firstWordLength += 1
                    }
                case F.digit:
                    flags.insert(.digits)
                    firstWordDone = true
                case F.special:
                    firstWordDone = true
                    F.asciiPatterns(b, at: i, into: &flags)
                default:
                    firstWordDone = true
                }
                i += 1
                continue
            }
            flags.insert(.nonASCII)
            let (scalar, width) = F.decode(b, at: i)
            let isSpace = Unicode.Scalar(scalar)?.properties.isWhitespace ?? false
            if isSpace {
                inWord = false
                if words > 0 { firstWordDone = true }
            } else {
                if !inWord {
                    words += 1
                    inWord = true
                }
                lastNonSpace = scalar
            }
            if words > 0 { firstWordDone = true }
            if !isSpace, let s = Unicode.Scalar(scalar) {
                let p = s.properties
                if p.isAlphabetic {
                    let script = F.script(of: scalar)
                    if script == .latin {
                        latin += 1
                    } else {
                        if scriptCounts.isEmpty {
                            scriptCounts = [Int](repeating: 0, count: TextScript.allCases.count)
                        }
                        scriptCounts[TextScript.allCases.firstIndex(of: script)!] += 1
                    }
                    if p.isUppercase { upper += 1 } else if p.isLowercase { lower += 1 }
                } else if p.numericType == .decimal {
                    flags.insert(.digits)
                }
            }
            i += width
        }
        // Latin is first in `TextScript.allCases`, so it wins ties.
        var best: TextScript? = latin > 0 ? .latin : nil
        var bestCount = latin
        for (k, c) in scriptCounts.enumerated() where c > bestCount {
            best = TextScript.allCases[k]
            bestCount = c
        }
        if upper >= 4 && lower == 0 { flags.insert(.allCaps) }
        if lastNonSpace == 0x3F || lastNonSpace == 0xFF1F || lastNonSpace == 0x061F
            || (firstWordLength <= 5 && F.whWords.contains(firstWord))
        {
            flags.insert(.question)
        }
        return (chars, words, best, flags)
    }

    static let pieces: [String] = [
        "what", "Why", "HOW", "when", "whose", "which", "a", "the", "Order", "SHIPPED", "x", "42",
        "2024", "0", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", ".", ",", "?", "!", "`",
        "```", "();", "){", ") {", "};", "=>", "#include", "<b>", "</p>", "<!x>", "<a", ">",
        "http://x.y", "https://", "www.", "wwwx.", "a.b@c.de", "@", "x@y", "/", "//", "(", ")",
        "}", "=", "#", "<", "~", "_", "é", "É", "ß", "Ω", "ω", "Привет", "日本語", "한국어",
        "مرحبا", "？", "؟", "\u{00A0}", "\u{3000}", "\u{2028}", "👍", "١٢٣", "٣", "\u{0301}",
        "\u{7F}", "\u{01}", "abcdefgh", "ABCDEFGHIJ", "abc def ghi jkl", "1234567890",
    ]

    @Test func matchesTheReferenceOnRandomTexts() {
        var rng = SplitMix(seed: 21)
        for _ in 0..<6_000 {
            var text = ""
            for _ in 0..<rng.int(0..<30) { text += Self.pieces[rng.int(0..<Self.pieces.count)] }
            var bytes = Array(text.utf8)
            // Sometimes an invalid or cut sequence.
            if rng.int(0..<8) == 0 { bytes.insert(0xFF, at: rng.int(0..<(bytes.count + 1))) }
            if rng.int(0..<8) == 0, !bytes.isEmpty { bytes.removeLast() }
            bytes.withUnsafeBufferPointer { buffer in
                let f = TextFeatures(bytes: buffer)
                let r = Self.reference(buffer)
                #expect(f.chars == r.chars, "\(bytes)")
                #expect(f.words == r.words, "\(bytes)")
                #expect(f.script == r.script, "\(bytes)")
                #expect(f.flags == r.flags, "\(bytes)")
            }
        }
    }

    @Test func matchesTheReferenceOnRandomBytes() {
        var rng = SplitMix(seed: 22)
        let alphabet =
            Array("aZ09 \t\n\u{0B}\u{0C}\r.,?`(){};=>#<!/@wh".utf8)
            + [0x00, 0x7F, 0xC3, 0xA9, 0xE2, 0x80, 0xA8, 0xFF, 0xEF, 0xBC, 0x9F]
        for _ in 0..<6_000 {
            let bytes = (0..<rng.int(0..<48)).map { _ in alphabet[rng.int(0..<alphabet.count)] }
            bytes.withUnsafeBufferPointer { buffer in
                let f = TextFeatures(bytes: buffer)
                let r = Self.reference(buffer)
                #expect(
                    f.chars == r.chars && f.words == r.words && f.script == r.script
                        && f.flags == r.flags, "\(bytes)")
            }
        }
    }

    /// `Block` classifies every byte of every all-ASCII word like the byte table does.
    @Test func blockClassesMatchTheByteTable() {
        var rng = SplitMix(seed: 23)
        for _ in 0..<50_000 {
            let bytes = (0..<8).map { _ in UInt8(rng.int(0..<128)) }
            let w = bytes.withUnsafeBytes {
                UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))
            }
            let classes = bytes.map { TextFeatures.asciiClass[Int($0)] }
            let clean = classes.allSatisfy {
                [TextFeatures.space, TextFeatures.upper, TextFeatures.lower, TextFeatures.digit]
                    .contains($0)
            }
            guard let block = TextFeatures.Block(w) else {
                #expect(!clean, "\(bytes)")
                continue
            }
            #expect(clean, "\(bytes)")
            for k in 0..<8 {
                let bit = UInt64(0x80) << UInt64(8 * k)
                #expect((block.space & bit != 0) == (classes[k] == TextFeatures.space))
                #expect((block.upper & bit != 0) == (classes[k] == TextFeatures.upper))
                #expect((block.lower & bit != 0) == (classes[k] == TextFeatures.lower))
                #expect((block.digit & bit != 0) == (classes[k] == TextFeatures.digit))
            }
        }
    }
}

import PreflightCore

/// Format features of one text, measured in one pass over its UTF-8 bytes: the basis of the
/// automatic slices and of the `length` and `script` predicates.
///
/// Definitions (documented in the README's "Coverage" section):
/// - **chars**: Unicode scalars. **words**: maximal runs of non-whitespace scalars.
/// - **script**: the script with the most letters (Unicode `Alphabetic` scalars, by block);
///   ties go to the earlier script of `TextScript.allCases`; nil without letters.
/// - **digits**: a decimal digit anywhere. **url**: `http://`, `https://` or `www.`.
/// - **email**: `local@domain.tld` (letters, digits and `._%+-` before the `@`; a dot and at
///   least two letters after it).
/// - **code**: a code fence (```), or one of `();`, `){`, `) {`, `};`, `=>`, `#include`.
/// - **markup**: `<` followed by a letter, `/` or `!`, closed by `>` on the same line.
/// - **question**: the last non-whitespace character is a question mark (`?`, `？`, `؟`), or
///   the first word is what, why, how, when, where, who, whom, whose or which (any case).
/// - **all caps**: at least 4 uppercase letters and no lowercase letter.
struct TextFeatures: Sendable, Equatable {
    /// Stored as 32-bit counts (12 bytes per record instead of 24; texts over 4G scalars
    /// saturate).
    private var charCount: UInt32 = 0
    private var wordCount: UInt32 = 0
    var script: TextScript?
    var flags: Flags = []

    /// Unicode scalars.
    var chars: Int { Int(charCount) }
    /// Runs of non-whitespace scalars.
    var words: Int { Int(wordCount) }

    /// Boolean features as bits.
    struct Flags: OptionSet, Sendable, Hashable {
        let rawValue: UInt16
        static let digits = Flags(rawValue: 1 << 0)
        static let url = Flags(rawValue: 1 << 1)
        static let email = Flags(rawValue: 1 << 2)
        static let code = Flags(rawValue: 1 << 3)
        static let markup = Flags(rawValue: 1 << 4)
        static let question = Flags(rawValue: 1 << 5)
        static let allCaps = Flags(rawValue: 1 << 6)
        /// A byte at or above 0x80 (not an automatic slice: slice evaluation uses it to take
        /// ASCII fast paths).
        static let nonASCII = Flags(rawValue: 1 << 7)
    }

    /// The features of `text`.
    /// - Complexity: O(n) in the UTF-8 length; no allocation.
    init(_ text: String) {
        var text = text
        self = text.withUTF8 { TextFeatures(bytes: $0) }
    }

    init() {}

    /// The features of UTF-8 bytes; one pass keeps every feature in the same loop.
    ///
    /// Two phases of the one pass: up to the end of the first word, every byte also updates
    /// the first-word test; after it, an ASCII byte costs one lookup in `fastClass` and no
    /// branch unless it is punctuation that may start a pattern, and the ASCII letters are
    /// counted apart and added to the scripts and cases at the end.
    init(bytes b: UnsafeBufferPointer<UInt8>) {
        self = Self.fastClass.withUnsafeBufferPointer { Self.measure(b, fast: $0) }
    }

    /// `init(bytes:)`, with `fastClass` read in place (and every count a local).
    private static func measure(
        _ b: UnsafeBufferPointer<UInt8>, fast: UnsafeBufferPointer<UInt8>
    ) -> TextFeatures {
        var chars = 0
        var words = 0
        var inWord = false
        var upper = 0
        var lower = 0
        var latin = 0
        var scriptCounts: [Int] = []  // other scripts, allocated at the first non-ASCII letter
        var flags: Flags = []
        var lastNonSpace: UInt32 = 0
        var firstWord: UInt64 = 0  // up to 8 lowercased ASCII letters of the first word
        var firstWordLength = 0
        var firstWordDone = false
        let n = b.count
        let table = Self.asciiClass
        var i = 0
        // MARK: First word
        while i < n && !firstWordDone {
            let byte = b[i]
            chars += 1
            if byte < 0x80 {
                // ASCII: one table lookup decides the class of the byte.
                let cls = table[Int(byte)]
                if cls == Self.space {
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
                case Self.upper, Self.lower:
                    latin += 1
                    if cls == Self.upper { upper += 1 } else { lower += 1 }
                    if firstWordLength < 8 {
                        firstWord |= UInt64(byte | 0x20) << (8 * UInt64(firstWordLength))
                    }
                    firstWordLength += 1
                case Self.digit:
                    flags.insert(.digits)
                    firstWordDone = true
                case Self.special:
                    firstWordDone = true
                    Self.asciiPatterns(b, at: i, into: &flags)
                default:
                    firstWordDone = true
                }
                i += 1
                continue
            }
            flags.insert(.nonASCII)
            let (scalar, width) = Self.decode(b, at: i)
            let isSpace = Self.nonASCIIScalar(
                scalar, inWord: &inWord, words: &words, lastNonSpace: &lastNonSpace,
                latin: &latin, upper: &upper, lower: &lower, scriptCounts: &scriptCounts,
                flags: &flags)
            if isSpace {
                if words > 0 { firstWordDone = true }
            }
            if words > 0 { firstWordDone = true }
            i += width
        }
        // MARK: Rest of the text
        if i < n, let p = b.baseAddress {
            // ASCII bytes count one char each: `chars` adds the bytes left minus the
            // continuation bytes of the non-ASCII scalars.
            var continuation = 0
            let start = i
            var notInWord = inWord ? 0 : 1
            var asciiUpper = 0
            var asciiLower = 0
            var seen: UInt8 = 0  // `fastClass` bits of every ASCII byte, or-ed
            while i < n {
                // Eight bytes at a time while they are all ASCII letters, digits and
                // whitespace (no pattern can start there).
                while i + 8 <= n {
                    let w = UInt64(
                        littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                    guard let block = Block(w) else { break }
                    let nonSpace = ~block.space & Block.high
                    let starts = nonSpace & (block.space << 8 | UInt64(notInWord) << 7)
                    words &+= Block.count(starts)
                    notInWord = Int(block.space >> 63)
                    if nonSpace != 0 {
                        let last = (63 - nonSpace.leadingZeroBitCount) & ~7
                        lastNonSpace = UInt32(truncatingIfNeeded: w >> UInt64(last) & 0xFF)
                    }
                    asciiUpper &+= Block.count(block.upper)
                    asciiLower &+= Block.count(block.lower)
                    if block.digit != 0 { seen |= Self.fastDigit }
                    i += 8
                }
                // Then byte by byte, up to eight bytes.
                let stop = min(n, i + 8)
                while i < stop {
                    let byte = p[i]
                    let e = fast[Int(byte)]
                    if e < Self.fastSlow {
                        // Space, letter, digit or other punctuation: no branch.
                        let space = Int(e & Self.fastSpace)
                        words &+= notInWord & (space ^ 1)
                        notInWord = space
                        lastNonSpace = space != 0 ? lastNonSpace : UInt32(byte)
                        asciiUpper &+= Int(e >> 1 & 1)
                        asciiLower &+= Int(e >> 2 & 1)
                        seen |= e
                        i += 1
                        continue
                    }
                    if byte < 0x80 {
                        // Punctuation that may start a code, markup, email or URL pattern.
                        words &+= notInWord
                        notInWord = 0
                        lastNonSpace = UInt32(byte)
                        Self.asciiPatterns(b, at: i, into: &flags)
                        i += 1
                        continue
                    }
                    flags.insert(.nonASCII)
                    let (scalar, width) = Self.decode(b, at: i)
                    var inWord = notInWord == 0
                    _ = Self.nonASCIIScalar(
                        scalar, inWord: &inWord, words: &words, lastNonSpace: &lastNonSpace,
                        latin: &latin, upper: &upper, lower: &lower, scriptCounts: &scriptCounts,
                        flags: &flags)
                    notInWord = inWord ? 0 : 1
                    continuation += width - 1
                    i += width
                }
            }
            chars += n - start - continuation
            upper += asciiUpper
            lower += asciiLower
            latin += asciiUpper + asciiLower
            if seen & Self.fastDigit != 0 { flags.insert(.digits) }
        }
        var out = TextFeatures()
        out.charCount = UInt32(clamping: chars)
        out.wordCount = UInt32(clamping: words)
        // Latin is first in `TextScript.allCases`, so it wins ties.
        var best: TextScript? = latin > 0 ? .latin : nil
        var bestCount = latin
        for (k, c) in scriptCounts.enumerated() where c > bestCount {
            best = TextScript.allCases[k]
            bestCount = c
        }
        out.script = best
        if upper >= 4 && lower == 0 { flags.insert(.allCaps) }
        if lastNonSpace == 0x3F || lastNonSpace == 0xFF1F || lastNonSpace == 0x061F
            || (firstWordLength <= 5 && Self.whWords.contains(firstWord))
        {
            flags.insert(.question)
        }
        out.flags = flags
        return out
    }

    /// Eight ASCII bytes (the first in the low byte) that are all letters, digits or
    /// whitespace, as masks with the high bit of each byte of a class set. For bytes below
    /// 0x80, adding `0x80 - c` to every byte sets a byte's high bit exactly when it is at
    /// least `c`, with no carry into the next byte, so every byte's class is exact.
    struct Block {
        static let ones: UInt64 = 0x0101_0101_0101_0101
        static let high: UInt64 = 0x8080_8080_8080_8080
        let space: UInt64
        let upper: UInt64
        let lower: UInt64
        let digit: UInt64

        /// The number of bytes whose high bit is set in a mask with no other bit set: their
        /// sum by one multiplication (the build targets baseline x86-64, where
        /// `nonzeroBitCount` is a dozen instructions without `popcnt`).
        @inline(__always)
        static func count(_ mask: UInt64) -> Int {
            Int(truncatingIfNeeded: ((mask >> 7) &* ones) >> 56)
        }

        /// Nil when a byte is not ASCII, or is ASCII punctuation or a control character
        /// other than whitespace.
        @inline(__always)
        init?(_ w: UInt64) {
            guard w & Self.high == 0 else { return nil }
            @inline(__always) func atLeast(_ c: UInt64) -> UInt64 {
                (w &+ Self.ones &* (0x80 - c)) & Self.high
            }
            upper = atLeast(0x41) & ~atLeast(0x5B)
            lower = atLeast(0x61) & ~atLeast(0x7B)
            digit = atLeast(0x30) & ~atLeast(0x3A)
            let blank = ~((w ^ Self.ones &* 0x20) &+ Self.ones &* 0x7F) & Self.high
            space = blank | (atLeast(0x09) & ~atLeast(0x0E))
            guard upper | lower | digit | space == Self.high else { return nil }
        }
    }

    /// A non-ASCII scalar: words, the last non-space, letters by script and case, digits.
    /// Returns whether it is whitespace.
    @inline(__always)
    private static func nonASCIIScalar(
        _ scalar: UInt32, inWord: inout Bool, words: inout Int, lastNonSpace: inout UInt32,
        latin: inout Int, upper: inout Int, lower: inout Int, scriptCounts: inout [Int],
        flags: inout Flags
    ) -> Bool {
        let isSpace = Unicode.Scalar(scalar)?.properties.isWhitespace ?? false
        if isSpace {
            inWord = false
        } else {
            if !inWord {
                words += 1
                inWord = true
            }
            lastNonSpace = scalar
        }
        if !isSpace, let s = Unicode.Scalar(scalar) {
            let p = s.properties
            if p.isAlphabetic {
                let script = Self.script(of: scalar)
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
        return isSpace
    }

    /// `fastClass` bits: whitespace, capital, lowercase letter, digit, and "slow" (pattern
    /// punctuation or a non-ASCII byte: handled by a branch).
    private static let fastSpace: UInt8 = 1
    private static let fastDigit: UInt8 = 8
    private static let fastSlow: UInt8 = 16
    private static let fastClass: [UInt8] = (0..<256).map { (b: Int) -> UInt8 in
        if b >= 0x80 { return fastSlow }
        switch asciiClass[b] {
        case space: return fastSpace
        case upper: return 2
        case lower: return 4
        case digit: return fastDigit
        case special: return fastSlow
        default: return 0
        }
    }

    static let other: UInt8 = 0
    static let space: UInt8 = 1
    static let upper: UInt8 = 2
    static let lower: UInt8 = 3
    static let digit: UInt8 = 4
    /// Punctuation that may start a code, markup, email or URL pattern.
    static let special: UInt8 = 5

    /// The class of each ASCII byte.
    static let asciiClass: [UInt8] = (0..<128).map { (b: Int) -> UInt8 in
        switch b {
        case 0x20, 0x09...0x0D: space
        case 0x41...0x5A: upper
        case 0x61...0x7A: lower
        case 0x30...0x39: digit
        case 0x60, 0x28, 0x29, 0x7D, 0x3D, 0x23, 0x3C, 0x2E, 0x40, 0x2F: special
        default: other
        }
    }

    /// The wh-words, packed like `firstWord`.
    static let whWords: Set<UInt64> = Set(
        ["what", "why", "how", "when", "where", "who", "whom", "whose", "which"].map { word in
            var v: UInt64 = 0
            for (k, c) in word.utf8.enumerated() { v |= UInt64(c) << (8 * UInt64(k)) }
            return v
        })

    /// Patterns that start with an ASCII punctuation byte: URLs start with letters and are
    /// looked for at `h`/`w` below, so this handles code, markup and email.
    @inline(__always)
    static func asciiPatterns(
        _ b: UnsafeBufferPointer<UInt8>, at i: Int, into flags: inout Flags
    ) {
        let n = b.count
        func at(_ k: Int) -> UInt8 { k < n ? b[k] : 0 }
        switch b[i] {
        case 0x60:  // `
            if at(i + 1) == 0x60 && at(i + 2) == 0x60 { flags.insert(.code) }
        case 0x28:  // (
            if at(i + 1) == 0x29 && at(i + 2) == 0x3B { flags.insert(.code) }
        case 0x29:  // )
            if at(i + 1) == 0x7B || (at(i + 1) == 0x20 && at(i + 2) == 0x7B) {
                flags.insert(.code)
            }
        case 0x7D:  // }
            if at(i + 1) == 0x3B { flags.insert(.code) }
        case 0x3D:  // =
            if at(i + 1) == 0x3E { flags.insert(.code) }
        case 0x23:  // #
            if at(i + 1) == 0x69, matches(b, at: i + 1, "include") { flags.insert(.code) }
        case 0x3C:  // <
            let next = at(i + 1)
            let opens =
                isASCIILetter(next) || ((next == 0x2F || next == 0x21) && isASCIILetter(at(i + 2)))
            if opens && !flags.contains(.markup) {
                var k = i + 2
                while k < n, b[k] != 0x0A, b[k] != 0x3C {
                    if b[k] == 0x3E {
                        flags.insert(.markup)
                        break
                    }
                    k += 1
                }
            }
        case 0x2E:  // .
            break
        case 0x40:  // @
            if !flags.contains(.email), isEmail(b, at: i) { flags.insert(.email) }
        case 0x2F:  // /: http:// and https:// end here
            if at(i + 1) == 0x2F, i >= 5, !flags.contains(.url) {
                let p = i - 1
                if b[p] == 0x3A
                    && (matchesBack(b, endingAt: p - 1, "http")
                        || matchesBack(b, endingAt: p - 1, "https"))
                {
                    flags.insert(.url)
                }
            }
        default:
            break
        }
        // `www.` is found at its dot.
        if b[i] == 0x2E, i >= 3, !flags.contains(.url), matchesBack(b, endingAt: i - 1, "www") {
            let before = i >= 4 ? b[i - 4] : 0x20
            if !isASCIILetter(before) && !(before >= 0x30 && before <= 0x39) {
                flags.insert(.url)
            }
        }
    }

    @inline(__always)
    private static func isASCIILetter(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    private static func matches(_ b: UnsafeBufferPointer<UInt8>, at i: Int, _ word: StaticString)
        -> Bool
    {
        let count = word.utf8CodeUnitCount
        guard i + count <= b.count else { return false }
        let w = word.utf8Start
        for k in 0..<count where (b[i + k] | 0x20) != w[k] { return false }
        return true
    }

    /// Whether `word` (lowercase) ends at `end`, compared case-insensitively.
    private static func matchesBack(
        _ b: UnsafeBufferPointer<UInt8>, endingAt end: Int, _ word: StaticString
    ) -> Bool {
        let count = word.utf8CodeUnitCount
        let start = end - count + 1
        guard start >= 0 else { return false }
        return matches(b, at: start, word)
    }

    private static func isEmail(_ b: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
        func local(_ c: UInt8) -> Bool {
            isASCIILetter(c) || (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x5F || c == 0x25
                || c == 0x2B || c == 0x2D
        }
        guard at > 0, local(b[at - 1]) else { return false }
        var k = at + 1
        var lastDot = -1
        while k < b.count {
            let c = b[k]
            if isASCIILetter(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D {
                k += 1
            } else if c == 0x2E && k > at + 1 && b[k - 1] != 0x2E {
                lastDot = k
                k += 1
            } else {
                break
            }
        }
        guard lastDot > at + 1 else { return false }
        var letters = 0
        for q in (lastDot + 1)..<k {
            guard isASCIILetter(b[q]) else { return false }
            letters += 1
        }
        return letters >= 2
    }

    /// Decodes the scalar starting at `i` (invalid sequences decode as U+FFFD, one byte).
    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let lead = b[i]
        let n = b.count
        func cont(_ k: Int) -> UInt32? {
            guard k < n, b[k] & 0xC0 == 0x80 else { return nil }
            return UInt32(b[k] & 0x3F)
        }
        if lead & 0xE0 == 0xC0, let c1 = cont(i + 1) {
            return ((UInt32(lead & 0x1F) << 6) | c1, 2)
        }
        if lead & 0xF0 == 0xE0, let c1 = cont(i + 1), let c2 = cont(i + 2) {
            return ((UInt32(lead & 0x0F) << 12) | (c1 << 6) | c2, 3)
        }
        if lead & 0xF8 == 0xF0, let c1 = cont(i + 1), let c2 = cont(i + 2), let c3 = cont(i + 3) {
            return ((UInt32(lead & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4)
        }
        return (0xFFFD, 1)
    }

    /// The script of a letter, by Unicode block.
    static func script(of v: UInt32) -> TextScript {
        switch v {
        case 0x0041...0x024F, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF, 0xAB30...0xAB6F,
            0xFF21...0xFF3A, 0xFF41...0xFF5A, 0x0250...0x02AF:
            return .latin
        case 0x0400...0x052F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: return .cyrillic
        case 0x0370...0x03FF, 0x1F00...0x1FFF: return .greek
        case 0x0530...0x058F, 0xFB13...0xFB17: return .armenian
        case 0x10A0...0x10FF, 0x1C90...0x1CBF, 0x2D00...0x2D2F: return .georgian
        case 0x0590...0x05FF, 0xFB1D...0xFB4F: return .hebrew
        case 0x0600...0x06FF, 0x0750...0x077F, 0x0870...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF:
            return .arabic
        case 0x0900...0x097F, 0xA8E0...0xA8FF: return .devanagari
        case 0x0980...0x09FF: return .bengali
        case 0x0B80...0x0BFF: return .tamil
        case 0x0E00...0x0E7F: return .thai
        case 0x1100...0x11FF, 0x3130...0x318F, 0xA960...0xA97F, 0xAC00...0xD7FF, 0xFFA0...0xFFDC:
            return .hangul
        case 0x2E80...0x2FDF, 0x3005...0x3007, 0x3021...0x3029, 0x3038...0x303B, 0x3040...0x30FF,
            0x3100...0x312F, 0x31A0...0x31BF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xF900...0xFAFF, 0xFF66...0xFF9F, 0x20000...0x3134F:
            return .cjk
        default: return .other
        }
    }
}

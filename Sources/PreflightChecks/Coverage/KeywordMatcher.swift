import PreflightCore

/// Whole-word matching of keywords and phrases on normalized text.
///
/// Both the keywords and the text are normalized the same way (NFKC, whitespace collapse,
/// and case folding when case-insensitive, by `TextNormalizer`) and cut into words: maximal
/// runs of letters, digits and marks (`Alphabetic` or numeric scalars, and `_`); everything
/// else separates words. A keyword of several words matches those words consecutively.
/// Words are compared by a 64-bit hash. Scripts written without spaces (CJK, Thai) form
/// one word per run, so a keyword inside such a run does not match: use `regex` for them.
struct KeywordMatcher: Sendable, Hashable {
    let caseInsensitive: Bool
    /// Single-word keywords, sorted.
    private let singles: [UInt64]
    /// Phrases: first words and, at the same index, the remaining words.
    private let phraseFirsts: [UInt64]
    private let phraseRests: [[UInt64]]
    /// Two 64-bit filters over bits of every single and first word's hash: a text word
    /// missing from either cannot match, so most words cost two bit tests (the hashes are
    /// uniformly distributed; no `Set`, whose SipHash per lookup would dominate).
    private let filterLow: UInt64
    private let filterHigh: UInt64
    /// A regular expression that matches a pure-ASCII text exactly when the keywords occur in
    /// it, for matching together with other patterns in one scan (`ByteRegexSet`):
    /// `\b(?:w1[^0-9A-Za-z_]+w2|w3|…)\b` over the keywords' normalized words, case-insensitive
    /// with `caseInsensitive`. On ASCII text NFKC and whitespace collapse change nothing and
    /// words are runs of `[0-9A-Za-z_]`, which is what `\b` separates; keywords with a
    /// non-ASCII word cannot occur in ASCII text and are left out (a pattern of none of them
    /// matches nothing). Nil if it did not compile, which the pattern's form rules out.
    let asciiPattern: ByteRegex?

    init(_ keywords: [String], caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
        var singles = Set<UInt64>()
        var firsts: [UInt64] = []
        var rests: [[UInt64]] = []
        var scratch: [UInt8] = []
        var words: [UInt64] = []
        var alternatives: [String] = []
        for keyword in keywords {
            let texts = Self.wordTexts(keyword, caseInsensitive: caseInsensitive)
            if !texts.isEmpty && texts.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
                alternatives.append(texts.joined(separator: "[^0-9A-Za-z_]+"))
            }
            Self.words(keyword, caseInsensitive: caseInsensitive, scratch: &scratch, into: &words)
            guard let first = words.first else { continue }
            if words.count == 1 {
                singles.insert(first)
            } else {
                firsts.append(first)
                rests.append(Array(words.dropFirst()))
            }
        }
        self.singles = singles.sorted()
        phraseFirsts = firsts
        phraseRests = rests
        var low: UInt64 = 0
        var high: UInt64 = 0
        for h in singles.union(firsts) {
            low |= 1 << (h & 63)
            high |= 1 << ((h >> 6) & 63)
        }
        filterLow = low
        filterHigh = high
        // Words are runs of [0-9A-Za-z_]: nothing in the pattern needs escaping, and it always
        // compiles. `[^\s\S]` is the empty class.
        let source =
            alternatives.isEmpty
            ? "[^\\s\\S]" : "\\b(?:" + alternatives.sorted().joined(separator: "|") + ")\\b"
        asciiPattern = try? ByteRegex(source, caseInsensitive: caseInsensitive)
    }

    /// The normalized words of a keyword, as text (the words `words(_:…)` hashes).
    static func wordTexts(_ keyword: String, caseInsensitive: Bool) -> [String] {
        var bytes: [UInt8] = []
        normalizer(caseInsensitive).normalize(keyword, into: &bytes)
        var out: [String] = []
        bytes.withUnsafeBufferPointer { b in
            forEachWord(b) { range in out.append(String(decoding: b[range], as: UTF8.self)) }
        }
        return out
    }

    /// True when one of the keywords occurs in the word hashes of a text.
    /// - Complexity: O(words) with a small constant; a candidate word scans the keywords.
    func matches(_ words: [UInt64]) -> Bool {
        for (i, w) in words.enumerated() {
            guard filterLow & (1 << (w & 63)) != 0, filterHigh & (1 << ((w >> 6) & 63)) != 0
            else { continue }
            if singles.contains(w) { return true }
            for (k, first) in phraseFirsts.enumerated() where first == w {
                let rest = phraseRests[k]
                guard i + rest.count < words.count else { continue }
                var all = true
                for (j, r) in rest.enumerated() where words[i + 1 + j] != r {
                    all = false
                    break
                }
                if all { return true }
            }
        }
        return false
    }

    static let foldingNormalizer = TextNormalizer([.nfkc, .case, .whitespace])
    static let plainNormalizer = TextNormalizer([.nfkc, .whitespace])

    static func normalizer(_ caseInsensitive: Bool) -> TextNormalizer {
        caseInsensitive ? foldingNormalizer : plainNormalizer
    }

    /// The word hashes of `text`, normalized as the keywords are, into `out` (replacing its
    /// contents). Words are hashed with 64-bit FNV-1a over their normalized UTF-8 bytes.
    ///
    /// Pure-ASCII text (NFKC is the identity on it, and whitespace collapse cannot change
    /// where words start or end) is tokenized straight from its bytes, folding `A`–`Z` on the
    /// fly; other text is normalized by `TextNormalizer` first.
    /// - Complexity: O(n) in the UTF-8 length.
    static func words(
        _ text: String, caseInsensitive: Bool, scratch: inout [UInt8], into out: inout [UInt64]
    ) {
        words(text[...], caseInsensitive: caseInsensitive, scratch: &scratch, into: &out)
    }

    static func words(
        _ text: Substring, caseInsensitive: Bool, scratch: inout [UInt8], into out: inout [UInt64]
    ) {
        out.removeAll(keepingCapacity: true)
        var text = text
        let ascii = text.withUTF8 { b -> Bool in
            for byte in b where byte >= 0x80 { return false }
            tokenizeASCII(b, fold: caseInsensitive, into: &out)
            return true
        }
        if ascii { return }
        normalizer(caseInsensitive).normalize(text, into: &scratch)
        scratch.withUnsafeBufferPointer { tokenize($0, into: &out) }
    }

    /// The case-folded and the plain word hashes of `text` at once (one pass over ASCII
    /// text, the two hash chains interleaved), for records read by keyword sets of both kinds.
    static func wordsBoth(
        _ text: Substring, scratch: inout [UInt8], folded: inout [UInt64], plain: inout [UInt64]
    ) {
        folded.removeAll(keepingCapacity: true)
        plain.removeAll(keepingCapacity: true)
        var text = text
        let ascii = text.withUTF8 { b -> Bool in
            for byte in b where byte >= 0x80 { return false }
            var hf = fnvOffset
            var hp = fnvOffset
            var inWord = false
            for byte in b {
                if isASCIIWord(byte) {
                    let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    hf = (hf ^ UInt64(lower)) &* fnvPrime
                    hp = (hp ^ UInt64(byte)) &* fnvPrime
                    inWord = true
                } else if inWord {
                    folded.append(hf)
                    plain.append(hp)
                    hf = fnvOffset
                    hp = fnvOffset
                    inWord = false
                }
            }
            if inWord {
                folded.append(hf)
                plain.append(hp)
            }
            return true
        }
        if ascii { return }
        words(text, caseInsensitive: true, scratch: &scratch, into: &folded)
        words(text, caseInsensitive: false, scratch: &scratch, into: &plain)
    }

    private static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let fnvPrime: UInt64 = 0x100_0000_01b3

    /// ASCII word characters: digits, letters and `_`.
    @inline(__always)
    private static func isASCIIWord(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
            || byte == 0x5F
    }

    private static func tokenizeASCII(
        _ b: UnsafeBufferPointer<UInt8>, fold: Bool, into out: inout [UInt64]
    ) {
        var h = fnvOffset
        var inWord = false
        for var byte in b {
            if isASCIIWord(byte) {
                if fold && byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                h = (h ^ UInt64(byte)) &* fnvPrime
                inWord = true
            } else if inWord {
                out.append(h)
                h = fnvOffset
                inWord = false
            }
        }
        if inWord { out.append(h) }
    }

    /// Words of normalized UTF-8: runs of `Alphabetic` or numeric scalars, marks and `_`.
    private static func tokenize(_ b: UnsafeBufferPointer<UInt8>, into out: inout [UInt64]) {
        forEachWord(b) { range in
            var h = fnvOffset
            for k in range { h = (h ^ UInt64(b[k])) &* fnvPrime }
            out.append(h)
        }
    }

    /// Calls `body` with the byte range of each word of normalized UTF-8, in order.
    private static func forEachWord(
        _ b: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void
    ) {
        var start = 0
        var inWord = false
        var i = 0
        let n = b.count
        while i < n {
            let byte = b[i]
            var width = 1
            let isWord: Bool
            if byte < 0x80 {
                isWord = isASCIIWord(byte)
            } else {
                let (v, w) = TextFeatures.decode(b, at: i)
                width = w
                if let s = Unicode.Scalar(v) {
                    let p = s.properties
                    isWord =
                        p.isAlphabetic || p.numericType != nil
                        || p.generalCategory == .nonspacingMark
                        || p.generalCategory == .spacingMark
                } else {
                    isWord = false
                }
            }
            if isWord {
                if !inWord { start = i }
                inWord = true
            } else if inWord {
                body(start..<i)
                inWord = false
            }
            i += width
        }
        if inWord { body(start..<n) }
    }
}

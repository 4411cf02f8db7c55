import PreflightCore

/// Whole-word matching of keywords and phrases on normalized text.
///
/// Both the keywords and the text are normalized the same way (NFKC, whitespace collapse,
/// and case folding when case-insensitive, by `TextNormalizer`) and cut into words: maximal
/// runs of letters, digits and marks (`Alphabetic` or numeric scalars, and `_`); everything
/// else separates words. A keyword of several words matches those words consecutively.
/// Words are compared by their XXH64 hash. Scripts written without spaces (CJK, Thai) form
/// one word per run, so a keyword inside such a run does not match: use `regex` for them.
struct KeywordMatcher: Sendable, Hashable {
    let caseInsensitive: Bool
    /// Single-word keywords.
    private let singles: Set<UInt64>
    /// Phrases by their first word: the remaining words.
    private let phrases: [UInt64: [[UInt64]]]

    init(_ keywords: [String], caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
        var singles = Set<UInt64>()
        var phrases: [UInt64: [[UInt64]]] = [:]
        var scratch: [UInt8] = []
        var words: [UInt64] = []
        let normalizer = Self.normalizer(caseInsensitive)
        for keyword in keywords {
            Self.words(keyword, normalizer: normalizer, scratch: &scratch, into: &words)
            guard let first = words.first else { continue }
            if words.count == 1 {
                singles.insert(first)
            } else {
                phrases[first, default: []].append(Array(words.dropFirst()))
            }
        }
        self.singles = singles
        self.phrases = phrases
    }

    /// True when one of the keywords occurs in the word hashes of a text.
    func matches(_ words: [UInt64]) -> Bool {
        for (i, w) in words.enumerated() {
            if singles.contains(w) { return true }
            guard let rests = phrases[w] else { continue }
            for rest in rests where i + rest.count < words.count {
                var all = true
                for (k, r) in rest.enumerated() where words[i + 1 + k] != r {
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

    /// The word hashes of `text` after `normalizer`, into `out` (replacing its contents).
    /// - Complexity: O(n) in the UTF-8 length.
    static func words(
        _ text: String, normalizer: TextNormalizer, scratch: inout [UInt8],
        into out: inout [UInt64]
    ) {
        out.removeAll(keepingCapacity: true)
        normalizer.normalize(text, into: &scratch)
        scratch.withUnsafeBufferPointer { b in
            var start = -1
            var i = 0
            let n = b.count
            while i < n {
                let byte = b[i]
                var width = 1
                let isWord: Bool
                if byte < 0x80 {
                    isWord =
                        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                        || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
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
                    if start < 0 { start = i }
                } else if start >= 0 {
                    out.append(
                        XXH64.hash(
                            UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[start..<i]))))
                    start = -1
                }
                i += width
            }
            if start >= 0 {
                out.append(
                    XXH64.hash(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[start..<n]))))
            }
        }
    }
}

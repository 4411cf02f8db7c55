/// A pre-tokenization regex, implemented as a hand-written scanner equivalent to the
/// published pattern (leftmost alternative, greedy quantifiers with backtracking, possessive
/// quantifiers and lookahead where the pattern has them).
///
/// Patterns are recognised by their exact text (`init?(regex:)`); `ByteRegex` is not used
/// because it has no `\p{…}`, lookahead or possessive quantifiers.
enum SplitPattern: Sendable, Equatable {
    /// GPT-2's split (tiktoken r50k_base/p50k_base, Hugging Face `ByteLevel`):
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    case gpt2
    /// cl100k_base's split, with runs of at most `digits` numbers (3; Qwen2 uses 1):
    /// `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`.
    case cl100k(digits: Int)
    /// o200k_base's split: words as an optional upper-case run then a lower-case run (or the
    /// reverse), each with an optional contraction; `\p{N}{1,3}`; punctuation runs with
    /// trailing `[\r\n/]*`; whitespace as cl100k_base.
    case o200k
    /// `\p{N}{1,n}`, or `\p{N}+` for n = 0.
    case numbers(Int)
    /// `[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+` (DeepSeek).
    case cjk
    /// DeepSeek's word split:
    /// ``[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+``.
    case deepseekWords
    /// A literal string (scalar values).
    case literal([UInt32])
    /// `\s+` (Hugging Face `WhitespaceSplit`).
    case spaces

    /// The regexes recognised in tokenizer files, by their exact text.
    static let known: [String: SplitPattern] = [
        #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#: .gpt2,
        #"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"#: .gpt2,
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#:
            .cl100k(digits: 3),
        #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"#:
            .cl100k(digits: 3),
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#:
            .cl100k(digits: 1),
        [
            #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
            #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
            #"\p{N}{1,3}"#, #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#, #"\s*[\r\n]+"#, #"\s+(?!\S)"#, #"\s+"#,
        ].joined(separator: "|"): .o200k,
        #"\p{N}{1,3}"#: .numbers(3),
        #"\p{N}"#: .numbers(1),
        #"\p{N}+"#: .numbers(0),
        "[\u{4e00}-\u{9fa5}\u{3040}-\u{309f}\u{30a0}-\u{30ff}]+": .cjk,
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+":
            .deepseekWords,
    ]

    /// The end (exclusive scalar index) of the match starting at `i`, or `i` when the pattern
    /// does not match there. `end` bounds the text (`$` and lookahead see it as the end).
    func match(
        _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<CharClass>, at i: Int, end: Int
    ) -> Int {
        switch self {
        case .gpt2: return Self.gpt2(s, c, i, end)
        case .cl100k(let digits): return Self.cl100k(s, c, i, end, digits: digits)
        case .o200k: return Self.o200k(s, c, i, end)
        case .numbers(let n):
            guard c[i].contains(.number) else { return i }
            return Self.run(c, from: i, end: n == 0 ? end : min(end, i + n), .number)
        case .cjk:
            return Self.run(c, from: i, end: end, .cjk)
        case .deepseekWords: return Self.deepseek(s, c, i, end)
        case .spaces: return Self.run(c, from: i, end: end, .space)
        case .literal(let lit):
            guard !lit.isEmpty, end - i >= lit.count else { return i }
            for k in 0..<lit.count where s[i + k] != lit[k] { return i }
            return i + lit.count
        }
    }

    // MARK: - Pieces shared by the patterns

    /// The end of the run of characters in `cls` starting at `i` (`i` when none).
    @inline(__always)
    static func run(
        _ c: UnsafeBufferPointer<CharClass>, from i: Int, end: Int, _ cls: CharClass
    ) -> Int {
        var e = i
        while e < end && c[e].intersects(cls) { e += 1 }
        return e
    }

    /// Not `\s`, `\p{L}` or `\p{N}`.
    @inline(__always)
    static func isOther(_ c: CharClass) -> Bool { !c.intersects([.space, .letter, .number]) }

    /// The length (0, 2 or 3) of a contraction `'s|'t|'re|'ve|'m|'ll|'d` at `i`.
    @inline(__always)
    static func contraction(
        _ s: UnsafeBufferPointer<UInt32>, _ i: Int, _ end: Int, caseInsensitive: Bool
    ) -> Int {
        guard i + 1 < end, s[i] == 0x27 else { return 0 }
        func fold(_ v: UInt32) -> UInt32 {
            guard caseInsensitive else { return v }
            if v >= 0x41 && v <= 0x5A { return v + 0x20 }
            if v == 0x17F { return 0x73 }  // LATIN SMALL LETTER LONG S folds to 's'
            return v
        }
        let a = fold(s[i + 1])
        if a == 0x73 || a == 0x64 || a == 0x6D || a == 0x74 { return 2 }  // s d m t
        guard i + 2 < end else { return 0 }
        let b = fold(s[i + 2])
        if (a == 0x6C && b == 0x6C) || (a == 0x76 && b == 0x65) || (a == 0x72 && b == 0x65) {
            return 3  // ll ve re
        }
        return 0
    }

    /// Whitespace at `i` by `\s+$` / `\s*[\r\n]+` / `\s+(?!\S)` / `\s+`, in that order: to the
    /// end of the text when the run reaches it; else up to the run's last newline; else the
    /// run but its last character; else the one character.
    @inline(__always)
    static func whitespace(
        _ c: UnsafeBufferPointer<CharClass>, _ i: Int, _ end: Int, newlines: Bool
    ) -> Int {
        guard c[i].contains(.space) else { return i }
        let e = run(c, from: i, end: end, .space)
        if e == end { return end }
        if newlines {
            var k = e - 1
            while k >= i {
                if c[k].contains(.newline) { return k + 1 }
                k -= 1
            }
        }
        return e - i >= 2 ? e - 1 : i + 1
    }

    // MARK: - The patterns

    static func gpt2(
        _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<CharClass>, _ i: Int,
        _ end: Int
    ) -> Int {
        let k = contraction(s, i, end, caseInsensitive: false)
        if k > 0 { return i + k }
        let spaced = s[i] == 0x20 && i + 1 < end
        for cls in [CharClass.letter, .number] {
            if c[i].contains(cls) { return run(c, from: i, end: end, cls) }
            if spaced && c[i + 1].contains(cls) { return run(c, from: i + 1, end: end, cls) }
        }
        let j = spaced && isOther(c[i + 1]) ? i + 1 : i
        if isOther(c[j]) {
            var e = j + 1
            while e < end && isOther(c[e]) { e += 1 }
            return e
        }
        return whitespace(c, i, end, newlines: false)
    }

    static func cl100k(
        _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<CharClass>, _ i: Int,
        _ end: Int, digits: Int
    ) -> Int {
        let k = contraction(s, i, end, caseInsensitive: true)
        if k > 0 { return i + k }
        let ci = c[i]
        if ci.contains(.letter) { return run(c, from: i, end: end, .letter) }
        if !ci.intersects([.newline, .number]) && i + 1 < end && c[i + 1].contains(.letter) {
            return run(c, from: i + 1, end: end, .letter)
        }
        if ci.contains(.number) { return run(c, from: i, end: min(end, i + digits), .number) }
        let j = s[i] == 0x20 && i + 1 < end && isOther(c[i + 1]) ? i + 1 : i
        if isOther(c[j]) {
            var e = j + 1
            while e < end && isOther(c[e]) { e += 1 }
            return run(c, from: e, end: end, .newline)
        }
        return whitespace(c, i, end, newlines: true)
    }

    static func o200k(
        _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<CharClass>, _ i: Int,
        _ end: Int
    ) -> Int {
        /// `[U]*[W]+` then an optional contraction, from `st`; nil when no `W` follows.
        func lowerWord(_ st: Int) -> Int? {
            let u = run(c, from: st, end: end, .upperish)
            var k = u
            if !(u < end && c[u].intersects(.lowerish)) {
                // Backtrack the upper run to its last character that is also a lower one.
                k = u - 1
                while k >= st && !c[k].intersects(.lowerish) { k -= 1 }
                if k < st { return nil }
            }
            let e = run(c, from: k, end: end, .lowerish)
            return e + contraction(s, e, end, caseInsensitive: true)
        }
        /// `[U]+[W]*` then an optional contraction, from `st`.
        func upperWord(_ st: Int) -> Int? {
            let u = run(c, from: st, end: end, .upperish)
            if u == st { return nil }
            let e = run(c, from: u, end: end, .lowerish)
            return e + contraction(s, e, end, caseInsensitive: true)
        }
        let prefix = !c[i].intersects([.newline, .letter, .number]) && i + 1 < end
        if prefix, let e = lowerWord(i + 1) { return e }
        if let e = lowerWord(i) { return e }
        if prefix, let e = upperWord(i + 1) { return e }
        if let e = upperWord(i) { return e }
        if c[i].contains(.number) { return run(c, from: i, end: min(end, i + 3), .number) }
        let j = s[i] == 0x20 && i + 1 < end && isOther(c[i + 1]) ? i + 1 : i
        if isOther(c[j]) {
            var e = j + 1
            while e < end && isOther(c[e]) { e += 1 }
            while e < end && (c[e].contains(.newline) || s[e] == 0x2F) { e += 1 }
            return e
        }
        return whitespace(c, i, end, newlines: true)
    }

    static func deepseek(
        _ s: UnsafeBufferPointer<UInt32>, _ c: UnsafeBufferPointer<CharClass>, _ i: Int,
        _ end: Int
    ) -> Int {
        let ci = c[i]
        if ci.contains(.asciiPunctuation) && i + 1 < end && c[i + 1].contains(.asciiLetter) {
            return run(c, from: i + 1, end: end, .asciiLetter)
        }
        let word: CharClass = [.letter, .mark]
        if !ci.intersects([.newline, .letter, .punctuation, .symbol]) && i + 1 < end
            && c[i + 1].intersects(word)
        {
            return run(c, from: i + 1, end: end, word)
        }
        if ci.intersects(word) { return run(c, from: i, end: end, word) }
        let marks: CharClass = [.punctuation, .symbol]
        let j = s[i] == 0x20 && i + 1 < end && c[i + 1].intersects(marks) ? i + 1 : i
        if c[j].intersects(marks) {
            let e = run(c, from: j, end: end, marks)
            return run(c, from: e, end: end, .newline)
        }
        return whitespace(c, i, end, newlines: true)
    }
}

/// What a split does with the matches of its pattern (Hugging Face `SplitDelimiterBehavior`).
enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"
}

extension SplitPattern {
    /// Splits the scalar range `range` of `text` by the pattern's matches, appending the
    /// resulting pieces (scalar ranges) to `out`.
    func split(
        _ text: TokenText, _ range: Range<Int>, behavior: SplitBehavior, invert: Bool,
        into out: inout [Range<Int>]
    ) {
        // Alternating runs (range, isMatch) covering `range`.
        var parts: [(Range<Int>, Bool)] = []
        text.scalars.withUnsafeBufferPointer { s in
            text.classes.withUnsafeBufferPointer { c in
                var i = range.lowerBound
                var gapStart = i
                while i < range.upperBound {
                    let e = match(s, c, at: i, end: range.upperBound)
                    if e > i {
                        if gapStart < i { parts.append((gapStart..<i, invert)) }
                        parts.append((i..<e, !invert))
                        i = e
                        gapStart = e
                    } else {
                        i += 1
                    }
                }
                if gapStart < range.upperBound {
                    parts.append((gapStart..<range.upperBound, invert))
                }
            }
        }
        switch behavior {
        case .isolated:
            for (r, _) in parts { out.append(r) }
        case .removed:
            for (r, isMatch) in parts where !isMatch { out.append(r) }
        case .mergedWithPrevious:
            var start: Int? = nil
            for (r, isMatch) in parts {
                let s = start ?? r.lowerBound
                if isMatch {
                    out.append(s..<r.upperBound)
                    start = nil
                } else {
                    if let st = start { out.append(st..<r.lowerBound) }
                    start = r.lowerBound
                }
            }
            if let st = start { out.append(st..<range.upperBound) }
        case .mergedWithNext:
            var start: Int? = nil
            for (r, isMatch) in parts {
                if isMatch {
                    if let st = start { out.append(st..<r.lowerBound) }
                    start = r.lowerBound
                } else {
                    out.append((start ?? r.lowerBound)..<r.upperBound)
                    start = nil
                }
            }
            if let st = start { out.append(st..<range.upperBound) }
        case .contiguous:
            var pending: Range<Int>? = nil
            for (r, isMatch) in parts {
                if isMatch {
                    pending = (pending?.lowerBound ?? r.lowerBound)..<r.upperBound
                } else {
                    if let p = pending { out.append(p) }
                    pending = nil
                    out.append(r)
                }
            }
            if let p = pending { out.append(p) }
        }
    }
}

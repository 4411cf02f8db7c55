import PreflightCore

/// Normalized words of targets and prompts, for `text_quality`'s refusal, copy and
/// boilerplate rules.
///
/// Normalization: ASCII letters lowercased, the typographic apostrophes `’` and `‘` written
/// `'`, runs of whitespace (ASCII and U+00A0) one space, leading and trailing whitespace
/// dropped; every other byte as written (so punctuation stays part of its word: `sure!`).
enum TargetText {
    /// Appends the normalized form of `text` to `out` (cleared first); stops once `maxBytes`
    /// bytes are written. Returns the number of words written and whether the whole text was.
    /// - Complexity: O(min(n, maxBytes)).
    @discardableResult
    static func normalize(_ text: String, into out: inout [UInt8], maxBytes: Int = .max) -> (
        words: Int, complete: Bool
    ) {
        var text = text
        return text.withUTF8 { b -> (Int, Bool) in
            let n = b.count
            // Output never outgrows the input (a space is written only for consumed
            // whitespace, `’` becomes one byte), and it stops at most one byte past
            // `maxBytes` (a space and one byte per step), so it is written through a pointer.
            var words = 0
            var complete = true
            out.overwrite(maxCount: maxBytes >= n ? n : maxBytes + 1) { dst in
                var written = 0
                var pendingSpace = false
                var i = 0
                while i < n {
                    if written >= maxBytes {
                        complete = false
                        break
                    }
                    let c = b[i]
                    if c == 0x20 || (c >= 0x09 && c <= 0x0D) {
                        pendingSpace = true
                        i += 1
                        continue
                    }
                    if c == 0xC2, i + 1 < n, b[i + 1] == 0xA0 {
                        pendingSpace = true
                        i += 2
                        continue
                    }
                    if pendingSpace || written == 0 {
                        if written > 0 {
                            dst[written] = 0x20
                            written += 1
                        }
                        words += 1
                        pendingSpace = false
                    }
                    if c == 0xE2, i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0x98 || b[i + 2] == 0x99
                    {
                        dst[written] = 0x27
                        written += 1
                        i += 3
                        continue
                    }
                    dst[written] = c >= 0x41 && c <= 0x5A ? c | 0x20 : c
                    written += 1
                    i += 1
                }
                return written
            }
            return (words, complete)
        }
    }

    // MARK: - Refusals

    /// Apologies that may open a refusal ("I'm sorry, but I can't …").
    static let apologies: [[UInt8]] = [
        "i'm sorry", "i am sorry", "sorry", "i apologize", "i apologise", "my apologies",
        "unfortunately", "i'm afraid", "i am afraid",
    ].map { Array($0.utf8) }

    /// Phrases that make a refusal at the start of a target, or anywhere in a short one.
    static let refusals: [[UInt8]] = [
        "as an ai", "as a language model", "as an artificial intelligence", "i'm just an ai",
        "i am just an ai", "i'm only an ai", "i am only an ai",
        "i can't help", "i cannot help", "i can not help", "i can't assist", "i cannot assist",
        "i can't provide", "i cannot provide", "i can't answer", "i cannot answer",
        "i can't comply", "i cannot comply", "i can't fulfill", "i cannot fulfill",
        "i can't do that", "i cannot do that", "i can't share", "i cannot share",
        "i can't support", "i cannot support", "i can't engage", "i cannot engage",
        "i can't create", "i cannot create", "i can't generate", "i cannot generate",
        "i can't write", "i cannot write", "i can't give", "i cannot give",
        "i can't tell", "i cannot tell", "i can't offer", "i cannot offer",
        "i can't recommend", "i cannot recommend", "i can't advise", "i cannot advise",
        "i'm unable to", "i am unable to", "i'm not able to", "i am not able to",
        "i won't be able to", "i will not be able to", "i must decline", "i have to decline",
        "i'm not comfortable", "i am not comfortable", "i don't feel comfortable",
        "i do not feel comfortable", "i'm not going to help", "i am not going to help",
        "i'm not allowed to", "i am not allowed to", "that's not something i can",
        "it's not appropriate for me to", "it is not appropriate for me to",
    ].map { Array($0.utf8) }

    /// Phrases that make a refusal right after an apology when nothing but punctuation or
    /// the end follows ("Sorry, I can't." but not "Sorry, I can't understand the question").
    static let afterApology: [[UInt8]] = [
        "i can't", "i cannot", "i can not", "i won't", "i will not",
    ].map { Array($0.utf8) }

    /// Skipped between an apology and what follows ("I'm sorry, but I can't help").
    private static let but = Array("but ".utf8)

    /// The refusal phrase `normalized` (a normalized target) starts with, or, when `isShort`,
    /// contains at a word start; nil when none. The phrase is returned as matched (with its
    /// apology).
    static func refusal(_ normalized: [UInt8], isShort: Bool) -> String? {
        normalized.withUnsafeBufferPointer { b -> String? in
            func has(_ phrase: [UInt8], at i: Int) -> Bool {
                guard i + phrase.count <= b.count else { return false }
                for k in 0..<phrase.count where b[i + k] != phrase[k] { return false }
                // The phrase ends at a word boundary unless it ends with a space-free stem.
                let end = i + phrase.count
                return end == b.count || !isWordByte(b[end])
                    || !isWordByte(phrase[phrase.count - 1])
            }
            func text(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
            }
            for phrase in refusals where has(phrase, at: 0) { return text(0..<phrase.count) }
            for apology in apologies where has(apology, at: 0) {
                var i = apology.count
                while i < b.count, b[i] == 0x2C || b[i] == 0x2E || b[i] == 0x21 || b[i] == 0x20 {
                    i += 1
                }
                if has(but, at: i) { i += but.count }
                for phrase in afterApology where has(phrase, at: i) {
                    let end = i + phrase.count
                    if end == b.count || b[end] == 0x2E || b[end] == 0x21 || b[end] == 0x2C {
                        return text(0..<end)
                    }
                }
                for phrase in refusals where has(phrase, at: i) {
                    return text(0..<(i + phrase.count))
                }
            }
            guard isShort else { return nil }
            var i = 1
            while i < b.count {
                if b[i - 1] == 0x20, b[i] == 0x69 || b[i] == 0x61 || b[i] == 0x74 {
                    for phrase in refusals where phrase[0] == b[i] && has(phrase, at: i) {
                        return text(i..<(i + phrase.count))
                    }
                }
                i += 1
            }
            return nil
        }
    }

    @inline(__always) private static func isWordByte(_ c: UInt8) -> Bool {
        (0x61...0x7A).contains(c) || (0x30...0x39).contains(c) || c >= 0x80
    }

    // MARK: - Copies

    /// True when `needle` occurs in `haystack` (Rabin-Karp: linear time whatever the text).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        let m = needle.count
        let n = haystack.count
        guard m > 0 else { return true }
        guard m <= n else { return false }
        let base: UInt64 = 0x100_0000_01B3
        var power: UInt64 = 1
        var target: UInt64 = 0
        var rolling: UInt64 = 0
        for k in 0..<m {
            target = target &* base &+ UInt64(needle[k])
            rolling = rolling &* base &+ UInt64(haystack[k])
            if k > 0 { power = power &* base }
        }
        var i = 0
        while true {
            if rolling == target, haystack[i..<(i + m)].elementsEqual(needle) { return true }
            if i + m >= n { return false }
            rolling = (rolling &- UInt64(haystack[i]) &* power) &* base &+ UInt64(haystack[i + m])
            i += 1
        }
    }
}

import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// A `String`-based shingler: the semantics the byte-level one must reproduce. A word
/// n-gram's hash is `rotl(h, 23) ^ tokenHash(token)` folded over its tokens, starting from
/// the first token's hash.
enum ReferenceShingler {
    /// The token hash, byte by byte: up to 7 bytes packed little-endian with the length in the
    /// top byte and mixed; longer tokens fold their 8-byte words (the last one ending at the
    /// token's end) into the mixed length.
    static func tokenHash(_ bytes: [UInt8]) -> UInt64 {
        let n = bytes.count
        if n < 8 {
            var x = UInt64(n) << 56
            for (i, b) in bytes.enumerated() { x |= UInt64(b) << UInt64(8 * i) }
            return MinHash.mix(x ^ 0x9E37_79B9_7F4A_7C15)
        }
        func word(_ at: Int) -> UInt64 {
            (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << UInt64(8 * $1) }
        }
        var h = MinHash.mix(UInt64(n) ^ 0xD6E8_FEB8_6659_FD93)
        var i = 0
        while i + 8 < n {
            h = MinHash.mix(h ^ word(i))
            i += 8
        }
        return MinHash.mix(h ^ word(n - 8))
    }

    static func wordGramHash(_ tokens: ArraySlice<Substring>) -> UInt64 {
        var h: UInt64 = 0
        for (j, token) in tokens.enumerated() {
            let t = tokenHash(Array(token.utf8))
            h = j == 0 ? t : (h << 23 | h >> 41) ^ t
        }
        return h
    }

    static func shingles(_ scheme: ShingleScheme, of normalized: String) -> [UInt64] {
        var out: [UInt64] = []
        switch scheme {
        case .words(let n):
            let tokens = normalized.split(separator: " ", omittingEmptySubsequences: true)
            if tokens.isEmpty { return [] }
            if tokens.count < n {
                out.append(wordGramHash(tokens[...]))
            } else {
                for i in 0...(tokens.count - n) {
                    out.append(wordGramHash(tokens[i..<(i + n)]))
                }
            }
        case .chars(let n):
            let scalars = Array(normalized.unicodeScalars)
            if scalars.isEmpty { return [] }
            if scalars.count < n {
                out.append(XXH64.hash(Array(normalized.utf8)))
            } else {
                for i in 0...(scalars.count - n) {
                    var s = String.UnicodeScalarView()
                    s.append(contentsOf: scalars[i..<(i + n)])
                    out.append(XXH64.hash(Array(String(s).utf8)))
                }
            }
        }
        return Array(Set(out)).sorted()
    }
}

struct ShinglerTests {
    static let texts = [
        "", " ", "a", "hello", "hello world", "the quick brown fox jumps over the lazy dog",
        "a  b   c", " leading and trailing ", "tab\tis not a separator", "x y x y x y",
        "café au lait", "naïve   façade", "日本語 の テキスト", "emoji 👍🏽 here 👨‍👩‍👧",
        // A space followed by a combining mark is one Character: String.split keeps it.
        "a \u{301}b c", "e \u{301} f", "\u{301} start", "end \u{301}",
        "ünïcödé words and ascii words", "one", "two words", "three words here",
    ]

    @Test(arguments: [
        ShingleScheme.words(1), .words(2), .words(3), .words(5), .chars(2), .chars(3), .chars(5),
    ])
    func matchesTheStringReference(scheme: ShingleScheme) {
        for text in Self.texts {
            #expect(
                Shingler(scheme).shingles(of: text) == ReferenceShingler.shingles(scheme, of: text),
                "\(scheme) '\(text)'")
        }
    }

    @Test func matchesTheReferenceOnRandomNormalizedTexts() {
        var rng = SplitMix(seed: 7)
        let pieces = ["a", "bb", "ccc", "dé", "ß", " ", "  ", "\u{301}", "x", "yy", "Ω", "👍"]
        for _ in 0..<500 {
            var text = ""
            for _ in 0..<rng.int(0..<20) { text += pieces[rng.int(0..<pieces.count)] }
            for scheme in [ShingleScheme.words(1), .words(3), .chars(4)] {
                #expect(
                    Shingler(scheme).shingles(of: text)
                        == ReferenceShingler.shingles(scheme, of: text), "\(scheme) '\(text)'")
            }
        }
    }

    @Test func byteSplitMatchesTheReferenceOnRandomASCIITexts() {
        // Pure ASCII takes the pointer-writing byte split; one scratch is reused across texts
        // of varying length, as a worker reuses it.
        var rng = SplitMix(seed: 11)
        let pieces = ["a", "bb", "ccc", "x", "yy", "1", ".", " ", "  ", "   "]
        var scratch = ShingleScratch()
        for _ in 0..<1_000 {
            var text = ""
            for _ in 0..<rng.int(0..<24) { text += pieces[rng.int(0..<pieces.count)] }
            let bytes = Array(text.utf8)
            let words = bytes.withUnsafeBufferPointer {
                Shingler.countWords($0, scratch: &scratch)
            }
            let tokens = text.split(separator: " ")
            #expect(words == tokens.count, "'\(text)'")
            #expect(scratch.compact == Array(tokens.joined(separator: " ").utf8), "'\(text)'")
            for scheme in [ShingleScheme.words(1), .words(3)] {
                #expect(
                    Shingler(scheme).shingles(of: text)
                        == ReferenceShingler.shingles(scheme, of: text), "\(scheme) '\(text)'")
            }
        }
    }

    @Test func wordWideSplitMatchesTheReferenceOnLongTexts() {
        // Texts long enough for the eight-bytes-at-a-time split, compact (single inner spaces)
        // or not, some with a non-ASCII letter inside a word or next to a space.
        var rng = SplitMix(seed: 23)
        var scratch = ShingleScratch()
        for round in 0..<2_000 {
            var words: [String] = []
            let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789.,'")
            for _ in 0..<rng.int(1..<40) {
                words.append(
                    String((0..<rng.int(1..<15)).map { _ in letters[rng.int(0..<letters.count)] }))
            }
            var text = words.joined(separator: " ")
            switch round % 5 {
            case 1: text = " " + text
            case 2: text += " "
            case 3 where words.count > 1:
                let at = text.firstIndex(of: " ")!
                text.insert(" ", at: at)
            case 4:
                let at = text.index(text.startIndex, offsetBy: rng.int(0..<text.count))
                text.insert(contentsOf: rng.int(0..<2) == 0 ? "é" : "é ", at: at)
            default: break
            }
            let bytes = Array(text.utf8)
            let count = bytes.withUnsafeBufferPointer { Shingler.countWords($0, scratch: &scratch) }
            let tokens = text.split(separator: " ")
            #expect(count == tokens.count, "'\(text)'")
            #expect(scratch.compact == Array(tokens.joined(separator: " ").utf8), "'\(text)'")
            let offsets = zip(scratch.tokenStarts, scratch.tokenEnds).map {
                String(decoding: scratch.compact[Int($0)..<Int($1)], as: UTF8.self)
            }
            #expect(offsets == tokens.map(String.init), "'\(text)'")
            #expect(
                Shingler(.words(3)).shingles(of: text)
                    == ReferenceShingler.shingles(.words(3), of: text), "'\(text)'")
        }
    }

    @Test func shortTextsHaveOneShingleOfAllTokens() {
        let one = Shingler(.words(3)).shingles(of: "two words")
        let two = ReferenceShingler.tokenHash(Array("two".utf8))
        #expect(one == [(two << 23 | two >> 41) ^ ReferenceShingler.tokenHash(Array("words".utf8))])
        // A word 1-gram's hash is its token's hash.
        #expect(
            Shingler(.words(1)).shingles(of: "b a b")
                == [Array("a".utf8), Array("b".utf8)].map(ReferenceShingler.tokenHash).sorted())
        #expect(Shingler(.chars(5)).shingles(of: "abc") == [XXH64.hash("abc")])
        #expect(Shingler(.words(1)).shingles(of: "").isEmpty)
        #expect(Shingler(.chars(3)).shingles(of: "").isEmpty)
    }

    @Test func tokenHashMatchesTheReferenceAtEveryLengthAndOffset() {
        // Lengths 1…40 (the short packing, exactly 8, and longer with and without a partial
        // last word), at offsets 0…7 inside a larger buffer so that no load depends on
        // alignment or reads past the token (the bytes around it are different each time).
        var rng = SplitMix(seed: 5)
        for length in 1...40 {
            for offset in 0..<8 {
                var buffer = (0..<(offset + length + 8)).map { _ in UInt8(rng.int(0..<256)) }
                let token = Array(buffer[offset..<(offset + length)])
                let h = buffer.withUnsafeBytes {
                    Shingler.tokenHash($0.baseAddress! + offset, count: length)
                }
                #expect(h == ReferenceShingler.tokenHash(token), "length \(length)")
                for i in buffer.indices where !(offset..<(offset + length)).contains(i) {
                    buffer[i] &+= 1
                }
                let again = buffer.withUnsafeBytes {
                    Shingler.tokenHash($0.baseAddress! + offset, count: length)
                }
                #expect(again == h, "length \(length): depends on bytes outside the token")
            }
        }
    }

    @Test func shortTokensNeverCollide() {
        // Every token of 1 to 3 bytes over an alphabet with a NUL byte (so a shorter token is
        // a prefix of a longer one padded with zeros): the packing is injective.
        let alphabet: [UInt8] = [0, 1, 0x20, 0x61, 0x62, 0x7A, 0x80, 0xFF]
        var tokens: [[UInt8]] = alphabet.map { [$0] }
        for _ in 0..<2 {
            tokens += tokens.filter { $0.count == tokens.last!.count }.flatMap { t in
                alphabet.map { t + [$0] }
            }
        }
        let hashes = tokens.map { t in
            t.withUnsafeBytes { Shingler.tokenHash($0.baseAddress!, count: t.count) }
        }
        #expect(tokens.count == 8 + 64 + 512)
        #expect(Set(hashes).count == tokens.count)
    }

    @Test func wordGramsInADifferentOrderHaveDifferentHashes() {
        // Same tokens, different order or repeats: each n-gram is its own shingle.
        let grams = ["a b c", "a c b", "b a c", "c b a", "a a b", "a b a", "b a a", "a a a"]
        let hashes = grams.map { Shingler(.words(3)).shingles(of: $0) }
        #expect(hashes.allSatisfy { $0.count == 1 })
        #expect(Set(hashes.map { $0[0] }).count == grams.count)
        #expect(Shingler(.words(2)).shingles(of: "x y x y").count == 2)
    }

    @Test func wordCountsMatchStringSplit() {
        var scratch = ShingleScratch()
        for text in Self.texts {
            let bytes = Array(text.utf8)
            let count = bytes.withUnsafeBufferPointer {
                Shingler.countWords($0, scratch: &scratch)
            }
            #expect(count == text.split(separator: " ").count, "'\(text)'")
        }
    }

    @Test func jaccardOfSortedSets() {
        #expect(Shingler.jaccard([1, 2, 3], [2, 3, 4]) == 0.5)
        #expect(Shingler.jaccard([], [1]) == 0)
        #expect(Shingler.jaccard([5], [5]) == 1)
    }
}

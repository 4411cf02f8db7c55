import Foundation
import PreflightTestSupport
import Testing

@testable import PreflightChecks

@Test(arguments: [
    ("Straße", "strasse"),
    ("ΣΑΣ", "σασ"),
    ("ﬁle", "file"),
    ("  Hello \t\n World  ", "hello world"),
    ("Ｈｅｌｌｏ", "hello"),
    ("a\u{00A0}b\u{3000}c", "a b c"),
    ("İstanbul", "i\u{0307}stanbul"),
    ("ᏣᎳᎩ ꮳꮃꭹ", "ᏣᎳᎩ ᏣᎳᎩ"),
    ("", ""),
    ("   ", ""),
])
func standardNormalization(_ input: String, _ expected: String) {
    #expect(TextNormalizer.standard.normalize(input) == expected)
}

@Test func asciiAndUnicodePathsAgree() {
    // The same ASCII text with one non-ASCII character appended must normalize the same way
    // up to that character.
    let texts = ["Hello,  WORLD!\t", " a\u{0B}b\u{0C}c\r\n", "MiXeD CaSe 123"]
    for text in texts {
        let ascii = TextNormalizer.standard.normalize(text)
        let unicode = TextNormalizer.standard.normalize(text + " é")
        #expect(unicode == (ascii.isEmpty ? "é" : ascii + " é"))
    }
}

@Test func asciiFastPathMatchesTheUnicodePathOnRandomTexts() {
    // Every ASCII byte, in runs, under all 16 step sets: the pointer-writing fast path must
    // give exactly the bytes of the general path. One output buffer is reused throughout.
    var rng = SplitMix(seed: 3)
    let steps = Normalization.allCases
    var fast: [UInt8] = []
    for _ in 0..<500 {
        let length = rng.int(0..<40)
        let bytes = (0..<length).map { _ in
            rng.int(0..<4) == 0
                ? [0x20, 0x09, 0x0A, 0x0D][rng.int(0..<4)] : UInt8(rng.int(0..<128))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        for mask in 0..<16 {
            let normalizer = TextNormalizer(
                steps.indices.filter { mask & (1 << $0) != 0 }.map {
                    steps[$0]
                })
            normalizer.normalize(text, into: &fast)
            var general: [UInt8] = []
            normalizer.normalizeUnicode(text, into: &general)
            #expect(fast == general, "\(normalizer.signature) \(bytes)")
        }
    }
}

/// All 16 step sets, in mask order.
private let allStepSets: [TextNormalizer] = (0..<16).map { mask in
    let steps = Normalization.allCases
    return TextNormalizer(steps.indices.filter { mask & (1 << $0) != 0 }.map { steps[$0] })
}

/// A random ASCII text: mostly lowercase words and single spaces, some capitals, digits,
/// punctuation and symbols, runs of spaces, tabs and newlines (also at both ends), and now
/// and then any of the 128 ASCII values.
private func randomASCIIText(_ rng: inout SplitMix, length: Int) -> [UInt8] {
    let whitespace: [UInt8] = [0x20, 0x20, 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
    let punctuation = Array(".,!?;:'\"()-_@#%&*/[]{}$+<=>^`|~".utf8)
    var bytes: [UInt8] = []
    // Some texts draw from a tiny alphabet, so space patterns at block edges occur often.
    let tiny = rng.int(0..<4) == 0
    if rng.int(0..<4) == 0 {
        bytes += (0..<rng.int(1..<10)).map { _ in whitespace[rng.int(0..<whitespace.count)] }
    }
    while bytes.count < length {
        if tiny {
            bytes.append(Array("aA ,\t".utf8)[rng.int(0..<5)])
            continue
        }
        switch rng.int(0..<20) {
        case 0..<10: bytes.append(UInt8(rng.int(0x61..<0x7B)))
        case 10..<13: bytes.append(0x20)
        case 13, 14: bytes.append(UInt8(rng.int(0x41..<0x5B)))
        case 15: bytes.append(punctuation[rng.int(0..<punctuation.count)])
        case 16:
            bytes += (0..<rng.int(1..<5)).map { _ in whitespace[rng.int(0..<whitespace.count)] }
        case 17: bytes.append(UInt8(rng.int(0x30..<0x3A)))
        default: bytes.append(UInt8(rng.int(0..<128)))
        }
    }
    bytes.removeLast(bytes.count - length)
    if length > 0, rng.int(0..<4) == 0 {
        // End in a whitespace run.
        let run = min(length, rng.int(1..<10))
        for k in (length - run)..<length { bytes[k] = whitespace[rng.int(0..<whitespace.count)] }
    }
    return bytes
}

@Test func eightByteFastPathMatchesTheByteLoopAndTheUnicodePath() {
    // Lengths 0…100 give every 8-byte alignment and tail. One output buffer is reused for
    // texts of every length under every step set.
    var rng = SplitMix(seed: 11)
    var fast: [UInt8] = []
    var reference: [UInt8] = []
    var checked = 0
    for round in 0..<3_000 {
        let bytes = randomASCIIText(&rng, length: round % 101)
        let text = String(decoding: bytes, as: UTF8.self)
        for normalizer in allStepSets {
            let (fastOK, referenceOK) = bothASCIIPaths(
                normalizer, bytes, fast: &fast, reference: &reference)
            var general: [UInt8] = []
            normalizer.normalizeUnicode(text, into: &general)
            #expect(fastOK && referenceOK)
            #expect(fast == reference, "\(normalizer.signature) \(bytes)")
            #expect(fast == general, "\(normalizer.signature) \(bytes)")
            checked += 1
        }
    }
    #expect(checked == 48_000)
}

/// The eight-byte ASCII path and the byte-loop reference on the same bytes: whether each
/// handled them, their output in `fast` and `reference`.
private func bothASCIIPaths(
    _ normalizer: TextNormalizer, _ bytes: [UInt8], fast: inout [UInt8], reference: inout [UInt8]
) -> (Bool, Bool) {
    let fastOK = bytes.withUnsafeBufferPointer { normalizer.normalizeASCII($0, into: &fast) }
    let referenceOK = bytes.withUnsafeBufferPointer {
        normalizer.normalizeASCIIReference($0, into: &reference)
    }
    return (fastOK, referenceOK)
}

@Test func nonASCIIByteLeavesTheEightByteFastPath() {
    // A non-ASCII character anywhere (in a block or in the tail): the fast path gives up, as
    // the byte loop does, and `normalize` gives the Unicode path's bytes.
    var rng = SplitMix(seed: 12)
    let insertions = ["é", "\u{00A0}", "\u{3000}", "ẞ", "\u{FF0C}", "😀"]
    var fast: [UInt8] = []
    var reference: [UInt8] = []
    var normalized: [UInt8] = []
    for round in 0..<1_500 {
        var bytes = randomASCIIText(&rng, length: round % 101)
        let position = rng.int(0..<(bytes.count + 1))
        bytes.insert(
            contentsOf: Array(insertions[rng.int(0..<insertions.count)].utf8), at: position)
        let text = String(decoding: bytes, as: UTF8.self)
        for normalizer in allStepSets {
            let (fastOK, referenceOK) = bothASCIIPaths(
                normalizer, bytes, fast: &fast, reference: &reference)
            #expect(!fastOK && !referenceOK, "\(normalizer.signature) \(bytes)")
            normalizer.normalize(text, into: &normalized)
            var general: [UInt8] = []
            normalizer.normalizeUnicode(text, into: &general)
            #expect(normalized == general, "\(normalizer.signature) \(bytes)")
        }
    }
}

@Test func oneOutputBufferServesTextsOfEveryLength() {
    // Long, short, empty and long again: no byte of an earlier, longer text survives.
    let texts = [
        String(repeating: "The QUICK brown fox,  jumps\tover ", count: 20), "Ab", "",
        "   ", " x ", String(repeating: "Z", count: 77), "hello  world  again ",
        String(repeating: "a b ", count: 50),
    ]
    var scratch: [UInt8] = []
    for normalizer in allStepSets {
        for text in texts + texts.reversed() {
            normalizer.normalize(text, into: &scratch)
            var general: [UInt8] = []
            normalizer.normalizeUnicode(text, into: &general)
            #expect(scratch == general, "\(normalizer.signature) \(text.debugDescription)")
        }
    }
}

@Test func punctuationIsOptIn() {
    let withPunct = TextNormalizer([.nfkc, .case, .whitespace, .punctuation])
    #expect(withPunct.normalize("Hello, world! (ok) $5 «yes» — no") == "hello world ok $5 yes no")
    #expect(TextNormalizer.standard.normalize("Hello, world!") == "hello, world!")
}

@Test func stepsAreIndependent() {
    #expect(TextNormalizer([.case]).normalize(" A  B ") == " a  b ")
    #expect(TextNormalizer([.whitespace]).normalize(" A  B ") == "A B")
    #expect(TextNormalizer([.nfkc]).normalize("ﬁ Ａ") == "fi A")
    #expect(TextNormalizer([]).normalize("ﬁ Ａ ") == "ﬁ Ａ ")
}

@Test func signatureIsOrderIndependent() {
    #expect(TextNormalizer([.whitespace, .case, .nfkc]).signature == "nfkc+case+whitespace")
    #expect(TextNormalizer([]).signature == "none")
}

@Test func hashIsXXH64OfNormalizedBytes() {
    var scratch: [UInt8] = []
    #expect(TextNormalizer.standard.hash("  ABC ", scratch: &scratch) == XXH64.hash("abc"))
    #expect(TextNormalizer.standard.hash("", scratch: &scratch) == 0xEF46_DB37_51D8_E999)
}

/// 600 random strings over tricky characters, normalized by Python 3.11
/// (`unicodedata.normalize('NFKC', s).casefold()` then a White_Space collapse).
@Test func matchesPythonReference() throws {
    let text = try fixture("TextNormalizer", "pythonReference.jsonl")
    var checked = 0
    for line in text.split(separator: "\n") {
        let pair = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String]
        #expect(
            TextNormalizer.standard.normalize(pair[0]) == pair[1],
            "input \(pair[0].debugDescription)")
        checked += 1
    }
    #expect(checked == 600)
}

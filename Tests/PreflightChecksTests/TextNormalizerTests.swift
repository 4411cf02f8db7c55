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

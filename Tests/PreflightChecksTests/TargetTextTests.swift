import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// The pointer-writing `TargetText.normalize` against the `append`-per-byte version it
/// replaced, on random texts with every special case and cut-off.
struct TargetTextTests {
    /// The previous implementation, kept as the reference.
    static func reference(_ text: String, maxBytes: Int) -> (out: [UInt8], words: Int, Bool) {
        var out: [UInt8] = []
        let b = Array(text.utf8)
        var words = 0
        var pendingSpace = false
        var i = 0
        let n = b.count
        while i < n {
            if out.count >= maxBytes { return (out, words, false) }
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
            if pendingSpace || out.isEmpty {
                if !out.isEmpty { out.append(0x20) }
                words += 1
                pendingSpace = false
            }
            if c == 0xE2, i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0x98 || b[i + 2] == 0x99 {
                out.append(0x27)
                i += 3
                continue
            }
            out.append(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
            i += 1
        }
        return (out, words, true)
    }

    @Test func matchesTheReferenceOnRandomTexts() {
        var rng = SplitMix(seed: 5)
        let pieces = [
            "a", "Bb", "CCC", "sure!", " ", "  ", "\t", "\n", "\u{00A0}", "\u{2019}", "\u{2018}",
            "\u{201C}", "é", "Ω", "👍", "I'm",
        ]
        var out: [UInt8] = []
        for _ in 0..<1_000 {
            var text = ""
            for _ in 0..<rng.int(0..<20) { text += pieces[rng.int(0..<pieces.count)] }
            for maxBytes in [0, 1, 2, 5, 17, Int.max] {
                let (words, complete) = TargetText.normalize(text, into: &out, maxBytes: maxBytes)
                let expected = Self.reference(text, maxBytes: maxBytes)
                #expect(out == expected.out, "'\(text)' \(maxBytes)")
                #expect(words == expected.words && complete == expected.2, "'\(text)' \(maxBytes)")
            }
        }
    }
}

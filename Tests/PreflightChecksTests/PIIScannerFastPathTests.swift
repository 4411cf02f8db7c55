import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// `PIIScanner.scan` (byte-class table, second-byte prefilter, 8-byte lowercase skip)
/// against the byte-by-byte dispatch loop it replaced, on random texts full of values of
/// every kind, near misses, separators and non-ASCII neighbours.
struct PIIScannerFastPathTests {
    /// The previous dispatch loop, kept as the reference: every word start calls `word`,
    /// every other byte goes through the `switch`.
    static func reference(
        _ s: PIIScanner, _ text: UnsafeBufferPointer<UInt8>
    ) -> (reported: [String], allowed: [String]) {
        var reported: [String] = []
        var allowed: [String] = []
        func describe(_ m: PIIScanner.Match) -> String { "\(m.kind) \(m.range) \(m.detail)" }
        let t = Bytes(text)
        let n = t.count
        var i = 0
        while i < n {
            let b = t[i]
            var found: PIIScanner.Found = .none
            if Bytes.isWord(b) {
                found = s.word(t, i)
                if case .none = found {
                    i += 1
                    while i < n && Bytes.isWord(t[i]) { i += 1 }
                    continue
                }
            } else {
                switch b {
                case UInt8(ascii: "@"): found = s.on(.email) ? s.email(t, i) : .none
                case UInt8(ascii: "+"), UInt8(ascii: "("):
                    found = s.on(.phone) && !Bytes.isWord(t[i - 1]) ? s.phone(t, i) : .none
                case UInt8(ascii: "-"): found = s.on(.apiKey) ? s.privateKey(t, i) : .none
                case UInt8(ascii: ":"):
                    if s.on(.ipAddress) && t[i + 1] == UInt8(ascii: ":")
                        && !Bytes.isWord(t[i - 1]) && t[i - 1] != UInt8(ascii: ":")
                    {
                        found = s.ipv6(t, i)
                    }
                default: break
                }
            }
            switch found {
            case .none: i += 1
            case .skip(let end): i = max(end, i + 1)
            case .match(let kind, let start, let end, let detail):
                let m = PIIScanner.Match(kind: kind, range: start..<end, detail: detail)
                if s.isAllowed(t, start, end) {
                    allowed.append(describe(m))
                } else {
                    reported.append(describe(m))
                }
                i = max(end, i + 1)
            }
        }
        return (reported, allowed)
    }

    static func fast(
        _ s: PIIScanner, _ text: UnsafeBufferPointer<UInt8>
    ) -> (reported: [String], allowed: [String]) {
        var reported: [String] = []
        var allowed: [String] = []
        func describe(_ m: PIIScanner.Match) -> String { "\(m.kind) \(m.range) \(m.detail)" }
        s.scan(text, allowed: { allowed.append(describe($0)) }, { reported.append(describe($0)) })
        return (reported, allowed)
    }

    /// Values of every kind and near misses of each recognizer's prefix.
    static let values: [String] =
        PIISamples.all.map(\.1) + [
            PIISamples.awsKey, PIISamples.ipv6, "ASIAY4K7Q2M5N3L6J2HD",
            "AIzaSyD4k7Q2m5N3l6J2hD8f1G0sT9uV3wX5yZa",
            "github_pat_11ABCDEFG0123456789abcdefghijklmnopqrstuvwxyzAB",
            "xoxb-123456789012-abcdefGHIJ", "sk-proj-a1B2c3D4e5F6g7H8i9J0k1L2m3N4",
            "sk-ant-api03-a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "sk_live_a1B2c3D4e5F6g7H8i9J0",
            "rk_live_a1B2c3D4e5F6g7H8i9J0", "-----BEGIN RSA PRIVATE KEY-----", "(415) 555-2671",
            "415-555-2671", "020 7946 0958", "+49 (0)30 1234567", "0044 20 7946 0958",
            "call 09061701461", "3782-822463-10005", "4111111111111111", "5555 5555 5555 4444",
            "GB82WEST12345698765432", "FR14 2004 1010 0505 0001 3M02 606", "10.0.0.1",
            "version 1.2.3.4", "8.8.8.8", "fe80::1", "2001:db8::1", "::1", "12:30:45",
            "user@example.com", "icon@2x.png", "mailto:bob@mail.co.uk", "http://u:p@host.com",
            "a.b@c.DE", "AKIA", "ghp_", "sk-", "xox", "eyJ", "eyJhbGciOi.x.y", "DE89", "abc:def",
            "beef:cafe:1234::1", "dead:beef", "2024-01-15", "ORD-2024-000123", "$1,299.99",
            "#123", "3.14159", "v2.0.1", "AB12", "Xy", "gh", "rk", "sk", "xo", "ey", "EY", "A1",
        ]

    /// Words, separators and non-ASCII neighbours to put around the values.
    static let fillers: [String] = [
        "the", "order", "shipped", "account", "Hello", "WORLD", "a", "e", "f", "x", "g", "r",
        "s", "_", "__init__", "delivery", "charge", "intent", "01", "0", "42", " ", "  ", "\n",
        "\t", ".", ",", ":", "::", "@", "+", "(", ")", "-", "/", "#", "=", "é", "ß", "電話",
        "Ω", "👍", "\u{00A0}", "\u{3000}", "Ü", "naïve", "café", "русский",
    ]

    @Test func matchesTheReferenceOnRandomTexts() {
        var rng = SplitMix(seed: 11)
        let scanners = [
            PIIScanner(),
            PIIScanner(allow: ["gmail.com", "4242 4242 4242 4242", "ghp_"]),
            PIIScanner(kinds: [.ipAddress, .phone]),
            PIIScanner(kinds: [.apiKey, .jwt, .email]),
        ]
        var matchCount = 0
        for round in 0..<4_000 {
            var text = ""
            for _ in 0..<rng.int(0..<24) {
                if rng.int(0..<4) == 0 {
                    text += Self.values[rng.int(0..<Self.values.count)]
                } else {
                    text += Self.fillers[rng.int(0..<Self.fillers.count)]
                }
                // Glue pieces together sometimes, separate them usually.
                if rng.int(0..<3) != 0 { text += Self.fillers[rng.int(20..<Self.fillers.count)] }
            }
            let bytes = Array(text.utf8)
            let s = scanners[round % scanners.count]
            bytes.withUnsafeBufferPointer { buffer in
                let expected = Self.reference(s, buffer)
                let got = Self.fast(s, buffer)
                #expect(got.reported == expected.reported, "'\(text)'")
                #expect(got.allowed == expected.allowed, "'\(text)'")
                matchCount += expected.reported.count + expected.allowed.count
            }
        }
        #expect(matchCount > 2_000)  // the texts are full of matches, not only near misses
    }

    @Test func matchesTheReferenceOnRandomBytes() {
        var rng = SplitMix(seed: 12)
        let alphabet =
            Array("0123456789+-(). :@_/eyJAKIAISghpskxoxrkDE89abcfzZ-----BEGIN \n\t".utf8)
            + [0x00, 0xC3, 0xA9, 0xE2, 0x80, 0xFF, 0x7F, 0x5B, 0x60, 0x7B]
        let s = PIIScanner()
        for _ in 0..<5_000 {
            let bytes = (0..<rng.int(0..<64)).map { _ in alphabet[rng.int(0..<alphabet.count)] }
            bytes.withUnsafeBufferPointer { buffer in
                let expected = Self.reference(s, buffer)
                let got = Self.fast(s, buffer)
                #expect(got.reported == expected.reported, "\(bytes)")
                #expect(got.allowed == expected.allowed, "\(bytes)")
            }
        }
    }

    /// The 8-byte lowercase test against a byte-by-byte count, on every byte value at
    /// every position.
    @Test func notLowercaseCountsLeadingLowercaseLetters() {
        var rng = SplitMix(seed: 13)
        for _ in 0..<20_000 {
            var bytes = (0..<8).map { _ in UInt8(ascii: "a") + UInt8(rng.int(0..<26)) }
            // Replace a random suffix of positions with random bytes (any value).
            for k in rng.int(0..<9)..<8 where rng.int(0..<2) == 0 {
                bytes[k] = UInt8(rng.int(0..<256))
            }
            let w = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let expected = bytes.prefix { $0 >= 0x61 && $0 <= 0x7A }.count
            #expect(
                PIIScanner.notLowercase(UInt64(littleEndian: w)).trailingZeroBitCount >> 3
                    == expected, "\(bytes)")
        }
    }
}

import Testing

@testable import PreflightCore

struct SHA256Tests {
    /// FIPS 180-4 / NIST example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func fipsVectors(message: String, digest: String) {
        #expect(SHA256.hex(of: Array(message.utf8)) == digest)
    }

    @Test func oneMillionA() {
        #expect(
            SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every split point around the block and padding boundaries gives the one-shot digest.
    @Test func chunkedUpdateEqualsOneShot() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300] {
            let message = Array(bytes[..<length])
            let expected = SHA256.hex(of: message)
            for chunk in [1, 3, 63, 64, 65, 200] {
                var hasher = SHA256()
                var start = 0
                while start < message.count {
                    let end = min(start + chunk, message.count)
                    hasher.update(message[start..<end])
                    start = end
                }
                #expect(
                    SHA256.hexString(hasher.finalize()) == expected,
                    "length \(length), chunk \(chunk)")
            }
        }
    }

    @Test func nonContiguousCollectionsHashTheSameBytes() {
        let text = "héllo wörld"
        var hasher = SHA256()
        hasher.update(text.utf8.lazy.map { $0 })
        #expect(SHA256.hexString(hasher.finalize()) == SHA256.hex(of: Array(text.utf8)))
    }

    @Test func digestIs32Bytes() {
        #expect(SHA256().finalize().count == 32)
    }
}

import PreflightTestSupport
import Testing

@testable import PreflightCore

struct SHA256Tests {
    /// The compression paths this machine can run: the Swift rounds always, the SHA-NI kernel
    /// when the CPU has the SHA extensions (`allowingSHANI` values for `SHA256.init`).
    static let paths: [Bool] = SHA256.isSHANIAvailable ? [false, true] : [false]

    /// Lowercase hex digest of `bytes` on one path, after checking that path was taken.
    static func hex(_ bytes: [UInt8], sha: Bool) -> String {
        var hasher = SHA256(allowingSHANI: sha)
        #expect(hasher.usesSHANI == sha)
        hasher.update(bytes)
        return SHA256.hexString(hasher.finalize())
    }

    /// FIPS 180-4 / NIST example vectors, on every path.
    @Test(
        arguments: [
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
        ], paths)
    func fipsVectors(vector: (message: String, digest: String), sha: Bool) {
        #expect(Self.hex(Array(vector.message.utf8), sha: sha) == vector.digest)
    }

    @Test(arguments: paths) func oneMillionA(sha: Bool) {
        #expect(
            Self.hex([UInt8](repeating: 0x61, count: 1_000_000), sha: sha)
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The default digest uses the SHA-NI kernel exactly when the CPU has it.
    @Test func defaultPathFollowsTheCPU() {
        #expect(SHA256().usesSHANI == SHA256.isSHANIAvailable)
        #expect(!SHA256(allowingSHANI: false).usesSHANI)
    }

    /// Random messages of every length 0...300 (all padding cases, one to five blocks) give
    /// the same digest on every path.
    @Test func randomShortMessagesAgreeAcrossPaths() {
        var generator = SplitMix(seed: 1804)
        for length in 0...300 {
            let message = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let digests = Self.paths.map { Self.hex(message, sha: $0) }
            #expect(Set(digests).count == 1, "length \(length): \(digests)")
        }
    }

    /// A few MB fed in random-sized pieces (straddling block boundaries, and runs of many
    /// blocks at once) give the one-shot Swift digest on every path.
    @Test(arguments: paths) func megabytesInRandomPiecesAgreeWithSwift(sha: Bool) {
        var generator = SplitMix(seed: 256)
        let message = (0..<3_000_017).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let expected = Self.hex(message, sha: false)
        var hasher = SHA256(allowingSHANI: sha)
        var start = 0
        while start < message.count {
            // Mostly small pieces, sometimes a long run of blocks.
            let limit = generator.int(0..<8) == 0 ? 200_000 : 300
            let end = min(start + generator.int(0..<limit), message.count)
            hasher.update(message[start..<end])
            start = end
        }
        #expect(SHA256.hexString(hasher.finalize()) == expected)
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

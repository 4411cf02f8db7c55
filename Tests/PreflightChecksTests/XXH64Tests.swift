import PreflightChecks
import Testing

@Test(arguments: [
    ("", UInt64(0xEF46_DB37_51D8_E999)),
    ("a", 0xD24E_C4F1_A98C_6E5B),
    ("abc", 0x44BC_2CF5_AD77_0999),
])
func publishedVectors(_ text: String, _ expected: UInt64) {
    #expect(XXH64.hash(text) == expected)
}

@Test func longInputsCoverEveryTailLength() {
    // Every length 0…100 takes a different mix of the 32-byte stripes and 8/4/1-byte tails;
    // hashing a slice and an equal copy must agree, and all prefixes must differ.
    let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    var seen = Set<UInt64>()
    for n in 0...100 {
        let h = XXH64.hash(Array(bytes[..<n]))
        #expect(h == XXH64.hash(Array(bytes[..<n])))
        seen.insert(h)
    }
    #expect(seen.count == 101)
}

@Test func knownLongVector() {
    // xxhsum -H64 of "Nobody inspects the spammish repetition" (published in python-xxhash).
    #expect(XXH64.hash("Nobody inspects the spammish repetition") == 0xFBCE_A83C_8A37_8BF1)
}

@Test func seedChangesHash() {
    #expect(XXH64.hash("abc", seed: 1) != XXH64.hash("abc"))
}

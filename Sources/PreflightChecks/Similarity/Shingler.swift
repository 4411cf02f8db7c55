/// Cuts normalized text into shingle hashes.
///
/// The semantics are those of `ShingleScheme`: word n-grams are sequences of n whitespace
/// tokens (split on U+0020 as a `Character`, empty tokens dropped); a text with fewer tokens
/// than `n` has one shingle of all its tokens; `chars(n)` takes n-grams of Unicode scalars;
/// an empty text has no shingles.
///
/// Hashes: each token is hashed once (`tokenHash`, about a fifth of the cost of XXH64 for
/// the short tokens of prose) and a word n-gram's hash folds its tokens' hashes in order
/// (`combine`), so a word 1-gram's hash is its token's hash and an n-gram costs n − 1
/// rotations instead of hashing its n joined words again. A character n-gram's hash is the
/// XXH64 (seed 0) of its UTF-8 bytes.
///
/// The hot path never builds a `String` per shingle: tokens are located in the normalized
/// UTF-8 bytes and copied once into a compact buffer where consecutive tokens are separated
/// by exactly one space.
struct Shingler: Sendable {
    let scheme: ShingleScheme
    init(_ scheme: ShingleScheme) { self.scheme = scheme }

    /// The sorted, distinct shingle hashes of an already normalized text.
    /// - Complexity: O(n log n) in the length of the text.
    func shingles(of normalized: String) -> [UInt64] {
        var scratch = ShingleScratch()
        var out: [UInt64] = []
        let bytes = Array(normalized.utf8)
        bytes.withUnsafeBufferPointer { appendHashes(of: $0, into: &out, scratch: &scratch) }
        Self.sortUnique(&out)
        return out
    }

    /// Exact Jaccard similarity of two sorted, distinct hash sets.
    static func jaccard(_ a: [UInt64], _ b: [UInt64]) -> Double {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { jaccard(pa, $0) } }
    }

    /// Exact Jaccard similarity of two sorted, distinct hash sets (merge intersection).
    /// - Complexity: O(|a| + |b|).
    static func jaccard(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>)
        -> Double
    {
        if a.isEmpty || b.isEmpty { return 0 }
        var i = 0
        var j = 0
        var common = 0
        while i < a.count && j < b.count {
            let x = a[i]
            let y = b[j]
            if x == y {
                common += 1
                i += 1
                j += 1
            } else if x < y {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(common) / Double(a.count + b.count - common)
    }

    // MARK: - Fast internals

    /// The number of whitespace tokens of normalized UTF-8 bytes (what the median word count
    /// is taken over); fills `scratch` with the tokens.
    /// - Complexity: O(n) in the number of bytes.
    static func countWords(
        _ bytes: UnsafeBufferPointer<UInt8>, scratch: inout ShingleScratch
    ) -> Int {
        scratch.tokenize(bytes)
        return scratch.tokenEnds.count
    }

    /// Appends the (unsorted, possibly repeated) shingle hashes of normalized UTF-8 bytes to
    /// `out`. Sort and unique them for a set; MinHash does not need to.
    /// - Complexity: O(n) in the number of bytes (O(n·w) hashing for words of width w).
    func appendHashes(
        of bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt64],
        scratch: inout ShingleScratch
    ) {
        switch scheme {
        case .words(let n):
            scratch.tokenize(bytes)
            let tokens = scratch.tokenEnds.count
            if tokens == 0 { return }
            // One hash per token, then each n-gram's hash from its tokens' hashes.
            scratch.tokenHashes.overwrite(maxCount: tokens) { th in
                scratch.compact.withUnsafeBytes { compact in
                    scratch.tokenStarts.withUnsafeBufferPointer { starts in
                        scratch.tokenEnds.withUnsafeBufferPointer { ends in
                            for t in 0..<tokens {
                                let start = Int(starts[t])
                                th[t] = Self.tokenHash(
                                    compact.baseAddress! + start, count: Int(ends[t]) - start)
                            }
                        }
                    }
                }
                return tokens
            }
            let shingles = tokens < n ? 1 : tokens - n + 1
            let width = min(n, tokens)
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: shingles))
            out.withUnsafeMutableBufferPointer { o in
                scratch.tokenHashes.withUnsafeBufferPointer { th in
                    for i in 0..<shingles {
                        var h = th[i]
                        for j in 1..<width { h = Self.combine(h, th[i + j]) }
                        o[start + i] = h
                    }
                }
            }
        case .chars(let n):
            if bytes.isEmpty { return }
            let raw = UnsafeRawBufferPointer(bytes)
            scratch.tokenStarts.removeAll(keepingCapacity: true)
            for (i, b) in bytes.enumerated() where b & 0xC0 != 0x80 {
                scratch.tokenStarts.append(Int32(i))
            }
            let scalars = scratch.tokenStarts.count
            if scalars < n {
                out.append(XXH64.hash(raw))
                return
            }
            scratch.tokenStarts.append(Int32(bytes.count))
            scratch.tokenStarts.withUnsafeBufferPointer { starts in
                for i in 0...(scalars - n) {
                    let range = Int(starts[i])..<Int(starts[i + n])
                    out.append(XXH64.hash(UnsafeRawBufferPointer(rebasing: raw[range])))
                }
            }
        }
    }

    /// The 64-bit hash of one token's `count` (≥ 1) bytes.
    ///
    /// A token of up to 7 bytes is packed with its length into one word (the bytes
    /// little-endian in the low bytes, the length in the top byte: an injective packing, read
    /// with two overlapping 4-byte loads or three 1-byte loads, never past the token) and
    /// mixed once by `MinHash.mix`, a bijection: distinct short tokens never collide. A longer
    /// token folds its 8-byte words into the length (`h = mix(h ^ word)`, the last word
    /// overlapping the one before when the length is not a multiple of 8), so two long tokens
    /// collide with probability about 2⁻⁶⁴.
    @inline(__always)
    static func tokenHash(_ p: UnsafeRawPointer, count: Int) -> UInt64 {
        if count < 8 {
            var x: UInt64
            if count >= 4 {
                let lo = UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                let hi = UInt64(
                    UInt32(
                        littleEndian: p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
                x = lo | hi << UInt64(8 * (count - 4))
            } else {
                let b = p.assumingMemoryBound(to: UInt8.self)
                x = UInt64(b[0]) | UInt64(b[count >> 1]) << UInt64(8 * (count >> 1))
                x |= UInt64(b[count - 1]) << UInt64(8 * (count - 1))
            }
            return MinHash.mix(x | UInt64(count) << 56 ^ 0x9E37_79B9_7F4A_7C15)
        }
        var h = MinHash.mix(UInt64(count) ^ 0xD6E8_FEB8_6659_FD93)
        var i = 0
        while i + 8 < count {
            h = MinHash.mix(
                h ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        return MinHash.mix(
            h ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)))
    }

    /// One step of a word n-gram's hash: the hash so far rotated, then the next token's hash
    /// mixed in. `h = rotl(h, 23) ^ t` over the tokens is a bijective GF(2)-linear map of
    /// each token hash, so for independent random token hashes two different n-grams collide
    /// with probability about 2⁻⁶⁴.
    @inline(__always)
    static func combine(_ h: UInt64, _ token: UInt64) -> UInt64 {
        ((h << 23) | (h >> 41)) ^ token
    }

    /// Sorts `hashes` and removes repeats in place.
    static func sortUnique(_ hashes: inout [UInt64]) {
        guard hashes.count > 1 else { return }
        hashes.sort()
        var w = 1
        for r in 1..<hashes.count where hashes[r] != hashes[w - 1] {
            hashes[w] = hashes[r]
            w += 1
        }
        hashes.removeLast(hashes.count - w)
    }
}

/// Reusable buffers for `Shingler`, one per worker, so shingling many texts allocates once.
struct ShingleScratch {
    /// The tokens of the last text, joined by exactly one space.
    var compact: [UInt8] = []
    /// Byte offsets in `compact` where each token starts (for `chars`: scalar starts in the
    /// normalized bytes).
    var tokenStarts: [Int32] = []
    /// Byte offsets in `compact` where each token ends.
    var tokenEnds: [Int32] = []
    /// The hash of each token (`Shingler.tokenHash`; word shingles).
    var tokenHashes: [UInt64] = []

    /// Splits normalized bytes into tokens exactly as `String.split(separator: " ")` does.
    ///
    /// A U+0020 byte whose neighbours are ASCII is a grapheme of its own, so byte splitting
    /// is exact; next to non-ASCII bytes a space may belong to a larger grapheme (a space
    /// followed by a combining mark is one `Character`), so such texts are split as a
    /// `String` by `Character`, the reference semantics.
    mutating func tokenize(_ bytes: UnsafeBufferPointer<UInt8>) {
        if !tokenizeCompactASCII(bytes) && !tokenizeBytes(bytes) {
            compact.removeAll(keepingCapacity: true)
            tokenStarts.removeAll(keepingCapacity: true)
            tokenEnds.removeAll(keepingCapacity: true)
            let text = String(decoding: bytes, as: UTF8.self)
            for token in text.split(separator: " ", omittingEmptySubsequences: true) {
                if !compact.isEmpty { compact.append(0x20) }
                tokenStarts.append(Int32(compact.count))
                compact.append(contentsOf: token.utf8)
                tokenEnds.append(Int32(compact.count))
            }
        }
    }

    /// The common case, ASCII text whose spaces are single and between tokens (what whitespace
    /// normalization produces): the text is its own `compact` form, and the spaces are found
    /// eight bytes at a time (a word-wide zero-byte test of `word ^ 0x2020…`, exact for ASCII
    /// bytes because `(x & 0x7F) + 0x7F` cannot carry into the next byte), so the loop runs
    /// once per word and once per space instead of branching on every byte. Returns false,
    /// with the buffers unspecified, for an empty text, a non-ASCII byte, or a leading,
    /// trailing or repeated space (`tokenizeBytes` then handles the text).
    private mutating func tokenizeCompactASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        guard n > 0, bytes[0] != 0x20, bytes[n - 1] != 0x20 else { return false }
        let maxTokens = (n + 1) / 2
        var exact = true
        var starts = tokenStarts
        var ends = tokenEnds
        tokenStarts = []
        tokenEnds = []
        starts.overwrite(maxCount: maxTokens) { s in
            var tokens = 0
            ends.overwrite(maxCount: maxTokens) { e in
                let high: UInt64 = 0x8080_8080_8080_8080
                let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
                let raw = UnsafeRawPointer(bytes.baseAddress!)
                var tokenStart = 0
                /// Ends the token before the space at `p`; false for a repeated space.
                func space(at p: Int) -> Bool {
                    if p == tokenStart { return false }
                    e[tokens] = Int32(p)
                    tokens += 1
                    tokenStart = p + 1
                    s[tokens] = Int32(tokenStart)
                    return true
                }
                var i = 0
                while i + 8 <= n {
                    let word = UInt64(
                        littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    if word & high != 0 {
                        exact = false
                        return 0
                    }
                    let x = word ^ 0x2020_2020_2020_2020
                    var spaces = ~(((x & low) &+ low) | x) & high
                    while spaces != 0 {
                        if !space(at: i + spaces.trailingZeroBitCount >> 3) {
                            exact = false
                            return 0
                        }
                        spaces &= spaces &- 1
                    }
                    i += 8
                }
                while i < n {
                    let b = bytes[i]
                    if b >= 0x80 || (b == 0x20 && !space(at: i)) {
                        exact = false
                        return 0
                    }
                    i += 1
                }
                e[tokens] = Int32(n)
                tokens += 1
                return tokens
            }
            return exact ? tokens : 0
        }
        tokenStarts = starts
        tokenEnds = ends
        guard exact else { return false }
        compact.overwrite(maxCount: n) { c in
            c.baseAddress!.update(from: bytes.baseAddress!, count: n)
            return n
        }
        return true
    }

    /// Splits on U+0020 bytes, writing through pointers: `compact` is never longer than the
    /// input, and a token takes at least one byte and a separator, so there are at most
    /// ⌈n/2⌉ tokens. Returns false, with the buffers unspecified, when a space touches a
    /// non-ASCII byte (byte splitting may then be inexact); that is tested only where a token
    /// starts or ends, so the check costs no separate pass.
    private mutating func tokenizeBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let maxTokens = (bytes.count + 1) / 2
        var exact = true
        var tokens = 0
        var starts = tokenStarts
        var ends = tokenEnds
        tokenStarts = []
        tokenEnds = []
        compact.overwrite(maxCount: bytes.count) { c in
            var n = 0
            starts.overwrite(maxCount: maxTokens) { s in
                ends.overwrite(maxCount: maxTokens) { e in
                    var inToken = false
                    for i in 0..<bytes.count {
                        let b = bytes[i]
                        if b == 0x20 {
                            if inToken {
                                // The previous byte is the token's last one, c[n - 1].
                                if c[n - 1] >= 0x80 {
                                    exact = false
                                    break
                                }
                                e[tokens] = Int32(n)
                                tokens += 1
                                inToken = false
                            }
                        } else {
                            if !inToken {
                                // Past the first byte, a token starts after a space.
                                if b >= 0x80 && i > 0 {
                                    exact = false
                                    break
                                }
                                if n > 0 {
                                    c[n] = 0x20
                                    n += 1
                                }
                                s[tokens] = Int32(n)
                                inToken = true
                            }
                            c[n] = b
                            n += 1
                        }
                    }
                    if !exact {
                        tokens = 0
                        n = 0
                    } else if inToken {
                        e[tokens] = Int32(n)
                        tokens += 1
                    }
                    return tokens
                }
                return tokens
            }
            return n
        }
        tokenStarts = starts
        tokenEnds = ends
        return exact
    }
}

import Foundation
import PreflightCore

/// One step of text normalization, as written in rule files (`normalize: [nfkc, case]`).
public enum Normalization: String, OptionEnum, Comparable {
    /// Unicode compatibility composition (NFKC): 'ﬁ' → 'fi', full-width → ASCII, NBSP → space.
    case nfkc
    /// Full Unicode case folding: 'Straße' → 'strasse', 'ΣΑΣ' → 'σασ'.
    case `case`
    /// Runs of Unicode `White_Space` collapsed to one space, trimmed at both ends.
    case whitespace
    /// Removes Unicode punctuation (general category P*). Off by default.
    case punctuation

    /// Steps apply in this fixed order whatever order a rule file lists them in.
    private var rank: Int {
        switch self {
        case .nfkc: 0
        case .case: 1
        case .punctuation: 2
        case .whitespace: 3
        }
    }

    /// Orders by application order: nfkc, case, punctuation, whitespace.
    public static func < (lhs: Normalization, rhs: Normalization) -> Bool { lhs.rank < rhs.rank }

    /// The default steps for duplicate keys: `[nfkc, case, whitespace]`.
    public static let standard: [Normalization] = [.nfkc, .case, .whitespace]
}

/// Normalizes text for comparison and hashing.
///
/// The steps run in a fixed order, each only when selected:
/// 1. **nfkc** — Unicode NFKC (`precomposedStringWithCompatibilityMapping`).
/// 2. **case** — full case folding, matching Python's `str.casefold()` (Unicode 14 CaseFolding
///    C+F). Foundation's `folding(options: .caseInsensitive, locale: nil)` gives that on Linux
///    ('Straße' → 'strasse', 'ΣΑΣ' → 'σασ', 'ς' → 'σ', 'ﬁ' → 'fi', 'ᾼ' → 'αι'; `lowercased()`
///    does not: it keeps 'ß' and 'ς'), except for 181 code points, which are corrected
///    after folding: Cherokee folds to the *uppercase* letters (U+AB70–U+ABBF → U+13A0–U+13EF,
///    U+13F8–U+13FD → U+13F0–U+13F5) and the old Cyrillic variants U+1C80–U+1C88 fold to
///    their ordinary letters. A test compares every assigned code point below U+30000 with
///    Python 3.11 `unicodedata.normalize('NFKC', c).casefold()`.
/// 3. **punctuation** — removes every scalar of general category P* (Pc, Pd, Ps, Pe, Pi, Pf,
///    Po). ASCII `$ + < = > ^ ` | ~` are symbols (S*), not punctuation, and stay.
/// 4. **whitespace** — every maximal run of Unicode `White_Space` scalars (U+0009–U+000D,
///    U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000)
///    becomes one U+0020, and leading and trailing runs are removed. Unlike Python's
///    `str.split()`, U+001C–U+001F are *not* whitespace here.
///
/// Pure-ASCII text takes a byte-level fast path (NFKC is the identity on ASCII; folding is
/// `A`–`Z` → `a`–`z`) that never builds a `String`; other text goes through Foundation once.
public struct TextNormalizer: Sendable, Hashable {
    /// Applies NFKC.
    public let nfkc: Bool
    /// Applies full case folding.
    public let caseFold: Bool
    /// Collapses and trims whitespace.
    public let whitespace: Bool
    /// Removes punctuation.
    public let punctuation: Bool

    /// A normalizer running the given steps (order and repeats do not matter).
    public init(_ steps: some Sequence<Normalization>) {
        let set = Set(steps)
        nfkc = set.contains(.nfkc)
        caseFold = set.contains(.case)
        whitespace = set.contains(.whitespace)
        punctuation = set.contains(.punctuation)
    }

    /// `[nfkc, case, whitespace]`.
    public static let standard = TextNormalizer(Normalization.standard)

    /// The selected steps in application order, e.g. `nfkc+case+whitespace` (`none` if empty);
    /// names index columns so different option sets never share hashes.
    public var signature: String {
        let steps = Normalization.allCases.sorted().filter { step in
            switch step {
            case .nfkc: nfkc
            case .case: caseFold
            case .whitespace: whitespace
            case .punctuation: punctuation
            }
        }
        return steps.isEmpty ? "none" : steps.map(\.rawValue).joined(separator: "+")
    }

    /// The normalized text.
    public func normalize(_ text: String) -> String {
        var out: [UInt8] = []
        normalize(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The XXH64 (seed 0) of the normalized UTF-8 bytes.
    /// - Parameter scratch: a reusable buffer, so hashing many texts allocates once.
    public func hash(_ text: String, scratch: inout [UInt8]) -> UInt64 {
        normalize(text, into: &scratch)
        return scratch.withUnsafeBytes { XXH64.hash($0) }
    }

    /// The XXH64 (seed 0) of the normalized UTF-8 bytes of a slice of a text.
    public func hash(_ text: Substring, scratch: inout [UInt8]) -> UInt64 {
        normalize(text, into: &scratch)
        return scratch.withUnsafeBytes { XXH64.hash($0) }
    }

    /// Writes the normalized UTF-8 bytes of `text` into `out` (replacing its contents).
    /// - Complexity: O(n) in the UTF-8 length.
    public func normalize(_ text: String, into out: inout [UInt8]) {
        var text = text
        let handled = text.withUTF8 { bytes in normalizeASCII(bytes, into: &out) }
        if !handled {
            out.removeAll(keepingCapacity: true)
            normalizeUnicode(text, into: &out)
        }
    }

    /// Writes the normalized UTF-8 bytes of `text` into `out` (replacing its contents).
    /// - Complexity: O(n) in the UTF-8 length.
    public func normalize(_ text: Substring, into out: inout [UInt8]) {
        var text = text
        let handled = text.withUTF8 { bytes in normalizeASCII(bytes, into: &out) }
        if !handled {
            out.removeAll(keepingCapacity: true)
            normalizeUnicode(String(text), into: &out)
        }
    }

    // MARK: - ASCII fast path

    /// Normalizes pure-ASCII bytes into `out` in one pass and returns true; returns false,
    /// leaving `out` unspecified, at the first non-ASCII byte.
    ///
    /// Eight bytes per step while a block is *simple* (`simpleBlock`): it is then folded with
    /// one addition and stored whole. Any other block goes through the byte-table loop of
    /// `normalizeASCIIReference`, one byte per step, with the same state (bytes written and
    /// the pending space), so the output is that loop's byte for byte. The output is never
    /// longer than the input (a whitespace run becomes at most one space, and only before a
    /// kept byte), so the write position never passes the read position and every 8-byte
    /// store stays inside the buffer.
    /// - Complexity: O(n) in the number of bytes.
    @inline(never)  // large, and one symbol to find in profiles; called once per text
    func normalizeASCII(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        // One specialization per case and whitespace setting, so each loop holds only the tests
        // it needs; punctuation (off in every default step set) stays a run-time test.
        switch (caseFold, whitespace) {
        case (false, false): normalizeASCII(bytes, into: &out, Off.self, Off.self)
        case (false, true): normalizeASCII(bytes, into: &out, Off.self, On.self)
        case (true, false): normalizeASCII(bytes, into: &out, On.self, Off.self)
        case (true, true): normalizeASCII(bytes, into: &out, On.self, On.self)
        }
    }

    /// A step that is on or off at compile time (the type parameters of `normalizeASCII`).
    private protocol Step { static var isOn: Bool { get } }
    private enum On: Step { static var isOn: Bool { true } }
    private enum Off: Step { static var isOn: Bool { false } }

    @inline(__always)
    private func normalizeASCII<CaseFold: Step, Whitespace: Step>(
        _ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], _: CaseFold.Type,
        _: Whitespace.Type
    ) -> Bool {
        let table = Self.asciiTables[asciiTableIndex]
        let count = bytes.count
        var isASCII = true
        let whitespace = Whitespace.isOn
        let punctuation = punctuation
        // Adds 0x20 to the `A`–`Z` lanes only when case folds.
        let foldMask: UInt64 = CaseFold.isOn ? ~0 : 0
        // The output buffer starts as a copy of the input (one `memcpy`; `overwrite` would fill
        // it with zeros one element at a time) and is overwritten from the front.
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: bytes)
        let written = out.withUnsafeMutableBufferPointer { dst -> Int in
            guard let src = bytes.baseAddress, let d = dst.baseAddress else { return 0 }
            return table.withUnsafeBufferPointer { table in
                var n = 0
                // 1 while a whitespace run waits to be written as one space (only before a
                // kept byte), else 0.
                var pending: UInt64 = 0
                var i = 0
                /// The byte loop: false at a non-ASCII byte.
                @inline(__always) func step(_ b: UInt8) -> Bool {
                    let mapped = table[Int(b)]
                    if mapped < 0x80 {
                        if pending != 0 {
                            d[n] = 0x20
                            n &+= 1
                            pending = 0
                        }
                        d[n] = mapped
                        n &+= 1
                    } else if mapped == Self.spaceByte {
                        pending = n > 0 ? 1 : 0
                    } else if mapped == Self.nonASCIIByte {
                        return false
                    }
                    return true
                }
                // Byte by byte until the first byte is written: from then on a space is
                // never leading, so a block never has to drop one.
                while n == 0 && i < count {
                    guard step(src[i]) else {
                        isASCII = false
                        return 0
                    }
                    i &+= 1
                }
                while i &+ 8 <= count {
                    let x = UInt64(
                        littleEndian: UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self))
                    if let block = Self.simpleBlock(
                        x, whitespace: whitespace, punctuation: punctuation)
                    {
                        // A pending space is written unless lane 0 is itself a space (which
                        // then stands for the whole run); the block store overwrites it when
                        // it is not counted.
                        d[n] = 0x20
                        n &+= Int(truncatingIfNeeded: pending & ~(block.space >> 7))
                        let folded = x &+ (block.upper >> 2 & foldMask)
                        UnsafeMutableRawPointer(d + n).storeBytes(
                            of: folded.littleEndian, as: UInt64.self)
                        // A space in lane 7 stays pending: it is written only before a
                        // kept byte.
                        pending = block.space >> 63
                        n &+= 8 &- Int(truncatingIfNeeded: pending)
                    } else {
                        for j in i..<(i &+ 8) where !step(src[j]) {
                            isASCII = false
                            return 0
                        }
                    }
                    i &+= 8
                }
                while i < count {
                    guard step(src[i]) else {
                        isASCII = false
                        return 0
                    }
                    i &+= 1
                }
                return n
            }
        }
        out.removeLast(count - written)
        return isASCII
    }

    /// The lanes of a simple block: the high bit of each space lane and of each `A`–`Z` lane.
    struct SimpleBlock {
        var space: UInt64
        var upper: UInt64
    }

    /// The lane masks of eight bytes (little-endian) if they can be copied as they are, with
    /// `A`–`Z` folded, or nil.
    ///
    /// Simple means: all ASCII; when punctuation is removed, no ASCII graphic byte other than a
    /// letter or digit (symbols fall back too: rare, and simpler to test); when whitespace
    /// collapses, no byte below 0x20 (the other whitespace bytes, and the rare control bytes)
    /// and no two adjacent spaces. The caller has written a byte already, so a space is never
    /// leading: one in lane 0 after a pending space continues that run; one in lane 7 becomes
    /// pending.
    ///
    /// Each mask is exact per lane: for ASCII lanes, adding `0x80 − c` sets a lane's high bit
    /// exactly when the byte is at least `c`, and no sum passes 0xFF, so nothing carries into
    /// the next lane. (A non-ASCII lane may carry, but then the block is rejected anyway.)
    @inline(__always)
    static func simpleBlock(_ x: UInt64, whitespace: Bool, punctuation: Bool) -> SimpleBlock? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        /// High bit of each lane whose byte is at least `c` (1 ≤ c ≤ 0x80).
        @inline(__always) func atLeast(_ c: UInt64) -> UInt64 { (x &+ ones &* (0x80 - c)) & high }
        let upper = atLeast(0x41) & ~atLeast(0x5B)
        var bad: UInt64
        var space: UInt64 = 0
        if whitespace {
            // A lane below 0x20 (the other whitespace bytes, and the rare control bytes) is
            // bad, as is a non-ASCII lane; adding 0x60 sets the high bit of every lane from
            // 0x20 up. The lanes up to 0x20 left are then exactly the spaces.
            bad = (x | ~(x &+ ones &* 0x60)) & high
            space = ~atLeast(0x21) & high
            bad |= space & (space << 8)
        } else {
            bad = x & high
        }
        if punctuation {
            // Graphic (0x21–0x7E) but not a letter or digit.
            let lowered = x | ones &* 0x20
            let letter = (lowered &+ ones &* (0x80 - 0x61)) & ~(lowered &+ ones &* (0x80 - 0x7B))
            let digit = atLeast(0x30) & ~atLeast(0x3A)
            bad |= atLeast(0x21) & ~atLeast(0x7F) & ~(letter | digit) & high
        }
        return bad == 0 ? SimpleBlock(space: space, upper: upper) : nil
    }

    /// The byte-table loop the fast path falls back to, one byte per step; kept whole as the
    /// reference the tests compare `normalizeASCII` with.
    func normalizeASCIIReference(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8])
        -> Bool
    {
        let table = Self.asciiTables[asciiTableIndex]
        var isASCII = true
        out.overwrite(maxCount: bytes.count) { dst in
            table.withUnsafeBufferPointer { table in
                var n = 0
                var pendingSpace = false
                for b in bytes {
                    let mapped = table[Int(b)]
                    if mapped < 0x80 {
                        if pendingSpace {
                            dst[n] = 0x20
                            n += 1
                            pendingSpace = false
                        }
                        dst[n] = mapped
                        n += 1
                    } else if mapped == Self.spaceByte {
                        pendingSpace = n > 0
                    } else if mapped == Self.nonASCIIByte {
                        isASCII = false
                        return 0
                    }
                }
                return n
            }
        }
        return isASCII
    }

    /// Table entry of a whitespace byte when whitespace collapses.
    private static let spaceByte: UInt8 = 0xFE
    /// Table entry of a byte that is removed (punctuation, when selected).
    private static let droppedByte: UInt8 = 0xFF
    /// Table entry of the bytes 0x80–0xFF, which leave the fast path.
    private static let nonASCIIByte: UInt8 = 0x80

    /// The index of this step set's table in `asciiTables`.
    private var asciiTableIndex: Int {
        (caseFold ? 1 : 0) | (whitespace ? 2 : 0) | (punctuation ? 4 : 0)
    }

    /// For each combination of case, whitespace and punctuation (NFKC is the identity on
    /// ASCII), what each byte becomes: itself or its folded letter, `spaceByte`,
    /// `droppedByte`, or `nonASCIIByte`.
    private static let asciiTables: [[UInt8]] = (0..<8).map { index in
        let (caseFold, whitespace, punctuation) = (index & 1 != 0, index & 2 != 0, index & 4 != 0)
        return (0..<256).map { value -> UInt8 in
            let b = UInt8(value)
            if b >= 0x80 { return nonASCIIByte }
            if punctuation && isASCIIPunctuation(b) { return droppedByte }
            if whitespace && (b == 0x20 || (b >= 0x09 && b <= 0x0D)) { return spaceByte }
            if caseFold && b >= 0x41 && b <= 0x5A { return b | 0x20 }
            return b
        }
    }

    /// The ASCII characters of Unicode general category P*.
    @inline(__always)
    private static func isASCIIPunctuation(_ b: UInt8) -> Bool {
        switch b {
        case 0x21...0x23, 0x25...0x2A, 0x2C...0x2F, 0x3A, 0x3B, 0x3F, 0x40, 0x5B...0x5D, 0x5F,
            0x7B, 0x7D:
            true
        default: false
        }
    }

    // MARK: - Unicode path

    /// The general path, for any text; appends to `out`. Internal so that tests can compare
    /// it with the ASCII fast path.
    func normalizeUnicode(_ text: String, into out: inout [UInt8]) {
        var s = text
        if nfkc { s = s.precomposedStringWithCompatibilityMapping }
        if caseFold { s = s.folding(options: .caseInsensitive, locale: nil) }
        var pendingSpace = false
        for scalar in s.unicodeScalars {
            let value = caseFold ? Self.foldFixup(scalar) : scalar
            if punctuation && Self.isPunctuation(value) { continue }
            if whitespace && value.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(0x20)
                pendingSpace = false
            }
            out.append(contentsOf: UTF8.encode(value)!)
        }
    }

    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            true
        default: false
        }
    }

    /// Where Foundation's folding differs from Unicode CaseFolding.txt (C+F).
    private static func foldFixup(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let v = scalar.value
        switch v {
        case 0xAB70...0xABBF: return Unicode.Scalar(v - 0xAB70 + 0x13A0)!
        case 0x13F8...0x13FD: return Unicode.Scalar(v - 8)!
        case 0x1C80: return "\u{0432}"
        case 0x1C81: return "\u{0434}"
        case 0x1C82: return "\u{043E}"
        case 0x1C83: return "\u{0441}"
        case 0x1C84, 0x1C85: return "\u{0442}"
        case 0x1C86: return "\u{044A}"
        case 0x1C87: return "\u{0463}"
        case 0x1C88: return "\u{A64B}"
        default: return scalar
        }
    }
}

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
    /// One lookup in the step set's byte table classifies each byte, and the output is written
    /// through a pointer: it is never longer than the input (a whitespace run becomes at most
    /// one space, and only before a kept byte).
    private func normalizeASCII(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8])
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

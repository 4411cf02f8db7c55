/// A set of Unicode scalar values as sorted, disjoint, non-adjacent closed ranges.
///
/// Classes, literals and `.` all become a `ScalarSet`; the compiler turns it into UTF-8 byte
/// sequences (`utf8Sequences()`).
struct ScalarSet: Hashable, Sendable {
    /// Sorted, disjoint and non-adjacent.
    private(set) var ranges: [ClosedRange<UInt32>] = []

    static let maxScalar: UInt32 = 0x10_FFFF

    init() {}

    init(_ scalar: Unicode.Scalar) { ranges = [scalar.value...scalar.value] }

    init(ranges: [ClosedRange<UInt32>]) {
        for range in ranges { insert(range) }
    }

    /// The single scalar this set holds, if it holds exactly one.
    var singleScalar: UInt32? {
        ranges.count == 1 && ranges[0].lowerBound == ranges[0].upperBound
            ? ranges[0].lowerBound : nil
    }

    var isEmpty: Bool { ranges.isEmpty }

    mutating func insert(_ range: ClosedRange<UInt32>) {
        var merged = range
        var result: [ClosedRange<UInt32>] = []
        result.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.upperBound &+ 1 < merged.lowerBound {
                result.append(existing)
            } else if merged.upperBound &+ 1 < existing.lowerBound {
                if !placed {
                    result.append(merged)
                    placed = true
                }
                result.append(existing)
            } else {
                merged =
                    min(
                        existing.lowerBound, merged.lowerBound)...max(
                        existing.upperBound, merged.upperBound)
            }
        }
        if !placed { result.append(merged) }
        ranges = result
    }

    mutating func formUnion(_ other: ScalarSet) {
        for range in other.ranges { insert(range) }
    }

    /// Every scalar value not in the set (surrogates are dropped later, when encoding).
    func inverted() -> ScalarSet {
        var result = ScalarSet()
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.ranges.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
        }
        if next <= Self.maxScalar { result.ranges.append(next...Self.maxScalar) }
        return result
    }

    // MARK: - Shorthand classes (ASCII semantics)

    static let digit = ScalarSet(ranges: [0x30...0x39])
    static let word = ScalarSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// Space, `\t \n \v \f \r`.
    static let space = ScalarSet(ranges: [0x09...0x0D, 0x20...0x20])
    /// `.`: any scalar except `\n`.
    static let dot = ScalarSet(ranges: [0x0A...0x0A]).inverted()

    // MARK: - Case folding

    /// The set plus the simple lowercase and uppercase mapping of each member (ASCII letters
    /// directly; other scalars through `Character.lowercased()`/`uppercased()` when the result
    /// is a single scalar).
    func caseFolded() -> ScalarSet {
        var result = self
        for range in ranges {
            // ASCII letters.
            for (lower, upper, delta) in [
                (UInt32(0x41), UInt32(0x5A), Int64(0x20)), (0x61, 0x7A, -0x20),
            ] {
                let lo = max(lower, range.lowerBound)
                let hi = min(upper, range.upperBound)
                if lo <= hi {
                    result.insert(UInt32(Int64(lo) + delta)...UInt32(Int64(hi) + delta))
                }
            }
            // No scalar above U+1E943 has a case mapping.
            let lo = max(range.lowerBound, 0x80)
            let hi = min(range.upperBound, 0x1_E943)
            guard lo <= hi else { continue }
            for value in lo...hi {
                guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenCaseMapped
                else { continue }
                let character = Character(scalar)
                for mapped in [character.lowercased(), character.uppercased()] {
                    let scalars = mapped.unicodeScalars
                    if scalars.count == 1, let first = scalars.first, first != scalar {
                        result.insert(first.value...first.value)
                    }
                }
            }
        }
        return result
    }

    // MARK: - UTF-8

    /// A run of byte ranges: the set of byte strings `b0 b1 …` with each `bi` in range `i`.
    typealias ByteSequence = [ClosedRange<UInt8>]

    /// The valid UTF-8 encodings of the set's scalars as a union of byte-range sequences.
    ///
    /// Each scalar range is split where the encoded length changes (U+007F, U+07FF, U+FFFF,
    /// skipping the surrogates), then where a continuation byte would wrap, until the low and
    /// high encodings of each piece differ byte-wise only within ranges whose every
    /// combination is a member.
    func utf8Sequences() -> [ByteSequence] {
        var result: [ByteSequence] = []
        for range in ranges {
            for piece in Self.splitSurrogates(range) {
                for (lo, hi) in [
                    (UInt32(0), UInt32(0x7F)), (0x80, 0x7FF), (0x800, 0xFFFF),
                    (0x1_0000, 0x10_FFFF),
                ] {
                    let a = max(lo, piece.lowerBound)
                    let b = min(hi, piece.upperBound)
                    if a <= b { Self.appendSameLength(a, b, into: &result) }
                }
            }
        }
        return result
    }

    private static func splitSurrogates(_ range: ClosedRange<UInt32>) -> [ClosedRange<UInt32>] {
        var pieces: [ClosedRange<UInt32>] = []
        if range.lowerBound < 0xD800 {
            pieces.append(range.lowerBound...min(range.upperBound, 0xD7FF))
        }
        if range.upperBound > 0xDFFF {
            pieces.append(max(range.lowerBound, 0xE000)...range.upperBound)
        }
        return pieces
    }

    /// `lo` and `hi` encode to the same number of bytes.
    private static func appendSameLength(
        _ lo: UInt32, _ hi: UInt32, into result: inout [ByteSequence]
    ) {
        let length = encodedLength(lo)
        // Split so that every trailing group of continuation bytes is either fully free
        // (0x80...0xBF for every prefix) or fixed by the prefix.
        for i in 1..<length {
            let mask: UInt32 = (1 << (6 * UInt32(i))) - 1
            if lo & ~mask != hi & ~mask {
                if lo & mask != 0 {
                    appendSameLength(lo, lo | mask, into: &result)
                    appendSameLength((lo | mask) + 1, hi, into: &result)
                    return
                }
                if hi & mask != mask {
                    appendSameLength(lo, (hi & ~mask) - 1, into: &result)
                    appendSameLength(hi & ~mask, hi, into: &result)
                    return
                }
            }
        }
        let a = encode(lo)
        let b = encode(hi)
        result.append(zip(a, b).map { $0...$1 })
    }

    static func encodedLength(_ value: UInt32) -> Int {
        value < 0x80 ? 1 : value < 0x800 ? 2 : value < 0x1_0000 ? 3 : 4
    }

    static func encode(_ value: UInt32) -> [UInt8] {
        switch encodedLength(value) {
        case 1: return [UInt8(value)]
        case 2: return [UInt8(0xC0 | (value >> 6)), UInt8(0x80 | (value & 0x3F))]
        case 3:
            return [
                UInt8(0xE0 | (value >> 12)), UInt8(0x80 | ((value >> 6) & 0x3F)),
                UInt8(0x80 | (value & 0x3F)),
            ]
        default:
            return [
                UInt8(0xF0 | (value >> 18)), UInt8(0x80 | ((value >> 12) & 0x3F)),
                UInt8(0x80 | ((value >> 6) & 0x3F)), UInt8(0x80 | (value & 0x3F)),
            ]
        }
    }
}

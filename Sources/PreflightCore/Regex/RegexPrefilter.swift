import Foundation

/// A byte string in which each position is one byte or, for a case-insensitive ASCII letter,
/// either case of it.
struct RegexLiteral: Hashable, Sendable {
    var lower: [UInt8]
    var upper: [UInt8]

    static let empty = RegexLiteral(lower: [], upper: [])

    var count: Int { lower.count }

    static func + (lhs: RegexLiteral, rhs: RegexLiteral) -> RegexLiteral {
        RegexLiteral(lower: lhs.lower + rhs.lower, upper: lhs.upper + rhs.upper)
    }

    /// The literal a scalar set stands for: one scalar, or the two cases of an ASCII letter.
    init?(_ set: ScalarSet) {
        if let scalar = set.singleScalar {
            let bytes = ScalarSet.encode(scalar)
            self.init(lower: bytes, upper: bytes)
            return
        }
        let ranges = set.ranges
        guard ranges.count == 2, ranges[0].count == 1, ranges[1].count == 1 else { return nil }
        let upper = ranges[0].lowerBound
        let lower = ranges[1].lowerBound
        guard (0x41...0x5A).contains(upper), lower == upper + 0x20 else { return nil }
        self.init(lower: [UInt8(lower)], upper: [UInt8(upper)])
    }

    init(lower: [UInt8], upper: [UInt8]) {
        self.lower = lower
        self.upper = upper
    }

    /// How rare a byte is in typical text: punctuation over non-ASCII over digits over
    /// letters, letters by their frequency in English, space and the commonest letters last.
    static func rarity(_ byte: UInt8) -> Int {
        switch byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0) {
        case 0x20, 0x2C, 0x2E: return 0
        case UInt8(ascii: "e"), UInt8(ascii: "t"), UInt8(ascii: "a"), UInt8(ascii: "o"),
            UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "s"), UInt8(ascii: "h"),
            UInt8(ascii: "r"):
            return 1
        case UInt8(ascii: "d"), UInt8(ascii: "l"), UInt8(ascii: "c"), UInt8(ascii: "u"),
            UInt8(ascii: "m"), UInt8(ascii: "w"), UInt8(ascii: "f"):
            return 2
        case 0x61...0x7A: return 3
        case 0x30...0x39: return 4
        case 0x80...: return 5
        default: return 6
        }
    }

    /// True when `self` occurs in `other` position by position.
    func isInfix(of other: RegexLiteral) -> Bool {
        guard count <= other.count else { return false }
        for start in 0...(other.count - count)
        where other.lower[start..<start + count].elementsEqual(lower)
            && other.upper[start..<start + count].elementsEqual(upper)
        {
            return true
        }
        return false
    }

    /// Prefers longer literals, then rarer bytes.
    var score: Int { count * 8 + (lower.map(Self.rarity).max() ?? 0) }

    /// The position of the rarest byte: the one searched for before verifying the rest.
    var anchorIndex: Int {
        lower.indices.max { Self.rarity(lower[$0]) < Self.rarity(lower[$1]) } ?? 0
    }
}

/// A set of bytes given as at most four ranges, searched 32 bytes at a time (`memchr` for a
/// single byte). Trivially copyable: no reference counting on the hot path.
struct ByteSetScanner: Sendable {
    /// At most this many ranges are worth a vector scan.
    static let maxRanges = 4

    private var bits = SIMD4<UInt64>(repeating: 0)
    /// Number of disjoint ranges.
    private(set) var rangeCount = 0
    /// Range bounds; unused slots repeat the last range.
    private var lows = SIMD4<UInt8>()
    private var spans = SIMD4<UInt8>()
    /// The members when there are at most eight (padded with repeats), else `memberCount` > 8.
    private var members = SIMD8<UInt8>()
    private var memberCount = 0

    /// A scanner for the union of `ranges`, or nil when it takes more than `maxRanges`.
    init?(ranges: [ClosedRange<UInt8>]) {
        for range in ranges {
            for byte in range { bits[Int(byte >> 6)] |= 1 << UInt64(byte & 63) }
        }
        let listed = (0..<256).filter { contains(UInt8($0)) }.map(UInt8.init)
        memberCount = listed.count
        if let last = listed.last, listed.count <= 8 {
            for slot in 0..<8 { members[slot] = slot < listed.count ? listed[slot] : last }
            rangeCount = 1
            return
        }
        var found: [ClosedRange<UInt8>] = []
        var byte = 0
        while byte < 256 {
            guard contains(UInt8(byte)) else {
                byte += 1
                continue
            }
            var end = byte
            while end + 1 < 256 && contains(UInt8(end + 1)) { end += 1 }
            guard found.count < Self.maxRanges else { return nil }
            found.append(UInt8(byte)...UInt8(end))
            byte = end + 1
        }
        guard let last = found.last else { return nil }
        rangeCount = found.count
        for slot in 0..<4 {
            let range = slot < found.count ? found[slot] : last
            lows[slot] = range.lowerBound
            spans[slot] = range.upperBound &- range.lowerBound
        }
    }

    /// The set has at most eight members (one equality test each).
    var isEqualityScan: Bool { memberCount <= 8 }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool { (bits[Int(byte >> 6)] >> UInt64(byte & 63)) & 1 != 0 }

    /// The first offset in `from..<end` whose byte is in the set.
    ///
    /// Up to eight members are compared for equality; otherwise each range is tested. The
    /// loops are written in the shapes measured fast with Swift 6.3 (vector code);
    /// broadcasting inside the loop, combining range masks (`&-`, `.<=`) with `.|`, or
    /// looping over the ranges compiled to scalar code 10 to 100 times slower.
    func firstIndex(in base: UnsafeRawPointer, from: Int, end: Int) -> Int? {
        guard from < end else { return nil }
        var offset = from
        if memberCount == 1 {
            guard let hit = memchr(base + from, Int32(members[0]), end - from) else { return nil }
            return UnsafeRawPointer(hit) - base
        }
        if memberCount == 2 {
            let first = SIMD32<UInt8>(repeating: members[0])
            let second = SIMD32<UInt8>(repeating: members[1])
            while offset + 32 <= end {
                let chunk = base.loadUnaligned(fromByteOffset: offset, as: SIMD32<UInt8>.self)
                if any((chunk .== first) .| (chunk .== second)) { break }
                offset += 32
            }
        } else if memberCount <= 8 {
            let v0 = SIMD32<UInt8>(repeating: members[0])
            let v1 = SIMD32<UInt8>(repeating: members[1])
            let v2 = SIMD32<UInt8>(repeating: members[2])
            let v3 = SIMD32<UInt8>(repeating: members[3])
            let v4 = SIMD32<UInt8>(repeating: members[4])
            let v5 = SIMD32<UInt8>(repeating: members[5])
            let v6 = SIMD32<UInt8>(repeating: members[6])
            let v7 = SIMD32<UInt8>(repeating: members[7])
            while offset + 32 <= end {
                let c = base.loadUnaligned(fromByteOffset: offset, as: SIMD32<UInt8>.self)
                let low = ((c .== v0) .| (c .== v1)) .| ((c .== v2) .| (c .== v3))
                let high = ((c .== v4) .| (c .== v5)) .| ((c .== v6) .| (c .== v7))
                if any(low .| high) { break }
                offset += 32
            }
        } else if rangeCount == 1 {
            let low = SIMD32<UInt8>(repeating: lows[0])
            let span = SIMD32<UInt8>(repeating: spans[0])
            while offset + 32 <= end {
                let chunk = base.loadUnaligned(fromByteOffset: offset, as: SIMD32<UInt8>.self)
                if any((chunk &- low) .<= span) { break }
                offset += 32
            }
        } else if rangeCount == 2 {
            let low0 = SIMD32<UInt8>(repeating: lows[0])
            let span0 = SIMD32<UInt8>(repeating: spans[0])
            let low1 = SIMD32<UInt8>(repeating: lows[1])
            let span1 = SIMD32<UInt8>(repeating: spans[1])
            while offset + 32 <= end {
                let chunk = base.loadUnaligned(fromByteOffset: offset, as: SIMD32<UInt8>.self)
                if any((chunk &- low0) .<= span0) || any((chunk &- low1) .<= span1) { break }
                offset += 32
            }
        } else {
            let low0 = SIMD32<UInt8>(repeating: lows[0])
            let span0 = SIMD32<UInt8>(repeating: spans[0])
            let low1 = SIMD32<UInt8>(repeating: lows[1])
            let span1 = SIMD32<UInt8>(repeating: spans[1])
            let low2 = SIMD32<UInt8>(repeating: lows[2])
            let span2 = SIMD32<UInt8>(repeating: spans[2])
            let low3 = SIMD32<UInt8>(repeating: lows[3])
            let span3 = SIMD32<UInt8>(repeating: spans[3])
            while offset + 32 <= end {
                let chunk = base.loadUnaligned(fromByteOffset: offset, as: SIMD32<UInt8>.self)
                if any((chunk &- low0) .<= span0) || any((chunk &- low1) .<= span1)
                    || any((chunk &- low2) .<= span2) || any((chunk &- low3) .<= span3)
                {
                    break
                }
                offset += 32
            }
        }
        while offset < end {
            if contains(base.load(fromByteOffset: offset, as: UInt8.self)) { return offset }
            offset += 1
        }
        return nil
    }
}

/// A cheap test run before the automaton: texts it rejects cannot contain a match.
///
/// Either a set of literals every match contains one of (each found by scanning for its
/// rarest byte, in both cases for a case-insensitive letter, then verifying), or a narrow
/// byte range every match has a byte in.
final class RegexPrefilter: Sendable {
    /// At most this many literals are searched for.
    static let maxLiterals = 8

    private struct Entry {
        var start: Int
        var length: Int
        var anchor: Int
        var scanner: ByteSetScanner
    }

    let literals: [RegexLiteral]
    private let entries: [Entry]
    /// Lower-case bytes of all literals, then upper-case bytes, back to back.
    private let lower: [UInt8]
    private let upper: [UInt8]
    let byteScanner: ByteSetScanner?
    /// The anchor bytes of all literals, when there are several literals and few bytes.
    private let anchorScanner: ByteSetScanner?
    /// The pattern is exactly one of the literals (with `\b` before or after when set): an
    /// occurrence that passes the checks is a match, and the automaton need not run.
    let isExact: Bool
    private let boundaryBefore: Bool
    private let boundaryAfter: Bool
    /// The single literal begins every match: the search can start at its first occurrence.
    private let startsMatches: Bool

    var isEmpty: Bool { entries.isEmpty && byteScanner == nil }

    static let none = RegexPrefilter(literals: [], byteScanner: nil)

    private init(
        literals: [RegexLiteral], byteScanner: ByteSetScanner?, isExact: Bool = false,
        boundaryBefore: Bool = false, boundaryAfter: Bool = false, startsMatches: Bool = false
    ) {
        self.literals = literals
        var entries: [Entry] = []
        var lower: [UInt8] = []
        var upper: [UInt8] = []
        for literal in literals {
            let anchor = literal.anchorIndex
            guard
                let scanner = ByteSetScanner(ranges: [
                    literal.lower[anchor]...literal.lower[anchor],
                    literal.upper[anchor]...literal.upper[anchor],
                ])
            else { continue }
            entries.append(
                Entry(start: lower.count, length: literal.count, anchor: anchor, scanner: scanner))
            lower += literal.lower
            upper += literal.upper
        }
        self.entries = entries
        self.lower = lower
        self.upper = upper
        self.byteScanner = byteScanner
        var anchors: [ClosedRange<UInt8>] = []
        for (entry, literal) in zip(entries, literals) {
            anchors.append(literal.lower[entry.anchor]...literal.lower[entry.anchor])
            anchors.append(literal.upper[entry.anchor]...literal.upper[entry.anchor])
        }
        let combined = ByteSetScanner(ranges: anchors)
        anchorScanner = entries.count > 1 && combined?.isEqualityScan == true ? combined : nil
        self.isExact = isExact && entries.count == literals.count && !entries.isEmpty
        self.boundaryBefore = boundaryBefore
        self.boundaryAfter = boundaryAfter
        self.startsMatches = startsMatches && entries.count == 1 && literals.count == 1
    }

    convenience init(_ node: RegexNode) {
        if let exact = Self.exactForm(node) {
            self.init(
                literals: exact.literals, byteScanner: nil, isExact: true,
                boundaryBefore: exact.before, boundaryAfter: exact.after)
            return
        }
        if let prefix = Self.prefixLiteral(node), prefix.count >= 2 {
            self.init(literals: [prefix], byteScanner: nil, startsMatches: true)
            return
        }
        let required = Self.analyze(node).required
        if let best = required.max(by: { Self.score($0) < Self.score($1) }) {
            // A literal containing another is implied by it: keep the shorter.
            let minimal = best.filter { literal in
                !best.contains { other in other != literal && other.isInfix(of: literal) }
            }
            self.init(literals: minimal, byteScanner: nil)
            return
        }
        let range = Self.requiredRanges(node).min {
            $0.upperBound - $0.lowerBound < $1.upperBound - $1.lowerBound
        }
        if let range, range.upperBound - range.lowerBound < 64 {
            self.init(literals: [], byteScanner: ByteSetScanner(ranges: [range]))
        } else {
            self.init(literals: [], byteScanner: nil)
        }
    }

    /// False when the text cannot contain a match. With `isExact`, true means a match.
    func mayMatch(_ base: UnsafeRawPointer, count: Int) -> Bool {
        firstStart(base, count: count) != nil
    }

    /// Nil when the text cannot contain a match; otherwise an offset no match starts before
    /// (the first occurrence of the literal every match starts with, when there is one; else
    /// 0). With `isExact`, non-nil means a match.
    func firstStart(_ base: UnsafeRawPointer, count: Int) -> Int? {
        if let byteScanner {
            return byteScanner.firstIndex(in: base, from: 0, end: count) == nil ? nil : 0
        }
        if entries.isEmpty { return 0 }
        return lower.withUnsafeBufferPointer { lower in
            upper.withUnsafeBufferPointer { upper in
                let text = Text(
                    base: base, count: count, lower: lower.baseAddress!, upper: upper.baseAddress!,
                    boundaryBefore: boundaryBefore, boundaryAfter: boundaryAfter)
                if let anchorScanner { return text.anyOccurs(entries, anchorScanner) ? 0 : nil }
                if startsMatches { return text.firstOccurrence(entries[0]) }
                for entry in entries where text.firstOccurrence(entry) != nil { return 0 }
                return nil
            }
        }
    }

    /// The text being searched and the literal bytes.
    private struct Text {
        var base: UnsafeRawPointer
        var count: Int
        var lower: UnsafePointer<UInt8>
        var upper: UnsafePointer<UInt8>
        var boundaryBefore: Bool
        var boundaryAfter: Bool

        func byte(_ offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }

        func isWord(_ offset: Int) -> Bool {
            offset >= 0 && offset < count && RegexProgram.isWordByte(byte(offset))
        }

        /// The literal of `entry` is at `start` (and the word boundaries hold).
        func verify(_ entry: Entry, at start: Int) -> Bool {
            guard start >= 0, start + entry.length <= count else { return false }
            var index = 0
            while index < entry.length {
                let next = byte(start + index)
                if next != lower[entry.start + index] && next != upper[entry.start + index] {
                    return false
                }
                index += 1
            }
            let end = start + entry.length
            if boundaryBefore && isWord(start - 1) == isWord(start) { return false }
            if boundaryAfter && isWord(end - 1) == isWord(end) { return false }
            return true
        }

        /// One pass for the anchor bytes of all literals, verifying each literal whose
        /// anchor a hit can be.
        func anyOccurs(_ entries: [Entry], _ scanner: ByteSetScanner) -> Bool {
            var from = 0
            while let hit = scanner.firstIndex(in: base, from: from, end: count) {
                let value = byte(hit)
                for entry in entries
                where entry.scanner.contains(value) && verify(entry, at: hit - entry.anchor) {
                    return true
                }
                from = hit + 1
            }
            return false
        }

        /// Where the literal of `entry` first occurs, if it does.
        func firstOccurrence(_ entry: Entry) -> Int? {
            guard entry.length <= count else { return nil }
            var from = entry.anchor
            let end = count - entry.length + entry.anchor + 1  // the anchor lies before `end`
            while let hit = entry.scanner.firstIndex(in: base, from: from, end: end) {
                if verify(entry, at: hit - entry.anchor) { return hit - entry.anchor }
                from = hit + 1
            }
            return nil
        }
    }

    // MARK: - Analysis

    /// The pattern as one of a few non-empty literals, with `\b` allowed first and last.
    private static func exactForm(_ node: RegexNode) -> (
        literals: [RegexLiteral], before: Bool, after: Bool
    )? {
        var items: [RegexNode]
        if case .concat(let list) = node { items = list } else { items = [node] }
        var before = false
        var after = false
        if case .assertion(.wordBoundary) = items.first {
            before = true
            items.removeFirst()
        }
        if case .assertion(.wordBoundary) = items.last {
            after = true
            items.removeLast()
        }
        guard let literals = exactSet(.concat(items)), !literals.isEmpty,
            literals.allSatisfy({ $0.count > 0 })
        else { return nil }
        return (literals, before, after)
    }

    /// The literal every match begins with (after zero-width assertions), if any.
    private static func prefixLiteral(_ node: RegexNode) -> RegexLiteral? {
        var items: [RegexNode]
        if case .concat(let list) = node { items = list } else { items = [node] }
        var run = RegexLiteral.empty
        for item in items {
            if case .assertion = item, run.count == 0 { continue }
            guard case .set(let set) = item, let literal = RegexLiteral(set) else { break }
            run = run + literal
        }
        return run.count > 0 ? run : nil
    }

    /// Every text the node matches, as literals, when there are at most `maxLiterals`.
    private static func exactSet(_ node: RegexNode) -> [RegexLiteral]? {
        switch node {
        case .empty:
            return [.empty]
        case .assertion:
            return nil
        case .set(let set):
            return RegexLiteral(set).map { [$0] }
        case .concat(let items):
            var result: [RegexLiteral] = [.empty]
            for item in items {
                guard let next = exactSet(item), result.count * next.count <= maxLiterals else {
                    return nil
                }
                result = result.flatMap { prefix in next.map { prefix + $0 } }
            }
            return unique(result)
        case .alternate(let branches):
            var result: [RegexLiteral] = []
            for branch in branches {
                guard let next = exactSet(branch) else { return nil }
                result += next
            }
            result = unique(result)
            return result.count <= maxLiterals ? result : nil
        case .repetition(let body, let min, let max):
            guard let max, max <= 4, let unit = exactSet(body) else { return nil }
            var result: [RegexLiteral] = []
            var power: [RegexLiteral] = [.empty]
            for count in 0...max {
                if count >= min { result += power }
                if count == max { break }
                guard power.count * unit.count <= maxLiterals else { return nil }
                power = power.flatMap { prefix in unit.map { prefix + $0 } }
            }
            result = unique(result)
            return result.count <= maxLiterals ? result : nil
        }
    }

    private static func unique(_ literals: [RegexLiteral]) -> [RegexLiteral] {
        var seen = Set<RegexLiteral>()
        return literals.filter { seen.insert($0).inserted }
    }

    private static func score(_ literals: [RegexLiteral]) -> Int {
        (literals.map(\.score).min() ?? 0) - 6 * (literals.count - 1)
    }

    /// `exact`: the one literal the node matches, if it matches exactly one.
    /// `required`: sets of literals; every match of the node contains one of each set.
    private static func analyze(_ node: RegexNode) -> (
        exact: RegexLiteral?, required: [[RegexLiteral]]
    ) {
        switch node {
        case .empty, .assertion:
            return (.empty, [])
        case .set(let set):
            guard let literal = RegexLiteral(set) else { return (nil, []) }
            return (literal, [[literal]])
        case .concat(let items):
            var required: [[RegexLiteral]] = []
            var run = RegexLiteral.empty
            var allExact = true
            for item in items {
                let info = analyze(item)
                if let exact = info.exact {
                    run = run + exact
                } else {
                    allExact = false
                    if run.count > 0 { required.append([run]) }
                    run = .empty
                    required += info.required
                }
            }
            if run.count > 0 { required.append([run]) }
            return (allExact ? run : nil, required)
        case .alternate(let branches):
            let infos = branches.map(analyze)
            if let first = infos[0].exact, infos.allSatisfy({ $0.exact == first }) {
                return (first, first.count == 0 ? [] : [[first]])
            }
            var union: [RegexLiteral] = []
            for info in infos {
                guard let best = info.required.max(by: { score($0) < score($1) }) else {
                    return (nil, [])
                }
                for literal in best where !union.contains(literal) { union.append(literal) }
            }
            return (nil, union.count <= maxLiterals ? [union] : [])
        case .repetition(let body, let min, let max):
            guard min > 0 else { return (nil, []) }
            let info = analyze(body)
            if min == max, let exact = info.exact, exact.count * min <= 64 {
                var repeated = RegexLiteral.empty
                for _ in 0..<min { repeated = repeated + exact }
                return (repeated, repeated.count == 0 ? [] : [[repeated]])
            }
            return (nil, info.required)
        }
    }

    /// Byte ranges such that every match has a byte in each of them.
    private static func requiredRanges(_ node: RegexNode) -> [ClosedRange<UInt8>] {
        switch node {
        case .empty, .assertion:
            return []
        case .set(let set):
            let firsts = set.utf8Sequences().compactMap(\.first)
            guard let lo = firsts.map(\.lowerBound).min(), let hi = firsts.map(\.upperBound).max()
            else { return [] }
            return [lo...hi]
        case .concat(let items):
            return items.flatMap(requiredRanges)
        case .alternate(let branches):
            var lo = UInt8.max
            var hi = UInt8.min
            for branch in branches {
                guard
                    let narrowest = requiredRanges(branch).min(by: {
                        $0.upperBound - $0.lowerBound < $1.upperBound - $1.lowerBound
                    })
                else { return [] }
                lo = min(lo, narrowest.lowerBound)
                hi = max(hi, narrowest.upperBound)
            }
            return [lo...hi]
        case .repetition(let body, let min, _):
            return min > 0 ? requiredRanges(body) : []
        }
    }
}

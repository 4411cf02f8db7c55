/// A Thompson NFA over UTF-8 bytes, stored as parallel arrays (one entry per instruction).
///
/// Instructions: a byte range with one successor, a split into two successors, a zero-width
/// assertion with one successor, and match. Compiled back to front: each node is compiled with
/// its continuation already known, so no patch lists are needed.
struct RegexProgram: Sendable {
    enum Kind: UInt8 {
        case byteRange, split, assertion, match
    }

    /// Largest number of instructions; larger patterns are "pattern too large".
    static let maxInstructions = 100_000

    private(set) var kinds: [Kind] = []
    private(set) var low: [UInt8] = []
    private(set) var high: [UInt8] = []
    private(set) var out: [Int32] = []
    /// Second successor of a split; the assertion's raw value for an assertion.
    private(set) var out2: [Int32] = []
    private(set) var start: Int32 = 0
    /// The pattern can only match at the start of the text (every branch begins with `^`).
    private(set) var anchoredAtStart = false
    private(set) var usesWordBoundaries = false
    /// A byte string every match contains (for a `memmem` prefilter), if one is known.
    private(set) var requiredLiteral: [UInt8] = []
    /// A byte range every match has a byte in (a narrow one, for a vector-scan prefilter).
    private(set) var requiredByteRange: ClosedRange<UInt8>?

    var count: Int { kinds.count }

    /// Compiles a parsed pattern; an unanchored search loops over any byte before `node`.
    init(_ node: RegexNode) throws(RegexSyntaxError) {
        let match = try emit(.match, 0, 0, -1, -1)
        var entry = try compile(node, next: match)
        anchoredAtStart = Self.isAnchoredAtStart(node)
        if !anchoredAtStart {
            // L: split(any byte -> L, entry); the split prefers the pattern (order is moot
            // for a yes/no answer).
            let loop = try emit(.split, 0, 0, entry, -1)
            let anyByte = try emit(.byteRange, 0x00, 0xFF, loop, -1)
            out2[Int(loop)] = anyByte
            entry = loop
        }
        start = entry
        requiredLiteral = Self.analyze(node).required.max { Self.score($0) < Self.score($1) } ?? []
        requiredByteRange = Self.requiredRanges(node).min {
            $0.upperBound - $0.lowerBound < $1.upperBound - $1.lowerBound
        }.flatMap { $0.upperBound - $0.lowerBound < 64 ? $0 : nil }
    }

    // MARK: - Compilation

    private mutating func emit(
        _ kind: Kind, _ lo: UInt8, _ hi: UInt8, _ next: Int32, _ next2: Int32
    )
        throws(RegexSyntaxError) -> Int32
    {
        guard kinds.count < Self.maxInstructions else {
            throw RegexSyntaxError(
                message:
                    "pattern too large: it compiles to more than \(Self.maxInstructions) states; "
                    + "lower the repetition counts",
                offset: 0)
        }
        kinds.append(kind)
        low.append(lo)
        high.append(hi)
        out.append(next)
        out2.append(next2)
        return Int32(kinds.count - 1)
    }

    private mutating func compile(_ node: RegexNode, next: Int32) throws(RegexSyntaxError) -> Int32
    {
        switch node {
        case .empty:
            return next
        case .set(let set):
            return try compileSet(set, next: next)
        case .assertion(let assertion):
            if assertion == .wordBoundary || assertion == .notWordBoundary {
                usesWordBoundaries = true
            }
            return try emit(.assertion, 0, 0, next, Int32(assertion.rawValue))
        case .concat(let items):
            var current = next
            for item in items.reversed() { current = try compile(item, next: current) }
            return current
        case .alternate(let branches):
            var current = try compile(branches[branches.count - 1], next: next)
            for branch in branches.dropLast().reversed() {
                current = try emit(.split, 0, 0, try compile(branch, next: next), current)
            }
            return current
        case .repetition(let body, let min, let max):
            var current = next
            if let max {
                // (x(x(x)?)?)? for the optional copies.
                for _ in 0..<(max - min) {
                    let copy = try compile(body, next: current)
                    current = try emit(.split, 0, 0, copy, next)
                }
            } else {
                // L: split(x -> L, next)
                let loop = try emit(.split, 0, 0, -1, next)
                out[Int(loop)] = try compile(body, next: loop)
                current = loop
            }
            for _ in 0..<min { current = try compile(body, next: current) }
            return current
        }
    }

    private mutating func compileSet(_ set: ScalarSet, next: Int32) throws(RegexSyntaxError)
        -> Int32
    {
        let sequences = set.utf8Sequences()
        if sequences.isEmpty {
            // Matches nothing: a byte range no byte satisfies (lo > hi).
            return try emit(.byteRange, 1, 0, next, -1)
        }
        var alternatives: [Int32] = []
        alternatives.reserveCapacity(sequences.count)
        for sequence in sequences {
            var current = next
            for range in sequence.reversed() {
                current = try emit(.byteRange, range.lowerBound, range.upperBound, current, -1)
            }
            alternatives.append(current)
        }
        var current = alternatives[alternatives.count - 1]
        for alternative in alternatives.dropLast().reversed() {
            current = try emit(.split, 0, 0, alternative, current)
        }
        return current
    }

    // MARK: - Analysis

    private static func isAnchoredAtStart(_ node: RegexNode) -> Bool {
        switch node {
        case .assertion(let assertion): return assertion == .textStart
        case .concat(let items): return items.first.map(isAnchoredAtStart) ?? false
        case .alternate(let branches): return branches.allSatisfy(isAnchoredAtStart)
        case .repetition(let body, let min, _): return min > 0 && isAnchoredAtStart(body)
        case .empty, .set: return false
        }
    }

    /// `exact`: the one byte string the node matches, if it matches exactly one.
    /// `required`: byte strings every match of the node contains.
    private static func analyze(_ node: RegexNode) -> (exact: [UInt8]?, required: [[UInt8]]) {
        switch node {
        case .empty, .assertion:
            return ([], [])
        case .set(let set):
            guard let scalar = set.singleScalar else { return (nil, []) }
            let bytes = ScalarSet.encode(scalar)
            return (bytes, [bytes])
        case .concat(let items):
            var required: [[UInt8]] = []
            var run: [UInt8] = []
            var allExact = true
            for item in items {
                let info = analyze(item)
                if let exact = info.exact {
                    run += exact
                } else {
                    allExact = false
                    if !run.isEmpty { required.append(run) }
                    run = []
                    required += info.required
                }
            }
            if !run.isEmpty { required.append(run) }
            return (allExact ? run : nil, required)
        case .alternate(let branches):
            let infos = branches.map(analyze)
            if let first = infos[0].exact, infos.allSatisfy({ $0.exact == first }) {
                return (first, first.isEmpty ? [] : [first])
            }
            return (nil, [])
        case .repetition(let body, let min, let max):
            guard min > 0 else { return (nil, []) }
            let info = analyze(body)
            if min == max, let exact = info.exact, exact.count * min <= 64 {
                let repeated = Array([[UInt8]](repeating: exact, count: min).joined())
                return (repeated, repeated.isEmpty ? [] : [repeated])
            }
            return (nil, info.required)
        }
    }

    /// Prefers longer literals, then rarer bytes.
    private static func score(_ literal: [UInt8]) -> Int {
        literal.count * 8 + (literal.map(rarity).max() ?? 0)
    }

    /// How rare a byte is in typical text: punctuation over non-ASCII over digits over letters.
    static func rarity(_ byte: UInt8) -> Int {
        switch byte {
        case 0x20, 0x2C, 0x2E, 0x61, 0x65, 0x69, 0x6E, 0x6F, 0x72, 0x73, 0x74: return 0
        case 0x41...0x5A, 0x61...0x7A: return 1
        case 0x30...0x39: return 2
        case 0x80...: return 3
        default: return 4
        }
    }

    /// The index of the rarest byte of `literal` (0 when empty).
    static func rarestByteIndex(_ literal: [UInt8]) -> Int {
        literal.indices.max { rarity(literal[$0]) < rarity(literal[$1]) } ?? 0
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

    // MARK: - Bytes

    /// ASCII word bytes `[0-9A-Za-z_]`, for `\b` and `\B`.
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
            || (byte >= 0x61 && byte <= 0x7A)
    }
}

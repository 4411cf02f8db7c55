/// A Thompson NFA over UTF-8 bytes, stored as parallel arrays (one entry per instruction).
///
/// Instructions: a byte range with one successor, a split into two successors, a zero-width
/// assertion with one successor, and match. Compiled back to front: each node is compiled with
/// its continuation already known, so no patch lists are needed.
///
/// A program holds one pattern or a set of up to 64 (`ByteRegexSet`): each pattern then has
/// its own match instruction, whose `out2` is the pattern's index, and the patterns are the
/// branches of one split chain after the search loop.
struct RegexProgram: Sendable {
    enum Kind: UInt8 {
        case byteRange, split, assertion, match
    }

    /// Largest number of instructions; larger patterns are "pattern too large".
    static let maxInstructions = 100_000
    /// Most patterns in one program: match results are bits of a `UInt64`.
    static let maxPatterns = 64

    private(set) var kinds: [Kind] = []
    private(set) var low: [UInt8] = []
    private(set) var high: [UInt8] = []
    private(set) var out: [Int32] = []
    /// Second successor of a split; the assertion's raw value for an assertion.
    private(set) var out2: [Int32] = []
    private(set) var start: Int32 = 0
    /// The pattern itself, after the unanchored search loop.
    private(set) var patternStart: Int32 = 0
    /// The pattern can only match at the start of the text (every branch begins with `^`).
    private(set) var anchoredAtStart = false
    private(set) var usesWordBoundaries = false
    /// A cheap test that rejects texts no match can occur in.
    private(set) var prefilter = RegexPrefilter.none
    /// Patterns in the program (1 for a single regex).
    private(set) var patternCount = 1

    var count: Int { kinds.count }

    /// Compiles a parsed pattern; an unanchored search loops over any byte before `node`.
    init(_ node: RegexNode) throws(RegexSyntaxError) {
        try self.init(patterns: [node])
        // An anchored search ends within a few bytes anyway: a prefilter would scan more.
        prefilter = anchoredAtStart ? .none : RegexPrefilter(node)
    }

    /// Compiles 1 to `maxPatterns` parsed patterns into one program whose match instructions
    /// tell the patterns apart; no prefilter (a set is scanned by the automaton alone).
    init(patterns nodes: [RegexNode]) throws(RegexSyntaxError) {
        precondition(!nodes.isEmpty && nodes.count <= Self.maxPatterns)
        patternCount = nodes.count
        var entries: [Int32] = []
        for (index, node) in nodes.enumerated() {
            let match = try emit(.match, 0, 0, -1, Int32(index))
            entries.append(try compile(node, next: match))
        }
        var entry = entries[entries.count - 1]
        for branch in entries.dropLast().reversed() {
            entry = try emit(.split, 0, 0, branch, entry)
        }
        anchoredAtStart = nodes.allSatisfy(Self.isAnchoredAtStart)
        patternStart = entry
        if !anchoredAtStart {
            // L: split(any byte -> L, entry); the split prefers the pattern (order is moot
            // for a yes/no answer).
            let loop = try emit(.split, 0, 0, entry, -1)
            let anyByte = try emit(.byteRange, 0x00, 0xFF, loop, -1)
            out2[Int(loop)] = anyByte
            entry = loop
        }
        start = entry
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

    // MARK: - Bytes

    /// ASCII word bytes `[0-9A-Za-z_]`, for `\b` and `\B`.
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
            || (byte >= 0x61 && byte <= 0x7A)
    }
}

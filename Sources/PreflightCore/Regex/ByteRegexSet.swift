/// Several `ByteRegex` patterns matched together: one scan of a text tells which of them
/// match somewhere in it.
///
/// The patterns are compiled into one automaton (per group of up to 64 patterns, and of at
/// most `RegexProgram.maxInstructions` NFA states), so a text is read once whatever the
/// number of patterns: a table lookup per byte instead of one scan per pattern. Answers are
/// exactly those of each pattern's own `matches` (the tests compare them). There are no
/// prefilters: for one or two patterns with rare literals, the patterns' own scans are faster.
///
/// Immutable and `Sendable`; concurrent searches share the groups' lazily built caches as
/// `ByteRegex` does.
public struct ByteRegexSet: Sendable {
    /// The patterns, in the order given; results are indexed the same way.
    public let patterns: [ByteRegex]
    /// The automata, each for a consecutive run of patterns starting at `firsts[i]`.
    private let groups: [LazyDFA]
    private let firsts: [Int]

    /// Compiles the patterns into as few automata as the limits allow.
    public init(_ patterns: [ByteRegex]) {
        self.patterns = patterns
        var groups: [LazyDFA] = []
        var firsts: [Int] = []
        var start = 0
        while start < patterns.count {
            // The longest run from `start` that compiles within the limits; a pattern alone
            // always does (it compiled as a `ByteRegex`).
            var end = min(patterns.count, start + RegexProgram.maxPatterns)
            var program: RegexProgram?
            while program == nil {
                program = try? RegexProgram(patterns: patterns[start..<end].map(\.node))
                if program == nil { end = start + max(1, (end - start) / 2) }
            }
            if let program { groups.append(LazyDFA(program: program)) }
            firsts.append(start)
            start = end
        }
        self.groups = groups
        self.firsts = firsts
    }

    /// Sets `matched[i]` to whether pattern `i` matches somewhere in the UTF-8 `bytes`
    /// (`matched` has one element per pattern; other elements are left alone).
    /// - Complexity: O(text length) per group of patterns, typically one table lookup per byte.
    public func match(_ bytes: UnsafeRawBufferPointer, into matched: inout [Bool]) {
        for (g, group) in groups.enumerated() {
            let mask = group.matchMask(bytes)
            let first = firsts[g]
            let count = (g + 1 < firsts.count ? firsts[g + 1] : patterns.count) - first
            for k in 0..<count { matched[first + k] = mask & (1 << UInt64(k)) != 0 }
        }
    }

    /// Which patterns match somewhere in `text`.
    public func matches(_ text: String) -> [Bool] {
        var matched = [Bool](repeating: false, count: patterns.count)
        var text = text
        text.withUTF8 { match(UnsafeRawBufferPointer($0), into: &matched) }
        return matched
    }
}

import Testing

@testable import PreflightCore

/// A set of patterns answers exactly what each pattern answers alone.
struct ByteRegexSetTests {
    /// Each pattern of `set` alone on `text`, against the set's answer.
    private func disagreements(_ set: ByteRegexSet, _ texts: [String]) -> [String] {
        var out: [String] = []
        for text in texts {
            let together = set.matches(text)
            for (i, regex) in set.patterns.enumerated() where together[i] != regex.matches(text) {
                out.append("\(regex) on \"\(text)\": set says \(together[i])")
            }
        }
        return out
    }

    @Test func ticketPatternsTogetherAgreeWithEachAlone() throws {
        let patterns = try ByteRegexPrefilterTests.patterns.map {
            try ByteRegex($0.0, caseInsensitive: $0.1)
        }
        let set = ByteRegexSet(patterns)
        var random = RegexTestRandom(seed: 7)
        let words = ByteRegexPrefilterTests.words
        let texts = (0..<400).map { index -> String in
            let count = Int(random.next() % 14)
            return (0..<count).map { _ in words[Int(random.next() % UInt64(words.count))] }
                .joined(separator: index % 3 == 0 ? "" : " ")
        }
        #expect(disagreements(set, texts).isEmpty, "\(disagreements(set, texts).prefix(10))")
        // Both answers occur for most patterns, so agreement is not trivial.
        var seen = [Set<Bool>](repeating: [], count: patterns.count)
        for text in texts { for (i, m) in set.matches(text).enumerated() { seen[i].insert(m) } }
        #expect(seen.filter { $0.count == 2 }.count >= 20)
    }

    @Test func patternsMatchingAtTheEdgesOrEverywhere() throws {
        let patterns = try ["", "a*", "^$", "$", "x$", #"\bend\b"#, "^start", "(?i)MID"].map {
            try ByteRegex($0)
        }
        let set = ByteRegexSet(patterns)
        #expect(set.matches("") == [true, true, true, true, false, false, false, false])
        #expect(set.matches("start mid end") == [true, true, false, true, false, true, true, true])
        #expect(set.matches("xend x") == [true, true, false, true, true, false, false, false])
        #expect(set.matches("endx") == [true, true, false, true, true, false, false, false])
        #expect(set.matches("the end.") == [true, true, false, true, false, true, false, false])
        let texts = ["", "a", "start", " start", "end", "Mid", "x", "endx"]
        #expect(disagreements(set, texts).isEmpty)
    }

    /// Random patterns in sets of up to 150 (several 64-pattern automata), on short and long
    /// random texts.
    @Test(arguments: [11, 12, 13] as [UInt64])
    func randomSetsAgreeWithEachPatternAlone(seed: UInt64) throws {
        var generator = ByteRegexDifferentialTests.Generator(random: RegexTestRandom(seed: seed))
        generator.unicode = seed == 13
        let size = [150, 40, 70][Int(seed % 3)]
        let patterns = try (0..<size).map { _ in
            try ByteRegex(generator.alternation(depth: 0), caseInsensitive: generator.chance(25))
        }
        let set = ByteRegexSet(patterns)
        let texts = (0..<80).map { i in generator.text(maxLength: i % 2 == 0 ? 12 : 200) }
        let found = disagreements(set, texts)
        #expect(found.isEmpty, "\(found.prefix(10))")
    }

    /// A cache too small for the combined automaton: flushing, then NFA simulation, give the
    /// same answers.
    @Test func tinyCacheFallsBackToSimulationWithTheSameAnswers() throws {
        let sources = [
            #"\b(refund|chargeback)s?\b"#, "[0-9]{3,}", "(broken|crash) .*(device|screen)",
            "(a|b)*a(a|b){6}", #"\w+@\w+\.com"#, "^(upgrade|cancel)",
        ]
        let patterns = try sources.map { try ByteRegex($0) }
        let program = try RegexProgram(patterns: patterns.map(\.node))
        let dfa = LazyDFA(program: program, stateLimit: 16, cacheCount: 1)
        var random = RegexTestRandom(seed: 3)
        let alphabet = Array("ab ab refunds 1234 broken device x@y.com upgrade crash screen")
        var disagreements: [String] = []
        for index in 0..<200 {
            // Every fourth text is a long run of a and b, on which `(a|b)*a(a|b){6}` alone
            // needs more states than the cache holds.
            let long = index % 4 == 0
            let length = Int(random.next() % 300) + (long ? 2_000 : 0)
            let text = String(
                (0..<length).map { _ in alphabet[Int(random.next() % (long ? 4 : 61))] })
            var expected: UInt64 = 0
            for (i, regex) in patterns.enumerated() where regex.matches(text) {
                expected |= 1 << UInt64(i)
            }
            var copy = text
            let mask = copy.withUTF8 { dfa.matchMask(UnsafeRawBufferPointer($0)) }
            if mask != expected { disagreements.append("\"\(text)\": \(mask) vs \(expected)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        #expect(dfa.statistics.flushes > 0 && dfa.statistics.fallbacks > 0)
    }
}

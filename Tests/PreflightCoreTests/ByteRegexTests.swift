import Dispatch
import Foundation
import Testing

@testable import PreflightCore

struct ByteRegexTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var pattern: String
        var text: String
        var expected: Bool
        var caseInsensitive = false
        var testDescription: String {
            "/\(pattern)/\(caseInsensitive ? "i" : "") on \"\(text)\" -> \(expected)"
        }
    }

    static func c(_ pattern: String, _ text: String, _ expected: Bool, i: Bool = false) -> Case {
        Case(pattern: pattern, text: text, expected: expected, caseInsensitive: i)
    }

    static let cases: [Case] = [
        // Literals and search semantics.
        c("abc", "xxabcxx", true), c("abc", "ab", false), c("abc", "", false),
        c("", "", true), c("", "anything", true), c("a", "A", false),
        // Unicode literals.
        c("日本", "これは日本語", true), c("日本", "日", false), c("é", "café", true),
        c("é", "cafe\u{301}", false), c("😀+", "x😀😀", true), c("ж", "Ж", false),
        // Dot.
        c("a.c", "abc", true), c("a.c", "a\nc", false), c("a.c", "aжc", true),
        c("a.c", "a😀c", true), c("^.$", "ж", true), c("^..$", "ж", false),
        // Escapes.
        c(#"a\.b"#, "a.b", true), c(#"a\.b"#, "axb", false), c(#"\\"#, #"a\b"#, true),
        c(#"\*\+\?"#, "*+?", true), c(#"\(\)\[\]\{\}"#, "()[]{}", true),
        c(#"\|\^\$\/\-"#, "|^$/-", true), c(#"a\nb"#, "a\nb", true), c(#"\t"#, "a\tb", true),
        c(#"\r"#, "\r", true), c(##"\:\#\@"##, ":#@", true),
        // Shorthand classes.
        c(#"\d"#, "abc7", true), c(#"\d"#, "abc", false), c(#"\d"#, "٣", false),
        c(#"^\D+$"#, "abc", true), c(#"^\D+$"#, "ab1", false), c(#"\w"#, "--_--", true),
        c(#"^\W+$"#, "-- é!", true), c(#"\w"#, "é", false), c(#"\s"#, "a b", true),
        c(#"\s"#, "ab", false), c(#"^\S+$"#, "ab", true), c(#"^\S+$"#, "a b", false),
        // Classes.
        c("[abc]", "xxb", true), c("[abc]", "xyz", false), c("[a-z]+$", "ABCdef", true),
        c("^[a-z]+$", "ABCdef", false), c("[^a-z]", "abc", false), c("[^a-z]", "abC", true),
        c("[^a]", "\n", true), c(#"[\d.]"#, "x.y", true), c(#"[\d.]"#, "xy", false),
        c(#"[^\d]"#, "123", false), c(#"[^\d]"#, "12a", true), c(#"[\]]"#, "]", true),
        c(#"[\w-]+@"#, "a-b@c", true), c("[-a]", "-", true), c("[a-]", "-", true),
        c(#"[\^]"#, "^", true), c(#"[a\-z]"#, "m", false), c(#"[a\-z]"#, "-", true),
        // Non-ASCII classes.
        c("[А-Яа-я]", "hello мир", true), c("[А-Яа-я]", "hello world", false),
        c("[一-鿿]", "price 价格", true), c("[一-鿿]", "price", false),
        c("[^一-鿿]", "价格", false), c("[à-ÿ]", "naïve", true), c("[😀-😂]", "a😁", true),
        c("[😀-😂]", "a😃", false), c("[\u{7F}-\u{80}]", "\u{80}", true),
        c("[\u{7FF}-\u{800}]", "\u{800}", true), c("[\u{FFFF}-\u{10000}]", "\u{10000}", true),
        // Anchors.
        c("^abc", "abcd", true), c("^abc", "xabc", false), c("abc$", "xabc", true),
        c("abc$", "abcx", false), c("^$", "", true), c("^$", "x", false), c("^", "x", true),
        c("$", "", true), c("a^b", "ab", false), c("a$b", "ab", false), c(#"\?$"#, "why?", true),
        c(#"\?$"#, "why? no", false), c("^(hi|hello)\\b", "hello there", true),
        c("^(hi|hello)\\b", "hiya", false), c("(^a|b)c", "xac", false), c("(^a|b)c", "xbc", true),
        // Word boundaries.
        c(#"\bcat\b"#, "the cat sat", true), c(#"\bcat\b"#, "concatenate", false),
        c(#"\bcat\b"#, "cat", true), c(#"\bcat"#, "cats", true), c(#"cat\b"#, "cats", false),
        c(#"\Bcat"#, "concat", true), c(#"\Bcat"#, "cat", false), c(#"\b"#, "", false),
        c(#"\B"#, "", true), c(#"\b"#, "a", true), c(#"^\b$"#, "", false),
        c(#"\bé"#, "café", true), c(#"\b_\b"#, "a _ b", true), c(#"x\b"#, "x!", true),
        c(#"x\B"#, "x", false), c(#"\b\d{3}\b"#, "a 123 b", true),
        c(#"\b\d{3}\b"#, "a 1234 b", false),
        // Groups and alternation.
        c("(ab)+$", "xababab", true), c("(?:ab)+c", "abac", false), c("a(b|c)d", "acd", true),
        c("a(b|c)d", "aed", false), c("cat|dog", "hotdog", true), c("cat|dog", "bird", false),
        c("a||b", "x", true), c("(|a)b", "b", true), c("()", "", true), c("((((a))))", "a", true),
        // Quantifiers.
        c("ab*c", "ac", true), c("ab*c", "abbbc", true), c("ab+c", "ac", false),
        c("ab?c", "abc", true), c("ab?c", "abbc", false), c("^a{3}$", "aaa", true),
        c("^a{3}$", "aa", false), c("^a{2,}$", "aaaa", true), c("^a{2,}$", "a", false),
        c("^a{2,3}$", "aaaa", false), c("^a{2,3}$", "aa", true), c("^a{0}$", "", true),
        c("^(ab){1,2}$", "abab", true), c("ab*?c", "abbc", true), c("ab+?c", "ac", false),
        c("ab??c", "ac", true), c("^a{2,3}?$", "aaa", true), c("^(a*)*$", "aaa", true),
        c("^(a?){3}$", "", true), c(#"\d{3}-\d{4}"#, "call 555-1234 now", true),
        c(#"\d{3}-\d{4}"#, "call 55-1234 now", false),
        // Case-insensitivity.
        c("refund", "REFUND please", true, i: true), c("refund", "REFUND please", false),
        c("[a-c]+x", "ABCX", true, i: true), c("[^a]", "A", false, i: true),
        c("жизнь", "ЖИЗНЬ", true, i: true), c("é", "CAFÉ", true, i: true),
        c("[а-я]", "Ж", true, i: true), c(#"\d"#, "a", false, i: true),
        c("(?i)hello", "HeLLo", true),
        c("(?i)", "x", true), c(#"\bREFUND\b"#, "a refund!", true, i: true),
        c("ǆ", "ǅ", false, i: true),
        // Literal sets answered by the prefilter alone (with word boundaries at the ends).
        c(#"\b(ab|abc)\b"#, "abc", true), c(#"\b(ab|abc)\b"#, "abcd", false),
        c(#"\b(ab|abc)\b"#, "x ab!", true), c(#"\bab"#, "cab", false), c(#"\bab"#, "-ab", true),
        c(#"ab\b"#, "abc", false), c(#"ab\b"#, "ab", true), c("cat|dog", "", false),
        c(#"\b(api[_ ]?key)\b"#, "my API KEY", true, i: true),
        c(#"\b(api[_ ]?key)\b"#, "apikeys", false, i: true),
        c(#"\b(api[_ ]?key)\b"#, "x api_key", true, i: true), c("(ab){2,3}", "ababx", true),
        c("(ab){2,3}", "abx", false), c("(?i)colou?r", "COLOR", true),
    ]

    @Test(arguments: cases)
    func matchesTable(_ testCase: Case) throws {
        let regex = try ByteRegex(testCase.pattern, caseInsensitive: testCase.caseInsensitive)
        #expect(regex.matches(testCase.text) == testCase.expected)
        let viaBytes = Array(testCase.text.utf8).withUnsafeBytes { regex.matches($0) }
        #expect(viaBytes == testCase.expected)
    }

    @Test func publicProperties() throws {
        let regex = try ByteRegex("a+b", caseInsensitive: true)
        #expect(regex.pattern == "a+b")
        #expect(regex.caseInsensitive)
        #expect(regex.description == "/a+b/i")
        #expect(try ByteRegex("(?i)x").caseInsensitive)
        #expect(try ByteRegex("x").description == "/x/")
        #expect(try ByteRegex("a+b", caseInsensitive: true) == regex)
        #expect(try ByteRegex("a+b") != regex)
        #expect(Set([regex, try ByteRegex("a+b", caseInsensitive: true)]).count == 1)
    }

    @Test func invalidUTF8DoesNotTrap() throws {
        let bytes: [UInt8] = [0x61, 0xFF, 0xC3, 0x62, 0xE2, 0x82, 0x80, 0xED, 0xA0, 0x80]
        for pattern in [".", "a.b", "[^a]", #"\W"#, "b", #"\bb"#, "^a", "€$", "[^x]{3}$"] {
            let regex = try ByteRegex(pattern)
            _ = bytes.withUnsafeBytes { regex.matches($0) }
        }
        let dotBetween = try ByteRegex("a.b")
        #expect(!bytes.withUnsafeBytes { dotBetween.matches($0) })  // lone 0xFF is no scalar
        #expect(try bytes.withUnsafeBytes { try ByteRegex(#"a\W"#).matches($0) } == false)
        #expect(try bytes.withUnsafeBytes { try ByteRegex("b").matches($0) })
        #expect(try bytes.withUnsafeBytes { try ByteRegex(#"\bb"#).matches($0) })
        #expect(
            try UnsafeRawBufferPointer(start: nil, count: 0).withMemoryRebound(to: UInt8.self) {
                try ByteRegex("^$").matches(UnsafeRawBufferPointer($0))
            })
    }

    // MARK: - Syntax errors

    struct ErrorCase: CustomTestStringConvertible, Sendable {
        var pattern: String
        var message: String
        var offset: Int
        var testDescription: String { pattern }
    }

    static let errors: [ErrorCase] = [
        .init(pattern: #"(a)\1"#, message: "backreferences ('\\1') are not supported", offset: 3),
        .init(pattern: "a(?=b)", message: "lookahead '(?=' is not supported", offset: 1),
        .init(pattern: "a(?!b)", message: "lookahead '(?!' is not supported", offset: 1),
        .init(pattern: "(?<=a)b", message: "lookbehind '(?<=' is not supported", offset: 0),
        .init(pattern: "(?<!a)b", message: "lookbehind '(?<!' is not supported", offset: 0),
        .init(
            pattern: "a*+", message: "possessive quantifiers ('*+') are not supported", offset: 2),
        .init(pattern: "a{2}+", message: "possessive quantifiers ('{2}+')", offset: 4),
        .init(
            pattern: "(ab", message: "unbalanced '(': close it with ')' or escape it as '\\('",
            offset: 0),
        .init(
            pattern: "ab)", message: "unbalanced ')': remove it or escape it as '\\)'", offset: 2),
        .init(pattern: "x[ab", message: "unbalanced '[': close the class with ']'", offset: 1),
        .init(pattern: "ab]", message: "unbalanced ']': escape it as '\\]'", offset: 2),
        .init(pattern: "a}", message: "unbalanced '}': escape it as '\\}'", offset: 1),
        .init(
            pattern: "*a", message: "quantifier '*' has nothing to repeat: escape it as '\\*'",
            offset: 0),
        .init(pattern: "a|+", message: "quantifier '+' has nothing to repeat", offset: 2),
        .init(pattern: "(?)", message: "unsupported group '(?)'", offset: 0),
        .init(pattern: "{2}", message: "quantifier '{2}' has nothing to repeat", offset: 0),
        .init(pattern: "a**", message: "quantifier '*' follows another quantifier", offset: 2),
        .init(pattern: "a+?*", message: "quantifier '*' follows another quantifier", offset: 3),
        .init(
            pattern: "a{2}{3}", message: "quantifier '{3}' follows another quantifier", offset: 4),
        .init(pattern: "[]", message: "empty class '[]': to match ']' write '\\]'", offset: 0),
        .init(pattern: "[^]", message: "empty class '[^]'", offset: 0),
        .init(
            pattern: "[z-a]",
            message: "invalid range 'z-a': the first character must not come after the second",
            offset: 1),
        .init(pattern: #"[a-\d]"#, message: "a class shorthand cannot end a range", offset: 3),
        .init(pattern: "[[a]]", message: "'[' inside a class must be escaped as '\\['", offset: 1),
        .init(
            pattern: "ab\\", message: "trailing backslash: to match a backslash write '\\\\'",
            offset: 2),
        .init(
            pattern: #"\q"#, message: "unknown escape '\\q': to match 'q' drop the backslash",
            offset: 0),
        .init(pattern: #"x\A"#, message: "unknown escape '\\A': use '^'", offset: 1),
        .init(pattern: #"\z"#, message: "unknown escape '\\z': use '$'", offset: 0),
        .init(
            pattern: #"\p{L}"#,
            message: "unknown escape '\\p': Unicode properties are not supported", offset: 0),
        .init(pattern: #"[\b]"#, message: "'\\b' is not supported inside a class", offset: 1),
        .init(
            pattern: "a{2", message: "invalid repetition: write '{m}', '{m,}' or '{m,n}'", offset: 1
        ),
        .init(pattern: "a{x}", message: "invalid repetition", offset: 1),
        .init(pattern: "a{,3}", message: "invalid repetition", offset: 1),
        .init(
            pattern: "a{3,2}",
            message: "invalid repetition '{3,2}': the minimum is above the maximum", offset: 1),
        .init(
            pattern: "a{1001}",
            message: "repetition count 1001 is above the limit of 1000: pattern too large",
            offset: 1),
        .init(pattern: "(a{1000}){1000}", message: "pattern too large", offset: 0),
        .init(
            pattern: "x(?i)a", message: "inline flag '(?i)' is only supported at the very start",
            offset: 1),
        .init(pattern: "(?P<n>a)", message: "unsupported group '(?P'", offset: 0),
        .init(pattern: "日本(", message: "unbalanced '('", offset: 2),
    ]

    @Test(arguments: errors)
    func syntaxError(_ expected: ErrorCase) {
        #expect {
            _ = try ByteRegex(expected.pattern)
        } throws: { error in
            guard let error = error as? RegexSyntaxError else { return false }
            return error.message.hasPrefix(expected.message) && error.offset == expected.offset
        }
    }

    @Test func errorDescriptionNamesThePosition() {
        let error = RegexSyntaxError(message: "unbalanced ')'", offset: 2)
        #expect(error.description == "unbalanced ')' (at character 3 of the pattern)")
    }

    // MARK: - Pathological patterns

    @Test(arguments: [
        (#"(a+)+$"#, "a", "", true),
        (#"(a+)+b"#, "a", "", false),
        (#"(a|aa)*c"#, "a", "", false),
        (#"(a|a)*b"#, "a", "", false),
        (#"(x+x+)+y"#, "x", "", false),
        (#"(x+x+)+y"#, "x", "y", true),
        (#"^(\w+\s?)*$"#, "ab ", "!", false),
        (#"(.*a){20}"#, "a", "", true),
        (#"(.*a){20}"#, "b", "a", false),
    ])
    func pathologicalInputs(pattern: String, unit: String, suffix: String, expected: Bool) throws {
        let text = String(repeating: unit, count: 100_000 / unit.utf8.count) + suffix
        let regex = try ByteRegex(pattern)
        #expect(regex.matches(text) == expected)
    }

    /// `(a|b)*a(a|b){12}` needs ~2^13 DFA states; a cache of 64 states flushes over and over
    /// and the search falls back to NFA simulation, with the same answers.
    @Test func dfaCacheLimitIsExercised() throws {
        let pattern = "(a|b)*a(a|b){12}$"
        let small = try ByteRegex(pattern, caseInsensitive: false, stateLimit: 64)
        let large = try ByteRegex(pattern)
        var generator = RegexTestRandom(seed: 7)
        for round in 0..<60 {
            let length = 20 + Int(generator.next() % 3000)
            var text = ""
            for _ in 0..<length { text.append(generator.next() & 1 == 0 ? "a" : "b") }
            // Force a known answer: the 13th byte from the end decides.
            var bytes = Array(text.utf8)
            let want = round % 2 == 0
            bytes[bytes.count - 13] = want ? UInt8(ascii: "a") : UInt8(ascii: "b")
            let decided = String(decoding: bytes, as: UTF8.self)
            #expect(small.matches(decided) == want)
            #expect(large.matches(decided) == want)
        }
        let stats = small.dfa.statistics
        #expect(stats.flushes > 0)
        #expect(stats.fallbacks > 0)
    }

    @Test func dfaCacheFlushWithoutThrashingKeepsAnswers() throws {
        // Many short texts: states are rebuilt after each flush, no fallback needed per text.
        let regex = try ByteRegex("(a|b)*a(a|b){5}c", caseInsensitive: false, stateLimit: 16)
        var generator = RegexTestRandom(seed: 11)
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<30 { text.append(generator.next() & 1 == 0 ? "a" : "b") }
            let expected = text.utf8.count >= 6 && Array(text.utf8)[text.utf8.count - 6] == 0x61
            #expect(regex.matches(text + "c") == expected)
        }
        #expect(regex.dfa.statistics.flushes > 0)
    }

    // MARK: - Concurrency

    @Test func concurrentMatchesOnOneRegex() throws {
        let regex = try ByteRegex(#"\b(refund|chargeback|invoice)\b.*\d{3}"#, caseInsensitive: true)
        let texts = (0..<512).map { index in
            index % 3 == 0
                ? "ticket \(index): REFUND for order \(100 + index)"
                : "ticket \(index): hello there"
        }
        let expected = texts.map { $0.contains("REFUND") }
        let failures = FailureCounter()
        DispatchQueue.concurrentPerform(iterations: 64) { worker in
            for round in 0..<20 {
                let index = (worker * 31 + round * 7) % texts.count
                if regex.matches(texts[index]) != expected[index] { failures.increment() }
            }
        }
        #expect(failures.value == 0)
    }

    /// A tiny cache under concurrency: flushes race with other searches on other caches.
    @Test func concurrentMatchesWithFlushingCache() throws {
        let regex = try ByteRegex("(a|b)*a(a|b){8}$", caseInsensitive: false, stateLimit: 32)
        let failures = FailureCounter()
        DispatchQueue.concurrentPerform(iterations: 32) { worker in
            var generator = RegexTestRandom(seed: UInt64(worker))
            for _ in 0..<20 {
                var bytes = (0..<200).map { _ in generator.next() & 1 == 0 ? UInt8(97) : 98 }
                let want = generator.next() & 1 == 0
                bytes[bytes.count - 9] = want ? 97 : 98
                if bytes.withUnsafeBytes({ regex.matches($0) }) != want { failures.increment() }
            }
        }
        #expect(failures.value == 0)
    }
}

/// A thread-safe counter for concurrency tests.
final class FailureCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// Deterministic generator for tests (RegexTestRandom).
struct RegexTestRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

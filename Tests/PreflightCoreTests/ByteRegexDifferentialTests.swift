import Foundation
import Testing

@testable import PreflightCore

/// Random small patterns from the supported grammar against `NSRegularExpression` (ICU) on
/// random ASCII texts without line terminators, where the two define the same language
/// (ASCII `\d \w \s`, `\b`, `.` and `$` agree there).
struct ByteRegexDifferentialTests {
    struct Generator {
        var random: RegexTestRandom

        mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

        mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

        mutating func atom(depth: Int) -> String {
            if unicode {
                switch random.next() % 8 {
                case 0, 1: return pick(["a", "ж", "Ж", "é", "日", "😀", " "])
                case 2: return "."
                case 3: return pick(["[а-я]", "[^ж]", "[é日]", "[😀-😂a]", "[^a-z]", "[Ѐ-ӿ]+"])
                case 4: return pick(["^", "$"])
                case 5 where depth < 3:
                    return "(" + alternation(depth: depth + 1) + ")"
                default: return pick(["жЖ", "a日", "😀"])
                }
            }
            switch random.next() % 12 {
            case 0, 1, 2: return pick(["a", "b", "c", "A", "1", " ", "-"])
            case 3: return "."
            case 4:
                return pick(["[ab]", "[^a]", "[a-c]", "[^a-c1]", #"[\d-]"#, #"[\w.]"#, "[A-Z]"])
            case 5: return pick([#"\d"#, #"\w"#, #"\s"#, #"\W"#, #"\D"#, #"\S"#, #"\."#, #"\-"#])
            case 6: return pick(["^", "$", #"\b"#, #"\B"#])
            case 7,
                8 where depth < 3:
                return (chance(50) ? "(" : "(?:") + alternation(depth: depth + 1) + ")"
            default: return pick(["a", "b", "ab", "ba"])
            }
        }

        mutating func quantified(depth: Int) -> String {
            let base = atom(depth: depth)
            if ["^", "$", #"\b"#, #"\B"#].contains(base) || base.hasSuffix("+") || !chance(40) {
                return base
            }
            var quantifier = pick(["*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}"])
            if chance(20) { quantifier += "?" }
            return base + quantifier
        }

        mutating func concat(depth: Int) -> String {
            let count = 1 + Int(random.next() % 4)
            return (0..<count).map { _ in quantified(depth: depth) }.joined()
        }

        mutating func alternation(depth: Int) -> String {
            var branches = [concat(depth: depth)]
            while branches.count < 3 && chance(25) { branches.append(concat(depth: depth)) }
            return branches.joined(separator: "|")
        }

        /// Non-ASCII literals and classes (case-sensitive, no `\b \w`: ICU is Unicode-aware
        /// there, we are ASCII).
        var unicode = false

        mutating func text(maxLength: Int = 12) -> String {
            let length = Int(random.next() % UInt64(maxLength))
            let alphabet = Array(unicode ? "aab жЖé日😀-." : "aabbcA1 -.!")
            return String((0..<length).map { _ in pick(alphabet) })
        }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func agreesWithNSRegularExpression(seed: UInt64) throws {
        var generator = Generator(random: RegexTestRandom(seed: seed))
        var compared = 0
        var matched = 0
        for _ in 0..<100 {
            let pattern = generator.alternation(depth: 0)
            let caseInsensitive = generator.chance(25)
            let ours = try ByteRegex(pattern, caseInsensitive: caseInsensitive)
            let reference = try NSRegularExpression(
                pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
            for _ in 0..<25 {
                let text = generator.text()
                let expected =
                    reference.firstMatch(
                        in: text, range: NSRange(location: 0, length: text.utf16.count))
                    != nil
                #expect(
                    ours.matches(text) == expected,
                    "/\(pattern)/\(caseInsensitive ? "i" : "") on \"\(text)\"")
                compared += 1
                if expected { matched += 1 }
            }
        }
        #expect(compared == 2500)
        // Both answers are common, so the comparison is not trivially one-sided.
        #expect(matched > compared / 5 && matched < compared * 4 / 5)
    }

    /// Longer texts (prefilters, acceleration between possible starts, cache reuse).
    @Test(arguments: [5, 6] as [UInt64])
    func agreesOnLongerTexts(seed: UInt64) throws {
        var generator = Generator(random: RegexTestRandom(seed: seed))
        for _ in 0..<100 {
            let pattern = generator.alternation(depth: 0)
            let caseInsensitive = generator.chance(25)
            let ours = try ByteRegex(pattern, caseInsensitive: caseInsensitive)
            let reference = try NSRegularExpression(
                pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
            for _ in 0..<10 {
                let text = generator.text(maxLength: 80)
                let expected =
                    reference.firstMatch(
                        in: text, range: NSRange(location: 0, length: text.utf16.count))
                    != nil
                #expect(
                    ours.matches(text) == expected,
                    "/\(pattern)/\(caseInsensitive ? "i" : "") on \"\(text)\"")
            }
        }
    }

    /// Non-ASCII literals, classes and `.` (multi-byte UTF-8 sequences, 4-byte scalars).
    @Test(arguments: [7, 8, 9] as [UInt64])
    func agreesOnUnicode(seed: UInt64) throws {
        var generator = Generator(random: RegexTestRandom(seed: seed))
        generator.unicode = true
        var matched = 0
        for _ in 0..<100 {
            let pattern = generator.alternation(depth: 0)
            let ours = try ByteRegex(pattern)
            let reference = try NSRegularExpression(pattern: pattern)
            for _ in 0..<20 {
                let text = generator.text(maxLength: 16)
                let expected =
                    reference.firstMatch(
                        in: text, range: NSRange(location: 0, length: text.utf16.count))
                    != nil
                if expected { matched += 1 }
                #expect(ours.matches(text) == expected, "/\(pattern)/ on \"\(text)\"")
            }
        }
        #expect(matched > 200 && matched < 1800)
    }
}

/// Typical slice patterns (literal-set, byte-range and first-byte prefilters, acceleration
/// between possible match starts) on generated ticket-like texts, against
/// `NSRegularExpression`.
struct ByteRegexPrefilterTests {
    static let patterns: [(String, Bool)] = [
        (#"\b(refund|chargeback|invoice)\b"#, true), (#"\d{3}-\d{4}"#, false),
        (#"[\w.+-]+@[\w-]+\.[\w.]+"#, false), (#"https?://[^\s/]+"#, false),
        (#"^(hi|hello)\b"#, true), ("[А-Яа-я]", false), ("[一-鿿]", false), (#"\?$"#, false),
        (#"\b(password|passwd|api[_ ]?key)\b"#, true), (#"order #?\d{5,}"#, true),
        (#"\b(urgent|urgently|asap|immediately)\b"#, true), ("cancel|unsubscribe", false),
        (#"\$\d+(\.\d{2})?"#, false), (#"\b\d{4}-\d{2}-\d{2}\b"#, false),
        (#"(?i)^\s*(thanks|thank you)"#, false), ("!{2,}", false), (#"\b[A-Z]{4,}\b"#, false),
        (#"error code [A-Z]\d{3}"#, false), (#"[^\t\n -~]"#, false),
        (#"\bnot (working|work)\b"#, true), ("(?i)ab|cd", false), (#"x\by"#, false),
        (#"\Bund"#, true), ("über", true), ("(?i)ÜBER", false),
    ]

    static let words = [
        "Refund", "refund", "REFUNDS", "chargeback", "invoice", "invoices", "order", "Order #",
        "12345", "555-1234", "2024-01-31", "$19.99", "$5", "user@example.com", "https://x.io/a",
        "hi", "Hello", "hiya", "Привет", "价格", "why?", "ok?", "password", "api key", "apikey",
        "API_KEY", "urgently", "ASAP", "asap!", "cancel", "unsubscribe", "!!", "!", "HELP",
        "PLEASE",
        "error code E123", "not working", "not work", "nothing", "über", "Über", "STRASSE",
        "straße",
        "ab", "CD", "xy", "x y", "fund", "under", "\t", "é", "😀",
    ]

    @Test func agreesWithNSRegularExpressionOnTicketTexts() throws {
        var random = RegexTestRandom(seed: 99)
        let texts = (0..<300).map { index -> String in
            let count = 1 + Int(random.next() % 12)
            var text = (0..<count).map { _ in
                Self.words[Int(random.next() % UInt64(Self.words.count))]
            }
            .joined(separator: index % 3 == 0 ? "" : " ")
            if index % 7 == 0 { text = " " + text }
            return text
        }
        var disagreements: [String] = []
        for (pattern, caseInsensitive) in Self.patterns {
            let ours = try ByteRegex(pattern, caseInsensitive: caseInsensitive)
            let reference = try NSRegularExpression(
                pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
            // ICU's \b and \w are Unicode-aware, ours ASCII (documented): compare those
            // patterns on ASCII texts only.
            let asciiOnly = ["\\b", "\\B", "\\w"].contains { pattern.contains($0) }
            for text in texts where !asciiOnly || text.utf8.allSatisfy({ $0 < 0x80 }) {
                let expected =
                    reference.firstMatch(
                        in: text, range: NSRange(location: 0, length: text.utf16.count))
                    != nil
                if ours.matches(text) != expected { disagreements.append("\(ours) on \"\(text)\"") }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    @Test func literalSetFoundAtEitherEndOfTheText() throws {
        let regex = try ByteRegex(#"\b(refund|chargeback|invoice)\b"#, caseInsensitive: true)
        #expect(regex.matches("INVOICE"))
        #expect(regex.matches("see invoice"))
        #expect(regex.matches("Chargeback: yes"))
        #expect(!regex.matches("invoices and refunds"))
        #expect(!regex.matches("invoic"))
        let long = String(repeating: "x", count: 1000)
        #expect(regex.matches(long + " refund"))
        #expect(!regex.matches(long + "refund"))
    }
}

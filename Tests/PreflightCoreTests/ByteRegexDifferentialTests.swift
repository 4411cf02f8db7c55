import Foundation
import Testing

@testable import PreflightCore

/// Random small patterns from the supported grammar against `NSRegularExpression` (ICU) on
/// random ASCII texts without line terminators, where the two define the same language
/// (ASCII `\d \w \s`, `\b`, `.` and `$` agree there).
struct ByteRegexDifferentialTests {
    private struct Generator {
        var random: RegexTestRandom

        mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

        mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

        mutating func atom(depth: Int) -> String {
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
            if ["^", "$", #"\b"#, #"\B"#].contains(base) || !chance(40) { return base }
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

        mutating func text() -> String {
            let length = Int(random.next() % 12)
            return String((0..<length).map { _ in pick(Array("aabbcA1 -.!")) })
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
}

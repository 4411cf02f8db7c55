/// A parsed pattern. Groups disappear (no captures); literals and classes are scalar sets.
indirect enum RegexNode: Sendable {
    case empty
    case set(ScalarSet)
    case concat([RegexNode])
    case alternate([RegexNode])
    /// `max == nil`: unbounded.
    case repetition(RegexNode, min: Int, max: Int?)
    case assertion(RegexAssertion)
}

enum RegexAssertion: UInt8, Sendable {
    case textStart, textEnd, wordBoundary, notWordBoundary
}

/// Recursive-descent parser over the pattern's Unicode scalars; offsets in errors count scalars.
struct RegexParser {
    /// Largest `n` in `{m}`, `{m,}`, `{m,n}`.
    static let maxRepetition = 1000
    /// Deepest group nesting (bounds recursion).
    static let maxDepth = 200

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private(set) var caseInsensitive: Bool
    private var depth = 0

    init(pattern: String, caseInsensitive: Bool) {
        scalars = Array(pattern.unicodeScalars)
        self.caseInsensitive = caseInsensitive
    }

    /// Parses the whole pattern.
    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        if scalars.starts(with: "(?i)".unicodeScalars) {
            caseInsensitive = true
            position = 4
        }
        let node = try parseAlternation()
        if position < scalars.count {
            // Only ')' stops an alternation early.
            throw RegexSyntaxError(
                message: "unbalanced ')': remove it or escape it as '\\)'", offset: position)
        }
        return node
    }

    // MARK: - Structure

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func peek(at offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private mutating func parseAlternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try parseConcat()]
        while peek == "|" {
            position += 1
            branches.append(try parseConcat())
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func parseConcat() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let next = peek, next != "|", next != ")" {
            let atom = try parseAtom()
            items.append(try parseQuantifiers(atom))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concat(items)
        }
    }

    private mutating func parseQuantifiers(_ atom: RegexNode) throws(RegexSyntaxError) -> RegexNode
    {
        let start = position
        guard let bounds = try parseQuantifier() else { return atom }
        if peek == "?" {
            position += 1  // lazy: same texts match
        } else if peek == "+" {
            throw RegexSyntaxError(
                message:
                    "possessive quantifiers ('\(text(start..<position))+') are not supported: "
                    + "drop the '+'",
                offset: position)
        }
        let second = position
        if try parseQuantifier() != nil {
            throw RegexSyntaxError(
                message:
                    "quantifier '\(text(second..<position))' follows another quantifier: "
                    + "wrap the repeated part in '(?:…)' or escape the symbol",
                offset: second)
        }
        return .repetition(atom, min: bounds.min, max: bounds.max)
    }

    /// Parses `* + ? {m} {m,} {m,n}` at the current position, or returns nil.
    private mutating func parseQuantifier() throws(RegexSyntaxError) -> (min: Int, max: Int?)? {
        switch peek {
        case "*":
            position += 1
            return (0, nil)
        case "+":
            position += 1
            return (1, nil)
        case "?":
            position += 1
            return (0, 1)
        case "{":
            let start = position
            position += 1
            let low = try parseCount(braceAt: start)
            var high: Int? = low
            if peek == "," {
                position += 1
                high = peek == "}" ? nil : try parseCount(braceAt: start)
            }
            guard peek == "}" else { throw invalidRepetition(at: start) }
            position += 1
            if let high, high < low {
                throw RegexSyntaxError(
                    message:
                        "invalid repetition '\(text(start..<position))': the minimum is above "
                        + "the maximum",
                    offset: start)
            }
            return (low, high)
        default:
            return nil
        }
    }

    private mutating func parseCount(braceAt start: Int) throws(RegexSyntaxError) -> Int {
        var value = 0
        var digits = 0
        while let next = peek, ("0"..."9").contains(next) {
            value = min(value * 10 + Int(next.value - 0x30), 1_000_000)
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw invalidRepetition(at: start) }
        guard value <= Self.maxRepetition else {
            throw RegexSyntaxError(
                message:
                    "repetition count \(value) is above the limit of \(Self.maxRepetition): "
                    + "pattern too large",
                offset: start)
        }
        return value
    }

    private func invalidRepetition(at start: Int) -> RegexSyntaxError {
        RegexSyntaxError(
            message:
                "invalid repetition: write '{m}', '{m,}' or '{m,n}', or escape the brace as '\\{'",
            offset: start)
    }

    private mutating func parseAtom() throws(RegexSyntaxError) -> RegexNode {
        let start = position
        guard let next = peek else { return .empty }
        position += 1
        switch next {
        case "(": return try parseGroup(openAt: start)
        case "[": return try parseClass(openAt: start)
        case ".": return .set(ScalarSet.dot)
        case "^": return .assertion(.textStart)
        case "$": return .assertion(.textEnd)
        case "\\": return try parseEscape(backslashAt: start, inClass: false)
        case "*", "+", "?", "{":
            position = start
            _ = try parseQuantifier()
            throw RegexSyntaxError(
                message:
                    "quantifier '\(text(start..<position))' has nothing to repeat: "
                    + "escape it as '\\\(next)'",
                offset: start)
        case "]", "}":
            throw RegexSyntaxError(
                message: "unbalanced '\(next)': escape it as '\\\(next)'", offset: start)
        default:
            return literal(next)
        }
    }

    private mutating func parseGroup(openAt start: Int) throws(RegexSyntaxError) -> RegexNode {
        if peek == "?" {
            let rest = String(
                String.UnicodeScalarView(scalars[position..<min(position + 3, scalars.count)]))
            if rest.hasPrefix("?:") {
                position += 2
            } else if rest.hasPrefix("?=") || rest.hasPrefix("?!") {
                throw RegexSyntaxError(
                    message:
                        "lookahead '(\(rest.prefix(2))' is not supported: use two slices combined "
                        + "with `all`/`not`",
                    offset: start)
            } else if rest.hasPrefix("?<=") || rest.hasPrefix("?<!") {
                throw RegexSyntaxError(
                    message:
                        "lookbehind '(\(rest)' is not supported: use two slices combined "
                        + "with `all`/`not`",
                    offset: start)
            } else if rest.hasPrefix("?i)") {
                throw RegexSyntaxError(
                    message:
                        "inline flag '(?i)' is only supported at the very start of the pattern",
                    offset: start)
            } else {
                throw RegexSyntaxError(
                    message:
                        "unsupported group '(\(rest.prefix(2))': use '(…)' or '(?:…)'",
                    offset: start)
            }
        }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            throw RegexSyntaxError(
                message: "groups nested deeper than \(Self.maxDepth): pattern too large",
                offset: start)
        }
        let inner = try parseAlternation()
        guard peek == ")" else {
            throw RegexSyntaxError(
                message: "unbalanced '(': close it with ')' or escape it as '\\('", offset: start)
        }
        position += 1
        return inner
    }

    // MARK: - Classes

    private mutating func parseClass(openAt start: Int) throws(RegexSyntaxError) -> RegexNode {
        var negated = false
        if peek == "^" {
            negated = true
            position += 1
        }
        if peek == "]" {
            throw RegexSyntaxError(
                message: "empty class '[\(negated ? "^" : "")]': to match ']' write '\\]'",
                offset: start)
        }
        var explicit = ScalarSet()  // case-folded when case-insensitive
        var shorthand = ScalarSet()  // \d \w \s and negations: never folded
        while true {
            guard let next = peek else {
                throw RegexSyntaxError(
                    message: "unbalanced '[': close the class with ']' or escape it as '\\['",
                    offset: start)
            }
            if next == "]" {
                position += 1
                break
            }
            let itemStart = position
            let item = try parseClassItem()
            switch item {
            case .set(let set):
                shorthand.formUnion(set)
            case .scalar(let low):
                if peek == "-", let after = peek(at: 1), after != "]" {
                    position += 1
                    let highStart = position
                    guard case .scalar(let high) = try parseClassItem() else {
                        throw RegexSyntaxError(
                            message:
                                "a class shorthand cannot end a range: escape the '-' as '\\-'",
                            offset: highStart)
                    }
                    guard low.value <= high.value else {
                        throw RegexSyntaxError(
                            message:
                                "invalid range '\(text(itemStart..<position))': the first "
                                + "character must not come after the second",
                            offset: itemStart)
                    }
                    explicit.insert(low.value...high.value)
                } else {
                    explicit.insert(low.value...low.value)
                }
            }
        }
        if caseInsensitive { explicit = explicit.caseFolded() }
        explicit.formUnion(shorthand)
        return .set(negated ? explicit.inverted() : explicit)
    }

    private enum ClassItem {
        case scalar(Unicode.Scalar)
        case set(ScalarSet)
    }

    private mutating func parseClassItem() throws(RegexSyntaxError) -> ClassItem {
        let start = position
        let next = scalars[position]
        position += 1
        switch next {
        case "\\":
            switch try parseEscape(backslashAt: start, inClass: true) {
            case .set(let set):
                if let single = set.singleScalar, let scalar = Unicode.Scalar(single),
                    !isShorthand(at: start)
                {
                    return .scalar(scalar)
                }
                return .set(set)
            default:
                return .set(ScalarSet())  // unreachable: escapes in classes are sets
            }
        case "[":
            throw RegexSyntaxError(
                message: "'[' inside a class must be escaped as '\\['", offset: start)
        default:
            return .scalar(next)
        }
    }

    private func isShorthand(at backslash: Int) -> Bool {
        backslash + 1 < scalars.count && "dDwWsS".unicodeScalars.contains(scalars[backslash + 1])
    }

    // MARK: - Escapes

    private mutating func parseEscape(backslashAt start: Int, inClass: Bool)
        throws(RegexSyntaxError)
        -> RegexNode
    {
        guard let next = peek else {
            throw RegexSyntaxError(
                message: "trailing backslash: to match a backslash write '\\\\'", offset: start)
        }
        position += 1
        switch next {
        case "d": return .set(ScalarSet.digit)
        case "D": return .set(ScalarSet.digit.inverted())
        case "w": return .set(ScalarSet.word)
        case "W": return .set(ScalarSet.word.inverted())
        case "s": return .set(ScalarSet.space)
        case "S": return .set(ScalarSet.space.inverted())
        case "n": return .set(ScalarSet("\n"))
        case "t": return .set(ScalarSet("\t"))
        case "r": return .set(ScalarSet("\r"))
        case "b", "B":
            if inClass {
                throw RegexSyntaxError(
                    message: "'\\\(next)' is not supported inside a class", offset: start)
            }
            return .assertion(next == "b" ? .wordBoundary : .notWordBoundary)
        case "1"..."9":
            throw RegexSyntaxError(
                message:
                    "backreferences ('\\\(next)') are not supported: a linear-time engine "
                    + "cannot match them",
                offset: start)
        case "A":
            throw unknownEscape(next, at: start, hint: "use '^' for the start of the text")
        case "z", "Z":
            throw unknownEscape(next, at: start, hint: "use '$' for the end of the text")
        case "p", "P":
            throw unknownEscape(
                next, at: start, hint: "Unicode properties are not supported: use a range")
        case "x", "u", "U":
            throw unknownEscape(next, at: start, hint: "write the character itself")
        default:
            if next.isASCII, !next.properties.isAlphabetic, !("0"..."9").contains(next),
                next.value > 0x20, next.value < 0x7F
            {
                return inClass ? .set(ScalarSet(next)) : literal(next)
            }
            throw unknownEscape(next, at: start, hint: "to match '\(next)' drop the backslash")
        }
    }

    private func unknownEscape(_ scalar: Unicode.Scalar, at offset: Int, hint: String)
        -> RegexSyntaxError
    {
        RegexSyntaxError(message: "unknown escape '\\\(scalar)': \(hint)", offset: offset)
    }

    // MARK: - Helpers

    private func literal(_ scalar: Unicode.Scalar) -> RegexNode {
        let set = ScalarSet(scalar)
        return .set(caseInsensitive ? set.caseFolded() : set)
    }

    private func text(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[range.clamped(to: 0..<scalars.count)]))
    }
}

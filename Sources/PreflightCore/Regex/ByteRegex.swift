import Foundation

/// A regular expression for rule files (coverage slices, output formats), matched against
/// UTF-8 text.
///
/// Interim implementation on `NSRegularExpression` (ICU, backtracking): the API is the
/// contract; a linear-time engine (no catastrophic backtracking on hostile patterns or data)
/// replaces the internals without changing it.
///
/// Syntax: literals, `.`, classes `[a-z]`/`[^…]`, escapes `\d \w \s \D \W \S \b \. \\ …`,
/// anchors `^ $`, groups `( )` and `(?: )`, alternation `|`, quantifiers `* + ? {m} {m,}
/// {m,n}` (and their lazy forms, which match the same texts). Matching is a search: a pattern
/// matches a text when it matches some substring of it (use `^…$` for the whole text).
public struct ByteRegex: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    /// Letters match regardless of case (Unicode simple case folding).
    public let caseInsensitive: Bool
    private let compiled: Compiled

    /// Compiles `pattern`.
    /// - Throws: `RegexSyntaxError` naming what is wrong and where in the pattern.
    public init(_ pattern: String, caseInsensitive: Bool = false) throws(RegexSyntaxError) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        do {
            compiled = Compiled(
                regex: try NSRegularExpression(
                    pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : []))
        } catch {
            throw RegexSyntaxError(message: "invalid regular expression", offset: 0)
        }
    }

    /// True when the pattern matches somewhere in `text`.
    public func matches(_ text: String) -> Bool {
        compiled.regex.firstMatch(
            in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil
    }

    /// True when the pattern matches somewhere in the UTF-8 `bytes` (invalid UTF-8 is
    /// matched as U+FFFD).
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        matches(String(decoding: bytes, as: UTF8.self))
    }

    public var description: String { "/\(pattern)/" + (caseInsensitive ? "i" : "") }

    public static func == (lhs: ByteRegex, rhs: ByteRegex) -> Bool {
        lhs.pattern == rhs.pattern && lhs.caseInsensitive == rhs.caseInsensitive
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(caseInsensitive)
    }

    private final class Compiled: @unchecked Sendable {
        // NSRegularExpression is immutable and documented thread-safe for matching.
        let regex: NSRegularExpression
        init(regex: NSRegularExpression) { self.regex = regex }
    }
}

/// A pattern that does not compile: what is wrong and where.
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what to do, e.g. "unbalanced ')': remove it or escape it as '\\)'".
    public var message: String
    /// 0-based offset in the pattern, in Unicode scalars, where the problem is.
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) (at character \(offset + 1) of the pattern)" }
}

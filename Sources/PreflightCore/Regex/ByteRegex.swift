/// A regular expression for rule files (coverage slices, output formats), matched against
/// UTF-8 text in time linear in the text: no backtracking, so no pattern or text can make a
/// match run away (`(a+)+$` or `(a|a)*b` on a long text take as long as `a` does).
///
/// ## Syntax
/// - Literals: any Unicode scalar (matched as its UTF-8 bytes). `.` is any scalar except `\n`.
/// - Escapes: `\. \\ \* \+ \? \( \) \[ \] \{ \} \| \^ \$ \/ \-` and any other ASCII
///   punctuation stand for themselves; `\n \t \r` are newline, tab, carriage return.
///   Other letter or digit escapes are errors.
/// - Shorthand classes, ASCII only: `\d` is `[0-9]`, `\w` is `[0-9A-Za-z_]`, `\s` is
///   `[ \t\n\v\f\r]`; `\D \W \S` are every other scalar (so `\W` matches `é`).
/// - Classes: `[abc]`, `[a-z]`, `[^…]` (any scalar not listed, `\n` included), with escapes and
///   shorthand classes inside; ranges may be non-ASCII (`[А-Яа-я]`, `[一-鿿]`). A `-` first or
///   last is literal; a bare `[` inside a class must be escaped.
/// - Anchors: `^` is the start and `$` the end of the text (no multiline mode). `\b` and `\B`
///   are word boundaries over ASCII word bytes `[0-9A-Za-z_]`.
/// - Groups `(…)` and `(?:…)` (both only group: there are no captures), alternation `|`.
/// - Quantifiers `* + ? {m} {m,} {m,n}` with counts up to 1000, and the lazy forms `*? +? ??
///   {…}?`, which match the same texts. A pattern compiling to more than 100,000 NFA states
///   is "pattern too large".
/// - Case-insensitive matching (`caseInsensitive: true`, or `(?i)` at the very start of the
///   pattern): ASCII letters match both cases; another letter also matches its
///   `Character.lowercased()` and `uppercased()` forms when each is a single scalar (simple
///   case mapping, e.g. `ж`/`Ж`, `é`/`É`; `ß` does not match `SS`). `\d \w \s` and their
///   negations are not case-folded.
/// - Not supported, each a `RegexSyntaxError` naming the construct and its offset:
///   backreferences, lookahead and lookbehind, possessive quantifiers, other inline flags or
///   `(?` groups, `\A \z \p \x \u`.
///
/// Matching is a search: a pattern matches a text when it matches some substring of it (use
/// `^…$` for the whole text). The empty pattern matches every text.
///
/// ## Engine
/// The pattern is parsed, compiled to a Thompson NFA over UTF-8 bytes (scalar ranges become
/// byte-range sequences), and run as a lazily built DFA whose states are sets of NFA states;
/// transitions are cached per byte class in a bounded table that is flushed when full, with
/// a fallback to NFA simulation when a text keeps flushing it. `\b`, `\B`, `^` and `$` are
/// resolved inside the automaton: a DFA state remembers whether the previous byte was a word
/// byte (and whether it is at the start), and assertions are decided when the next byte is
/// consumed. Before the automaton runs, a prefilter rejects texts lacking what every match
/// needs: one of a few literals (found by a vector scan for a rare byte of each, in both
/// cases when case-insensitive, then verified) or a byte of a narrow range. A pattern that is
/// just a few literals, optionally between `\b`s (`\b(refund|chargeback)\b`), is answered
/// by the prefilter alone. While nothing is in progress, the automaton jumps to the next byte
/// a match can start with. See `LazyDFA` and `RegexPrefilter` for the details.
///
/// Invalid UTF-8 (`matches(_:)` on raw bytes) never traps: bytes are matched as given. A
/// byte that is not part of a valid UTF-8 sequence is matched by no literal, class or `.`
/// (negated classes and `\D \W \S` included); it only counts as a non-word byte for `\b`.
///
/// A `ByteRegex` is immutable and `Sendable`; concurrent `matches` calls share a few lazily
/// built DFA caches, each behind its own lock.
///
/// - Complexity: compiling is O(pattern size); matching is O(text length × NFA size) in the
///   worst case and typically a single table lookup per byte.
public struct ByteRegex: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    /// Letters match regardless of case (true also when the pattern starts with `(?i)`).
    public let caseInsensitive: Bool
    private let engine: LazyDFA
    /// The parsed pattern, for sets of patterns (`ByteRegexSet`).
    let node: RegexNode

    /// Compiles `pattern`.
    /// - Throws: `RegexSyntaxError` naming what is wrong and where in the pattern.
    public init(_ pattern: String, caseInsensitive: Bool = false) throws(RegexSyntaxError) {
        try self.init(pattern, caseInsensitive: caseInsensitive, stateLimit: nil)
    }

    /// Compiles `pattern` with a given DFA cache bound (tests exercise flushing with it).
    init(_ pattern: String, caseInsensitive: Bool, stateLimit: Int?) throws(RegexSyntaxError) {
        self.pattern = pattern
        var parser = RegexParser(pattern: pattern, caseInsensitive: caseInsensitive)
        let node = try parser.parse()
        self.node = node
        self.caseInsensitive = parser.caseInsensitive
        engine = LazyDFA(program: try RegexProgram(node), stateLimit: stateLimit)
    }

    /// The matcher, for tests (cache statistics).
    var dfa: LazyDFA { engine }

    /// True when the pattern matches somewhere in `text`.
    public func matches(_ text: String) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({
            engine.matches(UnsafeRawBufferPointer($0))
        }) {
            return result
        }
        return Array(text.utf8).withUnsafeBytes { engine.matches($0) }
    }

    /// True when the pattern matches somewhere in the UTF-8 `bytes`. Invalid UTF-8 is
    /// matched byte for byte (see the type's documentation) and never traps.
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        engine.matches(bytes)
    }

    public var description: String { "/\(pattern)/" + (caseInsensitive ? "i" : "") }

    public static func == (lhs: ByteRegex, rhs: ByteRegex) -> Bool {
        lhs.pattern == rhs.pattern && lhs.caseInsensitive == rhs.caseInsensitive
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(caseInsensitive)
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

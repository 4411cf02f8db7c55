import PreflightCore

/// The slices' predicates compiled for evaluation on every record: a flat array of plain
/// operations (combinators refer to their operands by index), with regexes, keyword sets,
/// label sets and field tests in side tables. The per-record loop then copies no reference-
/// counted value (a tree of `indirect` cases was retained and released once per slice and
/// record, a fifth of the slice cost on 1M records).
///
/// Regexes and keyword sets on the input are matched together when there are two or more of
/// them: one `ByteRegexSet` scan of the input answers all of them (a keyword set by its ASCII
/// pattern on ASCII inputs; non-ASCII inputs are tokenized as keywords always are). One alone
/// scans faster with its own prefilter.
struct PredicateProgram: Sendable {
    /// One operation. Indices are into the program's arrays.
    enum Op: Sendable {
        /// Operands `operands[first..<first + count]` all hold / any holds.
        case all(first: Int32, count: Int32)
        case any(first: Int32, count: Int32)
        case not(Int32)
        /// Pattern `index` of the input set matches the input.
        case inputPattern(Int32)
        /// Keyword set `matcher`: by input-set pattern `pattern` on ASCII inputs.
        case inputKeywords(pattern: Int32, matcher: Int32)
        case regex(text: Int32, regex: Int32)
        case keywords(text: Int32, matcher: Int32)
        case label(Int32)
        case length(min: Int, max: Int, unit: LengthUnit)
        case turns(min: Int, max: Int)
        case hasToolCall(Bool)
        case field(Int32)
        /// Bit `k` for `TextScript.allCases[k]`.
        case script(UInt32)
    }

    private var ops: [Op] = []
    private var operands: [Int32] = []
    /// The operation of each predicate, in order.
    private var roots: [Int32] = []
    private var texts: [SliceText] = []
    private var regexes: [ByteRegex] = []
    private var matchers: [KeywordMatcher] = []
    private var labelSets: [Set<String>] = []
    private var fields: [(name: String, test: FieldTest)] = []
    /// The regexes and keyword sets on the input matched together; nil for fewer than two.
    private(set) var inputSet: ByteRegexSet?
    /// The case settings of the keyword sets that read the input.
    private(set) var inputKeywordCases = Set<Bool>()

    init(_ predicates: [SlicePredicate]) {
        var inputPatterns: [ByteRegex] = []
        var standalone: [Int: Op] = [:]  // what each input-pattern op is without a set
        for predicate in predicates {
            roots.append(compile(predicate, &inputPatterns, &standalone))
        }
        if inputPatterns.count >= 2 {
            inputSet = ByteRegexSet(inputPatterns)
        } else {
            for (index, op) in standalone { ops[index] = op }
        }
    }

    private mutating func compile(
        _ predicate: SlicePredicate, _ inputPatterns: inout [ByteRegex],
        _ standalone: inout [Int: Op]
    ) -> Int32 {
        let op: Op
        switch predicate {
        case .all(let ps), .any(let ps):
            let compiled = ps.map { compile($0, &inputPatterns, &standalone) }
            let first = Int32(operands.count)
            operands += compiled
            let count = Int32(compiled.count)
            if case .all = predicate {
                op = .all(first: first, count: count)
            } else {
                op = .any(first: first, count: count)
            }
        case .not(let p):
            op = .not(compile(p, &inputPatterns, &standalone))
        case .text(let target, .regex(let regex)):
            regexes.append(regex)
            let plain = Op.regex(text: text(target), regex: Int32(regexes.count - 1))
            if target == .input {
                inputPatterns.append(regex)
                standalone[ops.count] = plain
                op = .inputPattern(Int32(inputPatterns.count - 1))
            } else {
                op = plain
            }
        case .text(let target, .keywords(let words, let ci)):
            let matcher = KeywordMatcher(words, caseInsensitive: ci)
            matchers.append(matcher)
            let index = Int32(matchers.count - 1)
            let plain = Op.keywords(text: text(target), matcher: index)
            if target == .input { inputKeywordCases.insert(ci) }
            if target == .input, let pattern = matcher.asciiPattern {
                inputPatterns.append(pattern)
                standalone[ops.count] = plain
                op = .inputKeywords(pattern: Int32(inputPatterns.count - 1), matcher: index)
            } else {
                op = plain
            }
        case .label(let labels):
            labelSets.append(Set(labels))
            op = .label(Int32(labelSets.count - 1))
        case .length(let min, let max, let unit):
            op = .length(min: min ?? 0, max: max ?? .max, unit: unit)
        case .turns(let min, let max):
            op = .turns(min: min ?? 0, max: max ?? .max)
        case .hasToolCall(let flag):
            op = .hasToolCall(flag)
        case .field(let name, let test):
            fields.append((name, test))
            op = .field(Int32(fields.count - 1))
        case .script(let scripts):
            var mask: UInt32 = 0
            for script in scripts { mask |= Self.bit(script) }
            op = .script(mask)
        }
        ops.append(op)
        return Int32(ops.count - 1)
    }

    private mutating func text(_ target: SliceText) -> Int32 {
        if let i = texts.firstIndex(of: target) { return Int32(i) }
        texts.append(target)
        return Int32(texts.count - 1)
    }

    /// The operations and operands as buffers, for `evaluate`.
    struct Operations {
        let ops: UnsafeBufferPointer<Op>
        let operands: UnsafeBufferPointer<Int32>
        let roots: UnsafeBufferPointer<Int32>
    }

    func withOperations<R>(_ body: (Operations) -> R) -> R {
        ops.withUnsafeBufferPointer { ops in
            operands.withUnsafeBufferPointer { operands in
                roots.withUnsafeBufferPointer { roots in
                    body(Operations(ops: ops, operands: operands, roots: roots))
                }
            }
        }
    }

    /// Whether operation `index` holds for the context's record.
    func evaluate(_ index: Int32, _ o: Operations, _ context: inout RecordContext) -> Bool {
        switch o.ops[Int(index)] {
        case .all(let first, let count):
            for k in first..<(first + count) where !evaluate(o.operands[Int(k)], o, &context) {
                return false
            }
            return true
        case .any(let first, let count):
            for k in first..<(first + count) where evaluate(o.operands[Int(k)], o, &context) {
                return true
            }
            return false
        case .not(let operand):
            return !evaluate(operand, o, &context)
        case .inputPattern(let pattern):
            return context.inputPattern(Int(pattern))
        case .inputKeywords(let pattern, let matcher):
            if context.features.flags.contains(.nonASCII) {
                return context.inputMatches(matchers[Int(matcher)])
            }
            return context.inputPattern(Int(pattern))
        case .regex(let text, let regex):
            let target = texts[Int(text)]
            if target == .input { return Self.matches(regexes[Int(regex)], context.record.input) }
            for text in RecordTexts.texts(target, of: context.record, shape: context.shape)
            where Self.matches(regexes[Int(regex)], text) {
                return true
            }
            return false
        case .keywords(let text, let matcher):
            let target = texts[Int(text)]
            if target == .input { return context.inputMatches(matchers[Int(matcher)]) }
            for text in RecordTexts.texts(target, of: context.record, shape: context.shape)
            where context.matches(matchers[Int(matcher)], in: text) {
                return true
            }
            return false
        case .label(let set):
            guard let label = context.record.label else { return false }
            return labelSets[Int(set)].contains(label.text)
        case .length(let min, let max, let unit):
            let n: Int =
                switch unit {
                case .chars: context.features.chars
                case .words: context.features.words
                case .tokens: Self.estimatedTokens(words: context.features.words)
                }
            return n >= min && n <= max
        case .turns(let min, let max):
            let n = RecordTexts.turns(of: context.record, shape: context.shape)
            return n >= min && n <= max
        case .hasToolCall(let flag):
            return RecordTexts.hasToolCall(context.record, shape: context.shape) == flag
        case .field(let field):
            let (name, test) = fields[Int(field)]
            return RecordTexts.test(context.record.value[name], test)
        case .script(let mask):
            guard let script = context.features.script else { return false }
            return mask & Self.bit(script) != 0
        }
    }

    private static let scripts = TextScript.allCases

    /// The bit of `script` in a `.script` mask.
    private static func bit(_ script: TextScript) -> UInt32 {
        1 << UInt32(scripts.firstIndex(of: script) ?? 0)
    }

    /// The token estimate of the `tokens` unit: words × 1.3, rounded up.
    static func estimatedTokens(words: Int) -> Int { (words * 13 + 9) / 10 }

    private static func matches(_ regex: ByteRegex, _ text: String) -> Bool {
        matches(regex, text[...])
    }

    private static func matches(_ regex: ByteRegex, _ text: Substring) -> Bool {
        var text = text
        return text.withUTF8 { regex.matches(UnsafeRawBufferPointer($0)) }
    }
}

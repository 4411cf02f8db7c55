import Dispatch
import PreflightCore

/// Which records belong to which declared slice, and the format features of every record's
/// input (for the automatic slices), flat over `DatasetLayout` positions.
///
/// Computed in one parallel pass over the records (`DispatchQueue.concurrentPerform` over
/// chunks of 4,096 records, a multiple of 64 so that chunks write disjoint bitset words);
/// regexes are compiled once when the rule file is read, keyword sets once per audit. With
/// two or more regexes or keyword sets on the input, they are matched together: one
/// `ByteRegexSet` scan of each input answers all of them (keyword sets by their ASCII
/// pattern on ASCII inputs; other inputs are tokenized as before).
struct SliceMemberships: Sendable {
    /// The declared slices, in rule-file order.
    let slices: [SliceDefinition]
    /// Records in the layout.
    let count: Int
    /// 64-bit words per slice bitset.
    let wordsPerSlice: Int
    /// Slice `s`'s bit for position `p` is bit `p % 64` of `bits[s * wordsPerSlice + p / 64]`.
    let bits: [UInt64]
    /// Format features of each record's input.
    let features: [TextFeatures]

    /// Whether the record at `position` is in slice `slice`.
    func contains(_ slice: Int, _ position: Int) -> Bool {
        bits[slice * wordsPerSlice + position >> 6] & (1 << UInt64(position & 63)) != 0
    }

    /// Records of slice `slice` within the position ranges.
    /// - Complexity: O(positions / 64).
    func count(_ slice: Int, in ranges: [Range<Int>]) -> Int {
        var total = 0
        let base = slice * wordsPerSlice
        for range in ranges where !range.isEmpty {
            var p = range.lowerBound
            while p < range.upperBound {
                let word = bits[base + p >> 6]
                let offset = p & 63
                let take = min(64 - offset, range.upperBound - p)
                let mask: UInt64 = take == 64 ? ~0 : ((1 << UInt64(take)) - 1) << UInt64(offset)
                total += (word & mask).nonzeroBitCount
                p += take
            }
        }
        return total
    }

    /// The index column for `slices`: one per distinct slice set within an audit.
    static func key(_ slices: [SliceDefinition]) -> IndexKey<SliceMemberships> {
        var hasher = Hasher()
        hasher.combine(slices)
        // Hasher is seeded per process; the index lives within one process, so this only
        // tells slice sets apart within an audit.
        return IndexKey("coverage.slices.\(slices.count).\(hasher.finalize())") { dataset in
            SliceMemberships(dataset: dataset, slices: slices)
        }
    }

    /// The memberships every slice-reading check shares: the declared coverage slices (at
    /// indices `0..<input.coverage.slices.count`, so declared results do not depend on the
    /// taxonomy), then the failure modes' inline predicates (`TaxonomyRules.inlineSlices`),
    /// all evaluated in one pass over the records.
    static func evaluated(_ input: CheckInput) -> SliceMemberships {
        input.index.value(key(input.coverage.slices + input.taxonomy.inlineSlices))
    }

    /// Evaluates every slice and measures every input.
    /// - Complexity: O(total text bytes × predicates), parallel over chunks of records.
    init(dataset: Dataset, slices: [SliceDefinition]) {
        let layout = DatasetLayout(dataset)
        let total = layout.count
        let program = PredicateProgram(slices.map(\.predicate))
        let inputSet = program.inputSet
        let inputNeedsBoth = program.inputKeywordCases.count == 2
        let wordsPerSlice = (total + 63) / 64
        // One spare word so the buffer has an address even with no slices.
        var bits = [UInt64](repeating: 0, count: wordsPerSlice * slices.count + 1)
        var features = [TextFeatures](repeating: TextFeatures(), count: total)
        let chunk = 4_096
        let chunks = (total + chunk - 1) / chunk
        bits.withUnsafeMutableBufferPointer { bitBuffer in
            features.withUnsafeMutableBufferPointer { featureBuffer in
                guard total > 0, let featureBase = featureBuffer.baseAddress,
                    let bitBase = bitBuffer.baseAddress
                else { return }
                let bitTarget = SendableBuffer(base: bitBase)
                let featureTarget = SendableBuffer(base: featureBase)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    var context = RecordContext(inputSet: inputSet)
                    context.inputNeedsBoth = inputNeedsBoth
                    layout.forEachRun(in: layout.chunk(c, size: chunk), of: dataset) {
                        f, records, base, positions in
                        let shape = dataset.files[f].schema.shape
                        program.withOperations { ops in
                            for q in positions {
                                context.reset(records.baseAddress! + (q - base), shape: shape)
                                featureTarget.base[q] = context.features
                                let word = q >> 6
                                let bit: UInt64 = 1 << UInt64(q & 63)
                                for s in 0..<slices.count
                                where program.evaluate(ops.roots[s], ops, &context) {
                                    bitTarget.base[s * wordsPerSlice + word] |= bit
                                }
                            }
                        }
                    }
                }
            }
        }
        self.slices = slices
        self.count = total
        self.wordsPerSlice = wordsPerSlice
        self.bits = bits
        self.features = features
    }
}

// MARK: - Evaluation

/// A record being evaluated, with what several predicates share computed once.
struct RecordContext {
    /// The record being evaluated, in its file's storage (valid during `reset`'s caller's
    /// access to that storage only).
    private var pointer: UnsafePointer<Record>?
    var shape = Shape.unknown
    /// The record being evaluated.
    /// Read in place (a borrow, not a copy that would retain every field of the record).
    var record: Record {
        _read { yield pointer!.pointee }
    }
    var features = TextFeatures()
    /// Word hashes of the input, case-folded and not, computed on first use per record.
    private var foldedWords: [UInt64] = []
    private var plainWords: [UInt64] = []
    private var foldedValid = false
    private var plainValid = false
    private var scratch: [UInt8] = []
    private var words: [UInt64] = []
    /// The patterns matched together on the input, and which of them match it (computed on
    /// first use per record).
    private let inputSet: ByteRegexSet?
    private var inputMatched: [Bool]
    private var inputMatchedValid = false

    init(inputSet: ByteRegexSet? = nil) {
        self.inputSet = inputSet
        inputMatched = [Bool](repeating: false, count: inputSet?.patterns.count ?? 0)
    }

    mutating func reset(_ record: UnsafePointer<Record>, shape: Shape) {
        pointer = record
        self.shape = shape
        features =
            record.pointee.input.utf8.withContiguousStorageIfAvailable {
                TextFeatures(bytes: $0)
            } ?? TextFeatures(String(record.pointee.input))
        foldedValid = false
        plainValid = false
        inputMatchedValid = false
    }

    /// Whether pattern `index` of the input set matches the input.
    mutating func inputPattern(_ index: Int) -> Bool {
        if !inputMatchedValid, let inputSet {
            var text = record.input
            text.withUTF8 { inputSet.match(UnsafeRawBufferPointer($0), into: &inputMatched) }
            inputMatchedValid = true
        }
        return inputMatched[index]
    }

    /// Set when keyword sets of both case settings read the input: one pass computes both.
    var inputNeedsBoth = false

    /// Whether the keywords occur in the input (its words computed once per case setting).
    mutating func inputMatches(_ matcher: KeywordMatcher) -> Bool {
        if inputNeedsBoth && !foldedValid && !plainValid {
            KeywordMatcher.wordsBoth(
                record.input, scratch: &scratch, folded: &foldedWords, plain: &plainWords)
            foldedValid = true
            plainValid = true
        }
        if matcher.caseInsensitive {
            if !foldedValid {
                KeywordMatcher.words(
                    record.input, caseInsensitive: true, scratch: &scratch, into: &foldedWords)
                foldedValid = true
            }
            return matcher.matches(foldedWords)
        }
        if !plainValid {
            KeywordMatcher.words(
                record.input, caseInsensitive: false, scratch: &scratch, into: &plainWords)
            plainValid = true
        }
        return matcher.matches(plainWords)
    }

    /// Whether the keywords occur in `text`.
    mutating func matches(_ matcher: KeywordMatcher, in text: String) -> Bool {
        KeywordMatcher.words(
            text, caseInsensitive: matcher.caseInsensitive, scratch: &scratch, into: &words)
        return matcher.matches(words)
    }
}

// MARK: - Reading record values

/// The texts, turns and tool calls of a record's parsed value.
enum RecordTexts {
    /// Roles that `role:` names and what each shape calls them.
    static func roleNames(_ role: String, shape: Shape) -> Set<String> {
        guard shape == .sharegpt else { return [role] }
        switch role {
        case "user": return ["user", "human"]
        case "assistant": return ["assistant", "gpt"]
        case "tool": return ["tool", "function_call", "observation"]
        default: return [role]
        }
    }

    /// The texts a target names: a field's strings, or the contents of a role's messages
    /// (chat, ShareGPT and preference message lists; `user` is the prompt or instruction and
    /// `assistant` the completion or output of prompt/completion and instruction records).
    static func texts(_ target: SliceText, of record: Record, shape: Shape) -> [String] {
        switch target {
        case .input: return [String(record.input)]
        case .field(let name): return strings(record.value[name])
        case .role(let role):
            let value = record.value
            switch shape {
            case .chat, .sharegpt:
                let (list, roleKey, contentKey) =
                    shape == .sharegpt
                    ? ("conversations", "from", "value") : ("messages", "role", "content")
                guard case .array(let messages)? = value[list] else { return [] }
                let names = roleNames(role, shape: shape)
                return messages.compactMap { m in
                    guard let r = m[roleKey]?.stringValue, names.contains(r) else { return nil }
                    return content(m[contentKey])
                }
            case .promptCompletion:
                if role == "user" { return strings(value["prompt"]) }
                if role == "assistant" { return strings(value["completion"]) }
                return []
            case .instruction:
                if role == "user" { return strings(value["instruction"]) + strings(value["input"]) }
                if role == "assistant" { return strings(value["output"]) }
                return []
            default:
                return []
            }
        }
    }

    /// Chat messages other than system (and developer) messages; 0 for other shapes.
    static func turns(of record: Record, shape: Shape) -> Int {
        guard shape == .chat || shape == .sharegpt else { return 0 }
        let (list, roleKey) = shape == .sharegpt ? ("conversations", "from") : ("messages", "role")
        guard case .array(let messages)? = record.value[list] else { return 0 }
        return messages.reduce(0) { n, m in
            let role = m[roleKey]?.stringValue ?? ""
            return n + (role == "system" || role == "developer" ? 0 : 1)
        }
    }

    /// A message with non-empty `tool_calls`, a `function_call`, or a tool or function role
    /// (ShareGPT: `function_call`, `observation`, `tool`).
    static func hasToolCall(_ record: Record, shape: Shape) -> Bool {
        guard shape == .chat || shape == .sharegpt else { return false }
        let (list, roleKey) = shape == .sharegpt ? ("conversations", "from") : ("messages", "role")
        guard case .array(let messages)? = record.value[list] else { return false }
        let toolRoles: Set<String> =
            shape == .sharegpt ? ["function_call", "observation", "tool"] : ["tool", "function"]
        for m in messages {
            if let role = m[roleKey]?.stringValue, toolRoles.contains(role) { return true }
            if case .array(let calls)? = m["tool_calls"], !calls.isEmpty { return true }
            if let call = m["function_call"], call != .null { return true }
        }
        return false
    }

    /// A `field:` test on a value.
    static func test(_ value: DataValue?, _ test: FieldTest) -> Bool {
        switch test {
        case .present(let flag):
            let present = value.map { $0 != .null } ?? false
            return present == flag
        case .equals(let expected):
            return value?.scalarText == expected
        case .contains(let expected):
            if case .array(let items)? = value {
                return items.contains { $0.scalarText == expected }
            }
            return value?.scalarText == expected
        }
    }

    /// A string or number, or the strings and numbers of an array.
    private static func strings(_ value: DataValue?) -> [String] {
        switch value {
        case .string(let s)?: return [s]
        case .number(let n)?: return [n]
        case .array(let items)?: return items.compactMap { strings($0).first }
        default: return []
        }
    }

    /// A message's content: a string, or its text parts joined by "\n".
    private static func content(_ value: DataValue?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .array(let parts)?:
            let texts = parts.compactMap { part -> String? in
                if case .string(let s) = part { return s }
                return part["text"]?.stringValue
            }
            return texts.joined(separator: "\n")
        default: return nil
        }
    }
}

/// The `coverage:` section of the rule files: named slices of the records and the counts the
/// team requires of each.
///
/// Rule files merge slices by name: a later file's slice replaces an earlier slice of the
/// same name as a whole (predicate and requirements) and keeps its position; new names are
/// appended in the order they are written.
public struct CoverageRules: Sendable, Hashable {
    /// Declared slices, in the order they were first written.
    public var slices: [SliceDefinition]

    public init(slices: [SliceDefinition] = []) { self.slices = slices }

    /// Merges `other` over `self`: same name replaces in place, new names are appended.
    public func merging(_ other: CoverageRules) -> CoverageRules {
        var out = self
        for slice in other.slices {
            if let i = out.slices.firstIndex(where: { $0.name == slice.name }) {
                out.slices[i] = slice
            } else {
                out.slices.append(slice)
            }
        }
        return out
    }
}

/// One declared slice: a name, a predicate over records and its requirements.
public struct SliceDefinition: Sendable, Hashable {
    /// The key under `coverage.slices`, e.g. `refund_requests`.
    public var name: String
    /// What the slice stands for, for people.
    public var description: String?
    /// Which records belong to the slice.
    public var predicate: SlicePredicate
    /// How many records each split (or label) must have in the slice.
    public var requirements: SliceRequirements
    /// Where the slice's name was written, for messages.
    public var mark: YAMLMark

    public init(
        name: String, description: String? = nil, predicate: SlicePredicate,
        requirements: SliceRequirements = SliceRequirements(),
        mark: YAMLMark = YAMLMark(file: "(rules)", line: 1, column: 1)
    ) {
        self.name = name
        self.description = description
        self.predicate = predicate
        self.requirements = requirements
        self.mark = mark
    }
}

/// What a declared slice must have, per split (and per label with `perLabel`).
public struct SliceRequirements: Sendable, Hashable {
    /// At least this many records of the split are in the slice.
    public var minCount: Int?
    /// At least this share of the split's records (in [0, 1]) is in the slice.
    public var minShare: Double?
    /// The splits the requirements apply to; nil: train and every held-out split present.
    public var splits: [SplitRole]?
    /// Apply the requirements to each label of the split instead of the split as a whole
    /// (the share is then of the label's records).
    public var perLabel: Bool
    /// The severity of this slice's findings; nil: the check's severity.
    public var severity: Severity?

    public init(
        minCount: Int? = nil, minShare: Double? = nil, splits: [SplitRole]? = nil,
        perLabel: Bool = false, severity: Severity? = nil
    ) {
        self.minCount = minCount
        self.minShare = minShare
        self.splits = splits
        self.perLabel = perLabel
        self.severity = severity
    }

    /// Whether the slice requires anything at all (else it is only measured).
    public var isEmpty: Bool { (minCount ?? 0) <= 0 && (minShare ?? 0) <= 0 }
}

/// A predicate over one record. A mapping with several keys in a rule file means all of them.
public indirect enum SlicePredicate: Sendable, Hashable {
    /// Every predicate holds (`all: […]`).
    case all([SlicePredicate])
    /// At least one predicate holds (`any: […]`).
    case any([SlicePredicate])
    /// The predicate does not hold (`not: {…}`).
    case not(SlicePredicate)
    /// A text of the record matches (`text:`, or `regex:` / `keywords:` directly).
    case text(SliceText, SliceMatch)
    /// The label, as written, is one of these (`label: {in: […]}`).
    case label([String])
    /// The input's length is within the bounds, inclusive (`length: {min, max, unit}`).
    case length(min: Int?, max: Int?, unit: LengthUnit)
    /// The number of chat turns is within the bounds, inclusive (`turns: {min, max}`).
    case turns(min: Int?, max: Int?)
    /// The record has (or has not) a tool call (`has_tool_call: true`).
    case hasToolCall(Bool)
    /// A field of the record has a value (`field: {name, equals | contains | present}`).
    case field(name: String, FieldTest)
    /// The majority script of the input's letters is one of these (`script: cyrillic`).
    case script([TextScript])
}

/// Which text of a record a text predicate reads.
public enum SliceText: Sendable, Hashable {
    /// The record's input: the text fields, or the prompt side of a generative example.
    case input
    /// A field of the record (a string, a number's lexeme, or any string of an array).
    case field(String)
    /// The content of any chat message with this role (`user`, `assistant`, `system`, `tool`).
    case role(String)
}

/// How a text predicate matches.
public enum SliceMatch: Sendable, Hashable {
    /// The regular expression matches somewhere in the text.
    case regex(ByteRegex)
    /// One of the keywords or phrases occurs as whole words, after NFKC, whitespace collapse
    /// and (with `caseInsensitive`) case folding of both sides.
    case keywords([String], caseInsensitive: Bool)
}

/// What a `field:` predicate tests.
public enum FieldTest: Sendable, Hashable {
    /// The field is a string (or number or boolean) equal to the value.
    case equals(String)
    /// The field is an array with an element equal to the value, or a scalar equal to it.
    case contains(String)
    /// The field is present and not null (`true`), or absent or null (`false`).
    case present(Bool)
}

/// How a length is measured.
public enum LengthUnit: String, Sendable, Hashable, CaseIterable {
    /// Unicode scalars.
    case chars
    /// Runs of non-whitespace.
    case words
    /// An estimate: words × 1.3, rounded up; not a tokenizer's count.
    case tokens
}

/// Writing systems recognised by script detection (from Unicode blocks of letters).
public enum TextScript: String, Sendable, Hashable, CaseIterable {
    case latin, cyrillic, greek, armenian, georgian, hebrew, arabic, devanagari, bengali, tamil
    case thai, hangul
    /// Han ideographs, Hiragana, Katakana and Bopomofo.
    case cjk
    /// Letters of any other script.
    case other
}

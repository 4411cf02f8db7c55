import PreflightCore

/// How a normalized text is cut into the set of shingles that near-duplicate similarity
/// (Jaccard) is measured on.
///
/// Texts are normalized first (the key's normalization, default NFKC + case folding +
/// whitespace collapse) and tokenized on whitespace.
/// - `words(n)`: the set of word n-grams (tokens joined by one space). A text with fewer
///   than `n` tokens has one shingle: all its tokens.
/// - `chars(n)`: the set of n-grams of Unicode scalars of the normalized text (spaces
///   included). A text shorter than `n` scalars has one shingle: the whole text.
/// An empty text has no shingles and is similar to nothing.
public enum ShingleScheme: Hashable, Sendable, CustomStringConvertible {
    case words(Int)
    case chars(Int)

    /// `words:1`, `chars:5`.
    public var description: String {
        switch self {
        case .words(let n): "words:\(n)"
        case .chars(let n): "chars:\(n)"
        }
    }

    /// Parses `words:N` (N in 1...9) or `chars:N` (N in 2...16).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int(parts[1]) else { return nil }
        switch parts[0] {
        case "words" where (1...9).contains(n): self = .words(n)
        case "chars" where (2...16).contains(n): self = .chars(n)
        default: return nil
        }
    }
}

/// The `shingle` option: `auto`, or an explicit scheme.
///
/// `auto` looks at the median number of words of the keyed texts of the whole dataset (all
/// splits, so train and held-out records are compared under one scheme):
/// - under 40 words → `words:1`. In short texts (intents, questions) any n-gram order above
///   1 makes one substituted word remove a large share of the shingles (for 10 words and
///   3-grams, 3 of 8), so only word sets keep "one word changed" above a 0.8 threshold; word
///   sets also treat swapped words as the near-copies they are.
/// - 40 words or more → `words:3`. In long texts (reviews, transcripts) word sets saturate:
///   two different texts on one topic share most of their vocabulary. Word 3-grams keep
///   order, so similarity reflects copied passages, while a few substituted words out of 40+
///   still leave the Jaccard similarity above 0.8.
public enum ShingleOption: Hashable, Sendable, OptionValue, CustomStringConvertible {
    case auto
    case scheme(ShingleScheme)

    /// The median word count at and above which `auto` picks `words:3`.
    public static let longTextWords = 40

    public init(yaml: YAMLNode) throws(OptionValueError) {
        guard let text = yaml.scalar else {
            throw OptionValueError(
                yaml.mark, "expected auto, words:N or chars:N, found \(yaml.kindName)")
        }
        if text == "auto" {
            self = .auto
        } else if let scheme = ShingleScheme(text) {
            self = .scheme(scheme)
        } else {
            throw OptionValueError(
                yaml.mark,
                "expected auto, words:N (N 1 to 9) or chars:N (N 2 to 16), found '\(text)'")
        }
    }

    public var yamlValue: YAMLValue { .scalar(description) }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .scheme(let s): s.description
        }
    }

    /// The scheme for texts whose median word count is `medianWords`.
    public func resolved(medianWords: Int) -> ShingleScheme {
        switch self {
        case .scheme(let s): s
        case .auto: medianWords < Self.longTextWords ? .words(1) : .words(3)
        }
    }
}

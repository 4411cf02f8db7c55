import Foundation
import PreflightCore

// MARK: - Shared defaults

/// Defaults shared by the checks that read near-duplicate pairs, so that on default rules
/// `near_duplicates`, `split_leakage` and `conflicting_labels` ask the index for one `NearSpec`
/// and the search runs once per audit.
enum NearDefaults {
    /// Jaccard similarity at or above which two records are near-copies.
    static let threshold = 0.8
    /// LSH buckets larger than this are only partly expanded.
    static let maxBucket = 200
}

extension OptionRules {
    /// A Jaccard threshold in (0, 1].
    static let similarity: @Sendable (Double) -> String? = { v in
        v > 0 && v <= 1 ? nil : "expected a similarity above 0 and at most 1, found \(v)"
    }

    /// An LSH bucket cap of at least 2.
    static let bucket: @Sendable (Int) -> String? = { v in
        v >= 2 ? nil : "expected a bucket size of 2 or more, found \(v)"
    }
}

extension Format {
    /// A similarity with at most `places` decimals and no trailing zeros: `0.8`, `0.87`, `1`.
    static func similarity(_ value: Double, places: Int = 2) -> String {
        var text = String(format: "%.\(places)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A user's text for display: control characters escaped (`\n`, `\u{1B}`), cut to
    /// `limit` characters with `…`.
    static func excerpt(_ text: String, limit: Int = 100) -> String {
        var out = ""
        var n = 0
        for character in text {
            if n == limit {
                out += "…"
                break
            }
            n += 1
            for scalar in character.unicodeScalars {
                switch scalar {
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{202A}"..."\u{202E}",
                    "\u{2066}"..."\u{2069}":
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

// MARK: - Search access

extension Record {
    /// The text near-duplicate similarity compares for `field`: the field's text without the
    /// leading system messages of a chat or ShareGPT record (`systemPrefix`), or the whole
    /// text when there are none or nothing but whitespace would be left.
    ///
    /// A system prompt is usually shared by every record of a dataset; kept in, it makes all
    /// pairs of short conversations look alike (100 shared words beside a 10-word question
    /// put any two prompts above a 0.8 Jaccard threshold), so near_duplicates, split_leakage
    /// and conflicting_answers would flag records that only share their instructions, and
    /// the LSH search would compare nearly every pair.
    func similarityText(_ field: TextField) -> Substring {
        let text = field == .input ? input : example
        let prefix = Int(systemPrefix)
        let utf8 = text.utf8
        guard prefix > 0, prefix < utf8.count else { return text[...] }
        let rest = text[utf8.index(utf8.startIndex, offsetBy: prefix)...]
        return rest.allSatisfy(\.isWhitespace) ? text[...] : rest
    }
}

extension NearSpec {
    /// The spec of a check's near search.
    init(
        _ key: KeyField, _ normalize: [Normalization], shingle: ShingleOption, threshold: Double,
        maxBucket: Int, dataset: Dataset
    ) {
        self.init(
            key: KeySpec(key, normalize, dataset: dataset), shingle: shingle, threshold: threshold,
            maxBucket: maxBucket)
    }
}

extension NearPairs {
    /// `words:1 shingles, threshold 0.8`, for summaries.
    var schemeText: String { "\(scheme) shingles, threshold \(Format.similarity(threshold))" }
}

// MARK: - Split of each position

/// The split of every position, as an index into `dataset.splits`.
struct SplitColumn: Sendable {
    let splits: [SplitRole]
    /// Per file: its split's index.
    private let fileSplit: [Int]
    private let layout: DatasetLayout

    init(_ dataset: Dataset, _ layout: DatasetLayout) {
        splits = dataset.splits
        let index = Dictionary(uniqueKeysWithValues: splits.enumerated().map { ($1, $0) })
        fileSplit = dataset.files.map { index[$0.split]! }
        self.layout = layout
    }

    /// The split index of a position.
    func split(of position: Int32) -> Int { fileSplit[layout.file(of: Int(position))] }
}

// MARK: - Union-find

/// Disjoint sets over record positions (path halving, union by smaller root).
struct UnionFind {
    private var parent: [Int32]

    init(count: Int) { parent = (0..<Int32(count)).map { $0 } }

    mutating func find(_ x: Int32) -> Int32 {
        var x = x
        while parent[Int(x)] != x {
            parent[Int(x)] = parent[Int(parent[Int(x)])]
            x = parent[Int(x)]
        }
        return x
    }

    /// Joins the sets of `a` and `b`; the smaller root (earlier record) becomes the root.
    mutating func union(_ a: Int32, _ b: Int32) {
        let ra = find(a)
        let rb = find(b)
        if ra == rb { return }
        if ra < rb { parent[Int(rb)] = ra } else { parent[Int(ra)] = rb }
    }
}

extension ChecksIndex {
    /// The near search over record inputs (`key: input`, automatic shingles) that the
    /// conflict checks read: at the default threshold when theirs is stricter, so on default
    /// rules it is the very search split_leakage runs; pairs below `threshold` are the
    /// caller's to skip.
    static func inputNearPairs(
        _ normalize: [Normalization], threshold: Double, in input: CheckInput
    ) -> NearPairs {
        let spec = NearSpec(
            .input, normalize, shingle: .auto, threshold: min(threshold, NearDefaults.threshold),
            maxBucket: NearDefaults.maxBucket, dataset: input.dataset)
        return nearPairs(spec, in: input.index)
    }
}

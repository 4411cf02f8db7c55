import PreflightCore

/// The slices measured on every audit without being declared: length quartiles, very short
/// and very long inputs, scripts, and format features (see `TextFeatures`).
///
/// Length quartiles are of the training inputs' word counts (all inputs when there is no
/// training split), nearest-rank: `q1` up to the 25th percentile, `q2` up to the median,
/// `q3` up to the 75th percentile, `q4` above it. Scripts appear only when some input is
/// written in them. Automatic slices never fail on their own.
struct AutomaticSlices: Sendable {
    /// One automatic slice.
    struct Slice: Sendable {
        /// The row name, e.g. `very_long`, `script_cyrillic`.
        let name: String
        /// The records it holds, for messages: "inputs of more than 512 words".
        let phrase: String
        let test: @Sendable (TextFeatures) -> Bool
    }

    let slices: [Slice]
    /// The 25th, 50th and 75th percentile word counts the quartiles are cut at.
    let quartileBounds: [Int]

    /// - Parameters:
    ///   - features: every record's features, flat over positions.
    ///   - basis: the positions the quartiles are taken over (training, or all).
    ///   - veryShort: inputs with fewer words than this are very short.
    ///   - veryLong: inputs with more words than this are very long.
    init(features: [TextFeatures], basis: [Range<Int>], veryShort: Int, veryLong: Int) {
        var counts: [Int] = []
        for range in basis { for p in range { counts.append(features[p].words) } }
        counts.sort()
        func rank(_ q: Int) -> Int {
            guard !counts.isEmpty else { return 0 }
            let k = (q * counts.count + 99) / 100
            return counts[max(0, k - 1)]
        }
        let b = [rank(25), rank(50), rank(75)]
        quartileBounds = b
        var slices: [Slice] = [
            Slice(
                name: "length_q1", phrase: "inputs of at most \(Format.count(b[0], "word"))",
                test: { $0.words <= b[0] }),
            Slice(
                name: "length_q2",
                phrase: "inputs of \(b[0] + 1)–\(Format.count(b[1], "word"))",
                test: { $0.words > b[0] && $0.words <= b[1] }),
            Slice(
                name: "length_q3",
                phrase: "inputs of \(b[1] + 1)–\(Format.count(b[2], "word"))",
                test: { $0.words > b[1] && $0.words <= b[2] }),
            Slice(
                name: "length_q4", phrase: "inputs of more than \(Format.count(b[2], "word"))",
                test: { $0.words > b[2] }),
            Slice(
                name: "very_short",
                phrase: "very short inputs (under \(Format.count(veryShort, "word")))",
                test: { $0.words < veryShort }),
            Slice(
                name: "very_long",
                phrase: "very long inputs (over \(Format.count(veryLong, "word")))",
                test: { $0.words > veryLong }),
        ]
        var present = Set<TextScript>()
        for f in features { if let s = f.script { present.insert(s) } }
        for script in TextScript.allCases where present.contains(script) {
            slices.append(
                Slice(
                    name: "script_\(script.rawValue)",
                    phrase:
                        "inputs mostly in \(script == .other ? "other scripts" : "\(script.rawValue) script")",
                    test: { $0.script == script }))
        }
        let flags: [(String, String, TextFeatures.Flags)] = [
            ("digits", "inputs with digits", .digits),
            ("url", "inputs with a URL", .url),
            ("email", "inputs with an email address", .email),
            ("code", "inputs with code", .code),
            ("markup", "inputs with markup tags", .markup),
            ("question", "questions", .question),
        ]
        for (name, phrase, flag) in flags {
            slices.append(Slice(name: name, phrase: phrase, test: { $0.flags.contains(flag) }))
        }
        slices.append(
            Slice(
                name: "statement", phrase: "statements (inputs that are not questions)",
                test: { !$0.flags.contains(.question) }))
        slices.append(
            Slice(
                name: "all_caps", phrase: "all-caps inputs", test: { $0.flags.contains(.allCaps) }))
        self.slices = slices
    }

    /// Each record's automatic slices as a bitmask (bit `k` for `slices[k]`), so counting
    /// per split and per label is bit iteration rather than a test per slice.
    /// - Complexity: O(records × slices).
    func masks(_ features: [TextFeatures]) -> [UInt32] {
        precondition(slices.count <= 32, "automatic slices fit a 32-bit mask")
        let tests = slices.map(\.test)
        return features.map { f in
            var mask: UInt32 = 0
            for (k, test) in tests.enumerated() where test(f) { mask |= 1 << UInt32(k) }
            return mask
        }
    }

    /// Records per slice within the ranges.
    /// - Complexity: O(positions × slices present).
    func counts(_ masks: [UInt32], in ranges: [Range<Int>]) -> [Int] {
        var counts = [Int](repeating: 0, count: slices.count)
        for range in ranges {
            for p in range {
                var m = masks[p]
                while m != 0 {
                    counts[m.trailingZeroBitCount] += 1
                    m &= m - 1
                }
            }
        }
        return counts
    }
}

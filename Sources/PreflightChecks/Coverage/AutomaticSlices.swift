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
        let test: Test
    }

    /// What an automatic slice tests (an enum rather than a closure: `masks` evaluates every
    /// test on every record, and a closure call retains its context each time).
    enum Test: Sendable {
        /// Word count within the bounds, inclusive.
        case words(min: Int, max: Int)
        case script(TextScript)
        case flag(TextFeatures.Flags)
        case notFlag(TextFeatures.Flags)

        func callAsFunction(_ f: TextFeatures) -> Bool {
            switch self {
            case .words(let min, let max): return f.words >= min && f.words <= max
            case .script(let script): return f.script == script
            case .flag(let flag): return f.flags.contains(flag)
            case .notFlag(let flag): return !f.flags.contains(flag)
            }
        }
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
                test: .words(min: 0, max: b[0])),
            Slice(
                name: "length_q2",
                phrase: "inputs of \(b[0] + 1)–\(Format.count(b[1], "word"))",
                test: .words(min: b[0] + 1, max: b[1])),
            Slice(
                name: "length_q3",
                phrase: "inputs of \(b[1] + 1)–\(Format.count(b[2], "word"))",
                test: .words(min: b[1] + 1, max: b[2])),
            Slice(
                name: "length_q4", phrase: "inputs of more than \(Format.count(b[2], "word"))",
                test: .words(min: b[2] + 1, max: .max)),
            Slice(
                name: "very_short",
                phrase: "very short inputs (under \(Format.count(veryShort, "word")))",
                test: .words(min: 0, max: veryShort - 1)),
            Slice(
                name: "very_long",
                phrase: "very long inputs (over \(Format.count(veryLong, "word")))",
                test: .words(min: veryLong + 1, max: .max)),
        ]
        var present = Set<TextScript>()
        for f in features { if let s = f.script { present.insert(s) } }
        for script in TextScript.allCases where present.contains(script) {
            slices.append(
                Slice(
                    name: "script_\(script.rawValue)",
                    phrase:
                        "inputs mostly in \(script == .other ? "other scripts" : "\(script.rawValue) script")",
                    test: .script(script)))
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
            slices.append(Slice(name: name, phrase: phrase, test: .flag(flag)))
        }
        slices.append(
            Slice(
                name: "statement", phrase: "statements (inputs that are not questions)",
                test: .notFlag(.question)))
        slices.append(
            Slice(
                name: "all_caps", phrase: "all-caps inputs", test: .flag(.allCaps)))
        self.slices = slices
    }

    /// Each record's automatic slices as a bitmask (bit `k` for `slices[k]`), so counting
    /// per split and per label is bit iteration rather than a test per slice.
    /// - Complexity: O(records × slices).
    func masks(_ features: [TextFeatures]) -> [UInt32] {
        precondition(slices.count <= 32, "automatic slices fit a 32-bit mask")
        let tests = slices.map(\.test)
        return tests.withUnsafeBufferPointer { tests in
            features.map { f in
                var mask: UInt32 = 0
                for k in tests.indices where tests[k](f) { mask |= 1 << UInt32(k) }
                return mask
            }
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

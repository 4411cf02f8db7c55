import Foundation
import PreflightCore

extension NearDuplicatesCheck {
    /// The similarities at which the LSH detection curve is shown.
    static let curvePoints = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0]

    /// Sample pairs shown on each side of the threshold.
    static let samplesShown = 5

    /// Evidence for choosing `threshold`: the shingle scheme and why, the LSH parameters and
    /// their detection curve, the histogram of verified similarities, and sample pairs just
    /// above and just below the threshold with both texts.
    /// - Complexity: the shared near search (computed once per audit).
    public func explain(_ input: CheckInput) -> CheckExplanation {
        let dataset = input.dataset
        let spec = spec(dataset)
        let near = ChecksIndex.nearPairs(spec, in: input.index)
        let layout = input.index.value(ChecksIndex.layout)
        let threshold = Format.similarity(near.threshold)

        // Scheme and why.
        var scheme = ["scheme: \(near.scheme) (shingle: \(options.shingle))"]
        switch options.shingle {
        case .auto:
            let long = ShingleOption.longTextWords
            scheme.append(
                near.medianWords < long
                    ? "why: the median text has \(Format.count(near.medianWords, "word")), under "
                        + "\(long), so texts are compared as word sets: in a short text one changed "
                        + "word still leaves most of the set, and swapped words stay near-copies"
                    : "why: the median text has \(Format.count(near.medianWords, "word")), \(long) "
                        + "or more, so texts are compared as word 3-grams: word sets of long texts "
                        + "on one topic overlap too much, 3-grams measure copied passages")
        case .scheme:
            scheme.append(
                "why: set by 'shingle' in the rules (the median text has "
                    + "\(Format.count(near.medianWords, "word")))")
        }
        let fields = Set(spec.key.fields).map(\.rawValue).sorted().joined(separator: ", ")
        scheme.append(
            "key: \(fields), normalized \(spec.key.normalizer.signature); "
                + "\(Format.count(layout.count, "record")) in "
                + "\(Format.count(dataset.splits.count, "split"))")

        // Threshold and LSH.
        let search = [
            "threshold: Jaccard \(threshold) or more ('threshold'); pairs are verified with exact "
                + "Jaccard, so none below it is reported",
            "LSH: \(near.bands) bands × \(near.rows) rows; a pair becomes a candidate when all rows "
                + "of one band agree",
            "candidates verified: \(near.candidates); near pairs: \(near.pairs.count); capped "
                + "buckets: \(near.cappedBuckets) ('max_bucket' \(options.maxBucket))",
        ]
        let curve = CheckExplanation.Table(
            header: ["Jaccard", "P(candidate)"],
            rows: Self.curvePoints.map { j in
                [
                    Format.similarity(j),
                    String(format: "%.4f", Self.detection(j, bands: near.bands, rows: near.rows)),
                ]
            })

        // Histogram of verified similarities from 0.5.
        let bins = near.histogram
        let shown = Array(10..<min(20, bins.count))
        let peak = shown.map { bins[$0] }.max() ?? 0
        let thresholdBin = min(19, Int(near.threshold * 20 + 1e-9))
        let histogram = CheckExplanation.Table(
            header: ["Jaccard", "pairs", "", ""],
            rows: shown.reversed().map { i in
                let low = Format.similarity(Double(i) / 20)
                let high = Format.similarity(Double(i + 1) / 20)
                let bar =
                    bins[i] == 0 || peak == 0
                    ? "" : String(repeating: "█", count: max(1, bins[i] * 30 / peak))
                let label = i == 19 ? "\(low)–\(high)" : "\(low)–<\(high)"
                return [
                    label, String(bins[i]), bar,
                    i == thresholdBin ? "◀ threshold \(threshold)" : "",
                ]
            })
        let under = bins.prefix(10).reduce(0, +)

        // Sample pairs.
        func sample(_ pair: NearPair) -> [String] {
            [
                "\(Format.similarity(pair.similarity, places: 3))  "
                    + "\(place(pair.a)) ↔ \(place(pair.b))",
                "    \(place(pair.a)): \(Format.excerpt(text(pair.a)))",
                "    \(place(pair.b)): \(Format.excerpt(text(pair.b)))",
            ]
        }
        func place(_ position: Int32) -> String {
            let location = dataset.location(at: position, layout)
            return "\(location.path):\(location.line ?? 0)"
        }
        func text(_ position: Int32) -> String {
            let ref = layout.ref(Int(position))
            let record = dataset[ref]
            return String(spec.key.fields[Int(ref.file)] == .input ? record.input : record.example)
        }
        let above = near.samplesAbove.prefix(Self.samplesShown).flatMap(sample)
        // Pairs under 0.5 (the histogram's floor) are not "just below" any useful threshold.
        let below = near.samplesBelow.filter { $0.similarity >= 0.5 }.prefix(Self.samplesShown)
            .flatMap(sample)

        return CheckExplanation(
            title: "near_duplicates: how 'threshold' \(threshold) falls on this data",
            sections: [
                .init(title: "Shingles", lines: scheme),
                .init(title: "Search", lines: search),
                .init(
                    title: "LSH detection probability P = 1 − (1 − J^\(near.rows))^\(near.bands)",
                    table: curve),
                .init(
                    title: "Verified similarities (candidate pairs of every split)",
                    lines: ["below 0.5: \(Format.count(under, "pair"))"], table: histogram),
                .init(
                    title: "Just above the threshold (lowest similarity first)",
                    lines: above.isEmpty ? ["no pair at or above the threshold"] : above),
                .init(
                    title: "Just below the threshold (highest similarity first)",
                    lines: below.isEmpty
                        ? ["no verified pair between 0.5 and the threshold"] : below),
                .init(
                    title: "Choosing the threshold",
                    lines: [
                        "raise 'threshold' when the pairs just above it are not copies; lower it when "
                            + "the pairs just below it are"
                    ]),
            ])
    }

    /// The probability that a pair of Jaccard similarity `j` shares at least one LSH band:
    /// 1 − (1 − j^rows)^bands.
    static func detection(_ j: Double, bands: Int, rows: Int) -> Double {
        1 - pow(1 - pow(j, Double(rows)), Double(bands))
    }
}

import Foundation
import Testing

@testable import PreflightChecks

@Suite struct HashedFeaturesTests {
    @Test func rowsAreUnitLengthAndIdsDense() {
        let texts = ["Hello World", "hello  world hello", "a", "", "Ünïcödé text ok"]
        let features = HashedFeatures.extract(count: texts.count, config: FeatureConfig()) {
            texts[$0]
        }
        #expect(features.rows == texts.count)
        for r in 0..<features.rows {
            let row = features.values[features.offsets[r]..<features.offsets[r + 1]]
            let norm = row.reduce(0) { $0 + $1 * $1 }
            #expect(row.isEmpty ? r == 3 : abs(norm - 1) < 1e-5)
        }
        #expect(features.ids.allSatisfy { Int($0) < features.dimension })
        // Normalization: the first two texts share their unigram, bigram and char features.
        #expect(
            Set(features.ids[features.offsets[0]..<features.offsets[1]])
                .isSubset(of: Set(features.ids[features.offsets[1]..<features.offsets[2]])))
    }

    @Test func repeatedWordsGetSublinearWeight() {
        var config = FeatureConfig()
        config.charGrams = nil
        config.wordBigrams = false
        let features = HashedFeatures.extract(count: 1, config: config) { _ in "spam spam spam ham"
        }
        let values = features.values.map(abs).sorted()
        #expect(values.count == 2)
        // (1 + ln 3) : 1 before normalization.
        #expect(abs(values[1] / values[0] - (1 + Float(log(3.0)))) < 1e-5)
    }

    /// With `minDocumentFrequency` 2 a feature of one text only is dropped before weighting:
    /// "apple" stays in both rows, "banana" and "cherry" go, and a row of unique words is empty.
    @Test func featuresOfOneTextAreDroppedAtMinDocumentFrequencyTwo() {
        var config = FeatureConfig()
        config.charGrams = nil
        config.wordBigrams = false
        config.minDocumentFrequency = 2
        let texts = ["apple banana", "apple cherry apple", "durian"]
        let features = HashedFeatures.extract(count: texts.count, config: config) { texts[$0] }
        #expect(features.offsets == [0, 1, 2, 2])
        #expect(features.ids[0] == features.ids[1])
        #expect(features.values.count == 2)
        #expect(features.values.allSatisfy { abs(abs($0) - 1) < 1e-6 })
        var all = config
        all.minDocumentFrequency = 1
        let kept = HashedFeatures.extract(count: texts.count, config: all) { texts[$0] }
        #expect(kept.offsets == [0, 2, 4, 5])
    }

    /// The bit sets of repeated features, collected in parallel ranges and merged, equal one
    /// pass over all texts: exact on any number of cores.
    @Test func repeatedFeaturesDoNotDependOnTheSplit() {
        var config = FeatureConfig()
        config.charGrams = 3...4
        config.minDocumentFrequency = 2
        let texts = (0..<20_000).map { "id\($0) shared \($0 % 5_000) word\($0 % 7)" }
        let repeated = RepeatedFeatures.collect(
            count: texts.count, config: config, normalizer: .standard
        ) { texts[$0] }
        var once = [UInt64](repeating: 0, count: repeated.bits.count)
        var twice = once
        var extractor = FeatureExtractor(config: config)
        for text in texts {
            extractor.mark(text, once: &once, twice: &twice, shift: repeated.shift)
        }
        let same = twice == repeated.bits
        #expect(same)
        // "idN" is in one text: its word and its own n-grams are dropped.
        var all = config
        all.minDocumentFrequency = 1
        let kept = HashedFeatures.extract(count: texts.count, config: all) { texts[$0] }
        let features = HashedFeatures.extract(count: texts.count, config: config) { texts[$0] }
        #expect(features.nonZeros < kept.nonZeros)
    }

    @Test func parallelExtractionMatchesOneExtractor() {
        let texts = (0..<9_000).map { "record \($0 % 97) of \($0 % 13) words \($0)" }
        var config = FeatureConfig()
        config.charGrams = 3...3
        let features = HashedFeatures.extract(count: texts.count, config: config) { texts[$0] }
        var extractor = FeatureExtractor(config: config)
        var entries: [UInt32] = []
        var largeCounts: [Int: UInt32] = [:]
        var termScales: [Float] = []
        var offsets = [0]
        for text in texts {
            termScales.append(extractor.append(text, entries: &entries, largeCounts: &largeCounts))
            offsets.append(entries.count)
        }
        #expect(features.offsets == offsets)
        // Same entries up to the frequency renumbering and the IDF weighting that follows it.
        // (Bools, not arrays, in the expectations: a failing array comparison makes the test
        // library diff 100k-element arrays, which takes minutes.)
        var remapped = HashedFeatures(
            config: config, dimension: config.buckets, offsets: offsets, entries: entries,
            largeCounts: largeCounts, termScales: termScales)
        remapped.compact()
        remapped.weightByInverseDocumentFrequency()
        let sameIDs = remapped.ids == features.ids
        let sameValues = remapped.values == features.values
        #expect(sameIDs)
        #expect(sameValues)
    }

    /// A term count too large for its packed field (above 2047) keeps its exact weight.
    @Test func largeTermCountsKeepTheirWeight() {
        var config = FeatureConfig()
        config.charGrams = nil
        config.wordBigrams = false
        let text = Array(repeating: "spam", count: 3_000).joined(separator: " ") + " ham"
        let features = HashedFeatures.extract(count: 1, config: config) { _ in text }
        #expect(features.largeCounts.count == 1)
        let values = features.values.map(abs).sorted()
        #expect(values.count == 2)
        #expect(abs(values[1] / values[0] - (1 + Float(log(3_000.0)))) < 1e-5)
    }

    /// TF-IDF: in a row, a word every row has weighs less than a word only few rows have.
    @Test func commonFeaturesWeighLessThanRareOnes() {
        let texts = (0..<100).map { "common rare\($0 % 10)" }
        var config = FeatureConfig()
        config.wordBigrams = false
        config.charGrams = nil
        let features = HashedFeatures.extract(count: texts.count, config: config) { texts[$0] }
        // Ids are renumbered most frequent first: id 0 is "common", in all 100 rows.
        let row = features.offsets[0]..<features.offsets[1]
        #expect(row.count == 2)
        let common = row.first { features.ids[$0] == 0 }.map { abs(features.values[$0]) }
        let rare = row.first { features.ids[$0] != 0 }.map { abs(features.values[$0]) }
        #expect(common != nil && rare != nil)
        if let common, let rare {
            #expect(common < rare / 2)
            #expect(abs(common * common + rare * rare - 1) < 1e-5)
        }
    }
}

import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

struct RecordSketchTests {
    private func record(_ text: String, label: String? = nil, line: Int = 1, id: String? = nil)
        -> Record
    {
        Record(
            line: line, ordinal: line, id: id, input: text, example: text,
            label: label.map { LabelValue(text: $0) }, value: .null)
    }

    // MARK: - Content hash

    @Test func contentHashIsAFixedFunctionOfExampleAndLabel() {
        // Pinned values: the hash must not change across runs, machines or builds, or
        // sketches in older reports would no longer compare.
        #expect(RecordSketch.contentHash(record("hello world")) == 0xD322_3B6B_CC5A_A855)
        #expect(
            RecordSketch.contentHash(record("hello world", label: "greeting"))
                == 0xF358_C5ED_9D35_D647)
    }

    @Test func contentHashIgnoresPositionAndIdButNotTextOrLabel() {
        let base = RecordSketch.contentHash(record("refund please", label: "billing"))
        #expect(
            RecordSketch.contentHash(record("refund please", label: "billing", line: 90, id: "x"))
                == base)
        #expect(RecordSketch.contentHash(record("Refund please", label: "billing")) != base)
        #expect(RecordSketch.contentHash(record("refund please", label: "other")) != base)
        #expect(RecordSketch.contentHash(record("refund please")) != base)
        var numeric = record("refund please")
        numeric.label = LabelValue(text: "billing", isNumeric: true)
        #expect(RecordSketch.contentHash(numeric) != base)
        // Segment boundaries count: text "ab" + label "c" is not text "a" + label "bc".
        #expect(
            RecordSketch.contentHash(record("ab", label: "c"))
                != RecordSketch.contentHash(record("a", label: "bc")))
    }

    @Test func hasherReadsEveryTailLength() {
        var seen: Set<UInt64> = []
        var text = ""
        for _ in 0..<40 {
            var hasher = ContentHasher()
            hasher.combine(text)
            seen.insert(hasher.finalize())
            text += "x"
        }
        #expect(seen.count == 40)
    }

    // MARK: - Sketch

    @Test func sketchCountsDistinctValuesAndKeepsTheSmallest() {
        var generator = SplitMix(seed: 1)
        let values = generator.values(5_000)
        let sketch = RecordSketch(hashes: values + values.prefix(700) + [0, 0])
        #expect(sketch.distinct == 5_001)
        #expect(sketch.hashes == Array((values + [0]).sorted().prefix(RecordSketch.k)))
        let small = RecordSketch(hashes: [5, 3, 5, 9])
        #expect(small == RecordSketch(distinct: 3, hashes: [3, 5, 9]))
        #expect(RecordSketch(hashes: []) == RecordSketch(distinct: 0, hashes: []))
    }

    @Test func smallSplitsCompareExactly() {
        var generator = SplitMix(seed: 7)
        let kept = generator.values(600)
        let removed = generator.values(50)
        let added = generator.values(80)
        let old = RecordSketch(hashes: kept + removed)
        let new = RecordSketch(hashes: kept + added + kept.prefix(10))
        let change = RecordSketch.compare(old: old, new: new)
        #expect(
            change
                == RecordSketch.Change(
                    added: 80, removed: 50, common: 600, isExact: true, jaccardStandardError: 0,
                    standardError: 0))
    }

    @Test(arguments: [
        (150_000, 50_000, 70_000), (190_000, 10_000, 10_000), (20_000, 180_000, 5_000),
    ])
    func largeSplitsEstimateWithinThreeStandardErrors(common: Int, removed: Int, added: Int) {
        var generator = SplitMix(seed: UInt64(common))
        let shared = generator.values(common)
        let old = RecordSketch(hashes: shared + generator.values(removed))
        let new = RecordSketch(hashes: shared + generator.values(added))
        #expect(old.distinct == common + removed)
        let change = RecordSketch.compare(old: old, new: new)
        #expect(!change.isExact)
        #expect(change.standardError > 0)
        let error = Double(abs(change.added - added))
        #expect(error <= 3 * change.standardError, "\(change), true added \(added)")
        #expect(Double(abs(change.removed - removed)) <= 3 * change.standardError)
        // The relative error of J is about 1/√k.
        #expect(change.jaccardStandardError < 1 / Double(RecordSketch.k).squareRoot())
    }

    @Test func oneSmallAndOneLargeSplitStillEstimate() {
        var generator = SplitMix(seed: 3)
        let shared = generator.values(500)
        let old = RecordSketch(hashes: shared)
        let new = RecordSketch(hashes: shared + generator.values(99_500))
        let change = RecordSketch.compare(old: old, new: new)
        #expect(!change.isExact)
        #expect(change.removed >= 0 && change.added <= 100_000)
        #expect(Double(abs(change.added - 99_500)) <= 3 * max(change.standardError, 1))
    }

    // MARK: - Statistics

    @Test func splitStatisticsCarryTheSketch() {
        let records = ["a", "b", "a", "c"].enumerated().map { record($1, line: $0 + 1) }
        let file = InputFile(
            path: "train.jsonl", split: .train, splitSource: "flag", format: .jsonl,
            schema: DatasetSchema(shape: .text), sha256: "", byteCount: 0, records: records,
            issues: [])
        let stats = SplitStatistics.compute(Dataset(files: [file]))
        #expect(stats.first?.distinctRecords == 3)
        #expect(stats.first?.recordSketch == Set(records.map(RecordSketch.contentHash)).sorted())
        #expect(stats.first?.sketch?.distinct == 3)
    }
}

extension Tag {
    /// Large generated inputs; off the PR path (set `PREFLIGHT_PERF=1`, build in release).
    @Tag static var performance: Self
}

/// The cost of the record sketch on 330,000 classification records of ~320 bytes (the size of
/// `Benchmarks/run.sh 300000`): `SplitStatistics.compute` with and without the sketch. Run
/// with `PREFLIGHT_PERF=1 swift test -c release -Xswiftc -enable-testing`
/// `--filter RecordSketchPerformance`.
@Suite(
    .tags(.performance), .enabled(if: ProcessInfo.processInfo.environment["PREFLIGHT_PERF"] == "1"))
struct RecordSketchPerformance {
    @Test func sketchOfThreeHundredThirtyThousandRecords() {
        let words = ["refund", "parcel", "login", "invoice", "courier", "password", "tracking"]
        func records(_ count: Int, seed: Int) -> [Record] {
            (0..<count).map { i in
                var text = "message \(seed)-\(i):"
                var state = UInt64(i &+ seed &* 1_000_003) &* 0x9E37_79B9_7F4A_7C15 | 1
                while text.utf8.count < 300 {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    text += " " + words[Int(state >> 60) % words.count]
                }
                return Record(
                    line: i + 1, ordinal: i + 1, input: text, example: text,
                    label: LabelValue(text: "intent_\(i % 20)"), value: .null)
            }
        }
        func file(_ split: SplitRole, _ records: [Record]) -> InputFile {
            InputFile(
                path: "\(split).jsonl", split: split, splitSource: "flag", format: .jsonl,
                schema: DatasetSchema(shape: .classification), sha256: "", byteCount: 0,
                records: records, issues: [])
        }
        let dataset = Dataset(files: [
            file(.train, records(300_000, seed: 1)), file(.test, records(30_000, seed: 2)),
        ])
        let clock = ContinuousClock()
        var best = Duration.seconds(1_000)
        var stats: [SplitStatistics] = []
        for _ in 0..<5 {
            let time = clock.measure { stats = SplitStatistics.compute(dataset) }
            best = min(best, time)
        }
        // The same pass without the sketch: label counts only.
        var labelsOnly = Duration.seconds(1_000)
        for _ in 0..<5 {
            let time = clock.measure {
                for split in dataset.splits {
                    var counts: [String: Int] = [:]
                    for file in dataset.files(in: split) {
                        for record in file.records {
                            if let label = record.label { counts[label.text, default: 0] += 1 }
                        }
                    }
                    #expect(!counts.isEmpty)
                }
            }
            labelsOnly = min(labelsOnly, time)
        }
        print(
            "SplitStatistics.compute on 330,000 records: \(best) (label counts alone: "
                + "\(labelsOnly)); distinct \(stats.map { $0.distinctRecords ?? 0 })")
        #expect(stats.map(\.distinctRecords) == [300_000, 30_000])
    }
}

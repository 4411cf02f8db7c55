import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

/// `n` classification records of `label` whose texts have `words` words.
private func block(_ label: String, _ n: Int, words: Int = 4, prefix: String = "w") -> [String] {
    (0..<n).map { i in
        let text = (0..<words).map { "\(prefix)\(i)x\($0)" }.joined(separator: " ")
        return #"{"text": "\#(text)", "label": "\#(label)"}"#
    }
}

/// A train file and a test file from record lines.
private func splits(_ train: [String], _ test: [String], testName: String = "test.jsonl")
    -> String
{
    "--- train.jsonl\n" + train.joined(separator: "\n") + "\n--- \(testName)\n"
        + test.joined(separator: "\n")
}

@Suite struct SplitShiftCheckTests {
    /// Turns on the per-split class findings (off by default: label_hygiene reports each label).
    static let classFindings = "missing_class_severity: warning\nunseen_class_severity: warning\n"

    @Test func identicalDistributionsPass() throws {
        let train = block("a", 60, words: 3) + block("b", 60, words: 5) + block("c", 60, words: 8)
        let test = block("a", 20, words: 3) + block("b", 20, words: 5) + block("c", 20, words: 8)
        let result = try outcome(SplitShiftCheck.self, splits(train, test))
        #expect(result.findings.isEmpty)
        #expect(result.metrics["js_divergence.test"] == 0)
        #expect(result.metrics["ks_d.test"] == 0)
        #expect(result.metrics["ks_p.test"] == 1)
        #expect(result.metrics["chi2_p.test"]! > 0.999)
        #expect(result.metrics["missing_classes.test"] == 0)
        #expect(result.skippedReason == nil)
        #expect(result.summary.hasPrefix("1 held-out split compared with training"))
    }

    @Test func shiftedLabelsNameTheBiggestContributor() throws {
        // Shares: train account 50%, billing 12%, shipping 38%; test 25%, 31%, 44%.
        let train = block("account", 200) + block("billing", 48) + block("shipping", 152)
        let test = block("account", 50) + block("billing", 62) + block("shipping", 88)
        let result = try outcome(SplitShiftCheck.self, splits(train, test))
        #expect(result.findings.map(\.code) == ["label_shift"])
        let finding = result.findings[0]
        #expect(finding.severity == .warning)
        #expect(finding.location == nil)
        // JS, χ² and p as scipy gives them (see StatisticsTests).
        #expect(abs(finding.metrics["js_divergence"]! - 0.063_575_179_882_922_65) < 1e-12)
        #expect(abs(finding.metrics["chi2"]! - 47.454_545_454_545_45) < 1e-9)
        #expect(
            finding.message
                == "label distribution of 'test' differs from training: JS divergence 0.064 "
                + "(above 'max_js_divergence' 0.05), chi-square p = 5e-11 below 'min_p_value' "
                + "0.001; 'account' is 25.0% of 'test' but 50.0% of training, 'billing' is "
                + "31.0% of 'test' but 12.0% of training, 'shipping' is 44.0% of 'test' but "
                + "38.0% of training")
    }

    @Test func smallButSignificantLabelShiftIsInfo() throws {
        // JS 0.0167 (between min_js_effect and max_js_divergence), p 8.5e-7.
        let result = try outcome(
            SplitShiftCheck.self,
            splits(block("a", 400) + block("b", 400), block("a", 260) + block("b", 140)))
        #expect(result.findings.map(\.code) == ["label_shift"])
        #expect(result.findings[0].severity == .info)
        #expect(result.findings[0].message.contains("at or above 'min_js_effect' 0.01"))
    }

    @Test func largeLookingShiftOnATinySplitIsNotSignificant() throws {
        // 10 of 12 test records are 'a' against half of training: JS 0.12, but p 0.035.
        let result = try outcome(
            SplitShiftCheck.self,
            splits(block("a", 30) + block("b", 30), block("a", 10) + block("b", 2)))
        #expect(result.metrics["js_divergence.test"]! > 0.05)
        #expect(result.metrics["chi2_p.test"]! > 0.001)
        #expect(!result.findings.contains { $0.code == "label_shift" })
        // With 3 records every expected count is below 5: no chi-square p-value at all.
        let tiny = try outcome(
            SplitShiftCheck.self, splits(block("a", 30) + block("b", 30), block("a", 3)))
        #expect(tiny.metrics["chi2_p.test"] == nil)
        #expect(tiny.findings.isEmpty)
    }

    @Test func missingAndUnseenClasses() throws {
        let train = block("a", 10) + block("b", 10) + block("c", 3) + block("d", 5)
        let test = block("a", 5) + block("z", 2) + block("y", 1)
        let result = try outcome(
            SplitShiftCheck.self, splits(train, test),
            options: Self.classFindings + "min_p_value: 0.000001")
        #expect(
            result.findings.map(\.code) == [
                "class_missing_from_heldout", "class_unseen_in_training",
            ])
        #expect(
            result.findings[0].message
                == "'test' has no records of 3 of 4 training classes (64.3% of training records): "
                + "'b' (10 training records), 'd' (5 training records), 'c' (3 training records)")
        #expect(
            result.findings[1].message
                == "'test' has 2 classes that training never shows (37.5% of its records): "
                + "'z' (2 records), 'y' (1 record)")
        #expect(result.metrics["missing_classes.test"] == 3)
        #expect(result.metrics["unseen_classes.test"] == 2)
        #expect(result.findings.allSatisfy { $0.severity == .warning })

        let quiet = try outcome(
            SplitShiftCheck.self, splits(train, test),
            options:
                "min_p_value: 0.000001\nmissing_class_severity: info\nunseen_class_severity: off")
        #expect(quiet.findings.map(\.code) == ["class_missing_from_heldout"])
        #expect(quiet.findings[0].severity == .info)
    }

    @Test func classFindingsAreOffByDefaultButCounted() throws {
        // label_hygiene reports each missing or unseen label; split_shift only counts them.
        let result = try outcome(
            SplitShiftCheck.self,
            splits(block("a", 5) + block("b", 5), block("a", 5) + block("c", 1)))
        #expect(result.findings.isEmpty)
        #expect(result.metrics["missing_classes.test"] == 1)
        #expect(result.metrics["unseen_classes.test"] == 1)
    }

    @Test func longClassListsAreCut() throws {
        let train = (0..<8).flatMap { block("c\($0)", 2) } + block("kept", 4)
        let result = try outcome(
            SplitShiftCheck.self, splits(train, block("kept", 4)), options: Self.classFindings)
        let missing = result.findings.first { $0.code == "class_missing_from_heldout" }!
        #expect(missing.message.hasSuffix("'c4' (2 training records) and 3 more"))
    }

    @Test func lengthShift() throws {
        let train = block("a", 100, words: 20) + block("b", 100, words: 24)
        let test = block("a", 50, words: 5) + block("b", 50, words: 6)
        let result = try outcome(SplitShiftCheck.self, splits(train, test))
        #expect(result.findings.map(\.code) == ["length_shift"])
        #expect(result.metrics["ks_d.test"] == 1)
        #expect(result.metrics["ks_p.test"]! < 1e-20)
        #expect(
            result.findings[0].message.hasSuffix(
                "median 5.50 words in 'test' vs 22 in training"))
        #expect(
            result.findings[0].message.hasPrefix(
                "input lengths of 'test' differ from training: KS D 1.000"))
    }

    @Test func bigSamplesWithATinyShiftDoNotFlag() throws {
        // 20,000 records per split: 53% vs 50% of 'a' is highly significant (p ≈ 2e-9) but
        // JS 0.00065 is below min_js_effect; lengths shift by one word in 3% of records
        // (D = 0.03, p ≈ 1e-8), below min_ks_effect.
        let train = block("a", 10_000, words: 3) + block("b", 10_000, words: 3)
        let test =
            block("a", 10_000, words: 3) + block("a", 600, words: 4) + block("b", 9_400, words: 3)
        let result = try outcome(SplitShiftCheck.self, splits(train, test))
        #expect(result.metrics["chi2_p.test"]! < 1e-8)
        #expect(result.metrics["js_divergence.test"]! < 0.001)
        #expect(abs(result.metrics["ks_d.test"]! - 0.03) < 1e-12)
        #expect(result.metrics["ks_p.test"]! < 1e-6)
        #expect(result.findings.isEmpty)
    }

    @Test func noHeldOutSplitIsSkippedWithThePrerequisite() throws {
        let result = try outcome(SplitShiftCheck.self, block("a", 5).joined(separator: "\n"))
        #expect(result.findings.isEmpty)
        #expect(result.skippedReason?.contains("no held-out split to compare") == true)
        #expect(result.skippedReason?.contains("held-out validation and regression sets") == true)
        #expect(result.skippedReason?.contains("--validation") == true)
        let noTrain = try outcome(
            SplitShiftCheck.self, "--- test.jsonl\n" + block("a", 5).joined(separator: "\n"))
        #expect(noTrain.skippedReason == "no training split to compare held-out splits with")
        #expect(SplitShiftCheck.descriptor.prerequisites == [.heldOutSets, .representative])
    }

    @Test func unlabelledDataComparesLengthsOnly() throws {
        let train = (0..<50).map { #"{"text": "one two three four \#($0)"}"# }
        let test = (0..<50).map { #"{"text": "x\#($0)"}"# }
        let result = try outcome(SplitShiftCheck.self, splits(train, test))
        #expect(result.findings.map(\.code) == ["length_shift"])
        #expect(result.metrics["js_divergence.test"] == nil)
        #expect(result.tables.map(\.id) == ["split_comparison", "slice_shares"])
    }

    @Test func tablesCompareEverySplit() throws {
        let labels = (0..<25).map { "l\($0)" }
        let train = labels.enumerated().flatMap { block($1, 10 + $0) }
        let validation = labels.flatMap { block($0, 4) }
        let test = labels.prefix(24).flatMap { block($0, 3) } + block("new", 2)
        let text =
            splits(train, validation, testName: "validation.jsonl") + "\n--- test.jsonl\n"
            + test.joined(separator: "\n")
        let result = try outcome(SplitShiftCheck.self, text)
        let table = result.tables.first { $0.id == "label_distribution" }!
        #expect(table.columns == ["label", "train", "validation", "test"])
        #expect(table.rows.count == 20)
        #expect(table.note!.contains("the 20 of 26 labels that differ most"))
        // 'l24' (train 34/550, test 0) differs most.
        #expect(table.rows[0][0] == .text("l24"))
        #expect(table.rows[0][3] == .share(0))
        let comparison = result.tables.first { $0.id == "split_comparison" }!
        #expect(
            comparison.columns == [
                "split", "records", "JS divergence", "chi-square p", "KS D", "KS p",
            ])
        #expect(comparison.rows.map { $0[0] } == [.text("validation"), .text("test")])
        #expect(comparison.rows[1][1] == .count(74))
        #expect(comparison.rows[1][2] == .number(result.metrics["js_divergence.test"]!))
        #expect(comparison.note!.contains("chi-square pooled"))
    }

    @Test func deterministic() throws {
        let train = block("a", 40, words: 3) + block("b", 10, words: 9) + block("c", 5)
        let test = block("a", 5, words: 2) + block("b", 30, words: 4) + block("q", 3)
        let first = try outcome(SplitShiftCheck.self, splits(train, test))
        for _ in 0..<3 {
            let again = try outcome(SplitShiftCheck.self, splits(train, test))
            #expect(again.findings == first.findings)
            #expect(again.tables == first.tables)
            #expect(again.metrics == first.metrics)
            #expect(again.summary == first.summary)
        }
    }

    @Test func optionsAreValidated() {
        #expect(throws: RulesError.self) {
            try outcome(
                SplitShiftCheck.self, block("a", 2).joined(separator: "\n"),
                options: "min_js_effect: 0.2\nmax_js_divergence: 0.1")
        }
        #expect(throws: RulesError.self) {
            try outcome(
                SplitShiftCheck.self, block("a", 2).joined(separator: "\n"),
                options: "min_p_value: 2")
        }
    }

    @Test func wordCountsBytes() {
        #expect(SplitShiftCheck.wordCount("") == 0)
        #expect(SplitShiftCheck.wordCount("  one\ttwo\nthree  ") == 3)
        #expect(SplitShiftCheck.wordCount("héllo wörld ✓") == 3)
        #expect(SplitShiftCheck.wordCount("a\u{00A0}b") == 1)
    }

    @Test func branchFreeWordCountMatchesSplittingOnRandomTexts() {
        var rng = SplitMix(seed: 9)
        let pieces = [
            "a", "bc", " ", "  ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1F}", "é", "\u{00A0}",
        ]
        for _ in 0..<1_000 {
            var text = ""
            for _ in 0..<rng.int(0..<16) { text += pieces[rng.int(0..<pieces.count)] }
            let words = Array(text.utf8).split { $0 == 0x20 || (0x09...0x0D).contains($0) }.count
            #expect(SplitShiftCheck.wordCount(text) == words, "\(Array(text.utf8))")
        }
    }

    /// The 8-byte `wordCount(bytes:)` against the byte-by-byte count it replaced, on random
    /// bytes of every kind (whitespace, its neighbours 0x08/0x0E/0x1F/0x21, high bytes whose
    /// low seven bits are whitespace: 0x89, 0xA0, 0xA9).
    @Test func eightByteWordCountMatchesTheByteLoop() {
        var rng = SplitMix(seed: 31)
        let alphabet: [UInt8] = [
            0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x08, 0x0E, 0x1F, 0x21, 0x00, 0x61, 0x5A, 0x7F,
            0x80, 0x89, 0x8A, 0xA0, 0xA9, 0xC2, 0xE3, 0xFF,
        ]
        for _ in 0..<20_000 {
            let bytes = (0..<rng.int(0..<40)).map { _ in
                rng.int(0..<4) == 0
                    ? UInt8(rng.int(0..<256)) : alphabet[rng.int(0..<alphabet.count)]
            }
            var expected = 0
            var previousSpace = true
            for b in bytes {
                let space = b == 0x20 || (0x09...0x0D).contains(b)
                if previousSpace && !space { expected += 1 }
                previousSpace = space
            }
            let got = bytes.withUnsafeBufferPointer { SplitShiftCheck.wordCount(bytes: $0) }
            #expect(got == expected, "\(bytes)")
        }
    }

    /// The words `TextFeatures` measures equal `wordCount` on ASCII inputs (what the length
    /// comparison relies on), and `sortedCounts` equals `sorted()`.
    @Test func measuredWordsAndCountingSortMatchTheReference() {
        var rng = SplitMix(seed: 32)
        let pieces = [
            "a", "Bc", "12", " ", "  ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1F}", ".",
            "()", "<b>", "x@y.zz", "http://", "é", "\u{00A0}", "\u{3000}", "日本",
        ]
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<rng.int(0..<24) { text += pieces[rng.int(0..<pieces.count)] }
            let features = TextFeatures(text)
            if !features.flags.contains(.nonASCII) {
                #expect(features.words == SplitShiftCheck.wordCount(text), "\(Array(text.utf8))")
            } else {
                #expect(text.utf8.contains { $0 >= 0x80 })
            }
        }
        for _ in 0..<2_000 {
            let largest = [0, 1, 5, 100, 50_000][rng.int(0..<5)]
            let counts = (0..<rng.int(0..<200)).map { _ in rng.int(0..<(largest + 1)) }
            #expect(SplitShiftCheck.sortedCounts(counts) == counts.sorted())
        }
    }

    /// The length comparison from measured features equals counting every input again, on
    /// a dataset of ASCII and non-ASCII inputs in several files per split.
    @Test func sortedWordCountsFromFeaturesMatchCountingAgain() throws {
        var rng = SplitMix(seed: 33)
        let pieces = ["w", "Word", " ", "  ", "\\t", "\\n", "é", "\u{00A0}", "日本", "a.b", "12"]
        func file(_ n: Int) -> String {
            (0..<n).map { _ in
                var text = ""
                for _ in 0..<rng.int(0..<12) { text += pieces[rng.int(0..<pieces.count)] }
                return #"{"text": "\#(text)", "label": "a"}"#
            }.joined(separator: "\n")
        }
        let files =
            "--- train.jsonl\n\(file(300))\n--- validation.jsonl\n\(file(50))\n"
            + "--- test.jsonl\n\(file(80))\n--- more.test.jsonl\n\(file(40))"
        let dataset = FixtureDataset.make(CheckExampleRunner.parse(files).files)
        let layout = DatasetLayout(dataset)
        let features = SliceMemberships(dataset: dataset, slices: []).features
        for split in dataset.splits {
            #expect(
                SplitShiftCheck.sortedWordCounts(
                    dataset, split, layout: layout, features: features)
                    == SplitShiftCheck.sortedWordCounts(dataset, split))
        }
    }

    @Test func sliceSharesExtensionPoint() {
        let counts = SplitShiftCheck.SliceCounts(
            slices: ["short", "has_url"],
            counts: [.train: [50, 10], .test: [5, 0], .validation: [4, 1]],
            totals: [.train: 100, .test: 10, .validation: 8])
        let (shares, missing) = SplitShiftCheck.sliceShares(counts, minTrainShare: 0.05)
        #expect(shares.count == 4)
        #expect(
            shares[0]
                == .init(slice: "short", split: .validation, trainShare: 0.5, heldOutShare: 0.5))
        #expect(
            missing == [.init(slice: "has_url", split: .test, trainShare: 0.1, heldOutShare: 0)])
    }
}

/// clinc150 from `../shared/data`; skipped when absent. The pinned numbers come from
/// `scripts/crosscheck-split-shift.py` (plain Python: closed-form chi-square survival,
/// brute-force KS, alternating Kolmogorov series; they agree with scipy 1.17's
/// `chi2_contingency` and `special.kolmogorov` to the digits printed).
@Suite(.enabled(if: RepositoryPaths.sharedData("clinc150") != nil, "needs ../shared/data/clinc150"))
struct SplitShiftRealDataTests {
    static func run(_ files: [(String, SplitRole)]) throws -> CheckOutcome {
        let folder = RepositoryPaths.sharedData("clinc150")!
        let inputs = try files.map { file, split in
            (
                name: file, split: split,
                jsonl: try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            )
        }
        return try CheckExampleRunner.run(SplitShiftCheck.self, on: FixtureDataset.make(inputs))
    }

    @Test func clinc150TrainAgainstValidationAndTest() throws {
        let result = try Self.run([
            ("train.jsonl", .train), ("validation.jsonl", .validation), ("test.jsonl", .test),
        ])
        let m = result.metrics
        // Validation: 20 per intent and oos 100 against 100 each — no shift worth reporting.
        #expect(abs(m["js_divergence.validation"]! - 0.006_760_535_6) < 1e-10)
        #expect(abs(m["chi2_p.validation"]! - 0.361_899_3) < 1e-6)
        #expect(abs(m["ks_d.validation"]! - 0.027_737_662_9) < 1e-10)
        #expect(abs(m["ks_p.validation"]! - 0.037_493_18) < 1e-7)
        // Test: oos is 1,000 of 5,500 (18.2%) against 100 of 15,100 (0.7%), by the dataset's
        // design — a real label shift, reported with 'oos' as its biggest contributor.
        #expect(abs(m["js_divergence.test"]! - 0.079_653_346_9) < 1e-10)
        #expect(m["chi2_p.test"]! < 1e-300)
        #expect(abs(m["ks_d.test"]! - 0.007_868_753_8) < 1e-10)
        #expect(abs(m["ks_p.test"]! - 0.963_572_7) < 1e-6)
        #expect(result.findings.map(\.code) == ["label_shift"])
        #expect(result.findings[0].message.contains("of 'test' differs from training"))
        #expect(
            result.findings[0].message.contains("'oos' is 18.2% of 'test' but 0.7% of training"))
    }

    @Test func clinc150ImbalancedTrainAgainstTest() throws {
        let result = try Self.run([("train_imbalanced.jsonl", .train), ("test.jsonl", .test)])
        #expect(abs(result.metrics["js_divergence.test"]! - 0.108_468_486_5) < 1e-10)
        #expect(result.metrics["chi2_p.test"]! < 1e-300)
        #expect(abs(result.metrics["ks_d.test"]! - 0.013_522_994_7) < 1e-10)
        #expect(abs(result.metrics["ks_p.test"]! - 0.518_773_6) < 1e-6)
        #expect(result.findings.map(\.code) == ["label_shift"])
        #expect(result.findings[0].severity == .warning)
    }
}

// MARK: - Slice shares

/// `n` training records and `m` test records; the first `a` / `b` of them mention a refund.
private func sliceData(train n: Int, refunds a: Int, test m: Int, refunds b: Int) -> String {
    var lines = ["--- train.jsonl"]
    for i in 0..<n {
        lines.append(
            #"{"text": "\#(i < a ? "please refund order" : "my parcel is late") \#(i)", "label": "x"}"#
        )
    }
    lines.append("--- test.jsonl")
    for i in 0..<m {
        lines.append(
            #"{"text": "\#(i < b ? "please refund order" : "my parcel is late") \#(i)", "label": "x"}"#
        )
    }
    return lines.joined(separator: "\n")
}

private let refundSlice = """
    coverage:
      slices:
        refunds: {where: {keywords: [refund]}}
    """

private func shift(_ files: String, options: String = "", rules: String = refundSlice) throws
    -> CheckOutcome
{
    let parsed = CheckExampleRunner.parse(files)
    return try CheckExampleRunner.run(
        SplitShiftCheck.self, options: options, rules: rules, on: FixtureDataset.make(parsed.files))
}

@Test func sliceShiftNeedsALargeAndSignificantDifference() throws {
    // 10% of training vs 40% of test, 400 and 200 records: large and significant.
    let large = try shift(sliceData(train: 400, refunds: 40, test: 200, refunds: 80))
    let findings = large.findings.filter { $0.code == "slice_shift" }
    #expect(findings.count == 1)
    #expect(findings.first?.severity == .info)
    #expect(
        findings.first?.message.hasPrefix(
            "slice 'refunds' is 40.0% of 'test' but 10.0% of training (a difference of 30 points")
            == true)
    #expect(large.metrics["slice_share.refunds.test"] == 0.4)
    // 10% vs 15%: significant-looking at this size but below the 10-point floor.
    let small = try shift(sliceData(train: 4000, refunds: 400, test: 2000, refunds: 300))
    #expect(!small.findings.contains { $0.code == "slice_shift" })
    // 10% vs 40% on 10 test records: large but not significant at p < 0.001.
    let few = try shift(sliceData(train: 100, refunds: 10, test: 10, refunds: 4))
    #expect(!few.findings.contains { $0.code == "slice_shift" })
}

@Test func sliceShiftSeverityIsAnOption() throws {
    let data = sliceData(train: 400, refunds: 40, test: 200, refunds: 80)
    let warning = try shift(data, options: "slice_shift_severity: warning")
    #expect(warning.findings.filter { $0.code == "slice_shift" }.map(\.severity) == [.warning])
    let off = try shift(data, options: "slice_shift_severity: off")
    #expect(!off.findings.contains { $0.code.hasPrefix("slice_") })
}

@Test func declaredSliceAbsentFromHeldOut() throws {
    // 10% of training; 40 test records should hold 4.
    let absent = try shift(sliceData(train: 100, refunds: 10, test: 40, refunds: 0))
    let finding = absent.findings.first { $0.code == "slice_absent_from_heldout" }
    #expect(
        finding?.message
            == "slice 'refunds' has no records in 'test', though it is 10.0% of training (about 4 expected at that share)"
    )
    // 20 test records should hold 2: below min_expected_slice_records 3.
    let fewer = try shift(sliceData(train: 100, refunds: 10, test: 20, refunds: 0))
    #expect(!fewer.findings.contains { $0.code == "slice_absent_from_heldout" })
}

@Test func sliceSharesTable() throws {
    let outcome = try shift(sliceData(train: 10, refunds: 5, test: 4, refunds: 1))
    let table = try #require(outcome.tables.first { $0.id == "slice_shares" })
    #expect(table.columns == ["slice", "kind", "train", "test"])
    #expect(table.rows.first == [.text("refunds"), .text("declared"), .share(0.5), .share(0.25)])
    // Automatic slices no split has are left out.
    #expect(!table.rows.contains { $0.first == .text("url") })
    #expect(table.rows.contains { $0.first == .text("script_latin") })
}

@Test func twoProportionPValue() {
    // 40/400 vs 80/200: z ≈ 8.6.
    let p = SplitShiftCheck.twoProportionPValue(0.1, 400, 0.4, 200)!
    #expect(p < 1e-15)
    // Equal shares: p = 1.
    #expect(SplitShiftCheck.twoProportionPValue(0.3, 50, 0.3, 50)! > 0.999)
    #expect(SplitShiftCheck.twoProportionPValue(0, 50, 0, 50) == nil)
    // 10/100 vs 20/100: z ≈ 1.98, p ≈ 0.048.
    let q = SplitShiftCheck.twoProportionPValue(0.1, 100, 0.2, 100)!
    #expect(abs(q - 0.0477) < 0.001)
}

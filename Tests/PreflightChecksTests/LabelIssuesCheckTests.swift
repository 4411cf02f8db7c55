import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

/// Generated classification data with class-specific vocabularies and labels flipped at
/// random, so the flipped set is the ground truth for label-error detection.
struct NoisyLabels {
    var jsonl: String
    /// 1-based lines of the flipped records.
    var flipped: Set<Int>
    var records: Int

    /// - Parameters:
    ///   - vocabularies: per class, the name of its vocabulary; classes sharing a name draw
    ///     their words from one vocabulary (the data cannot tell them apart).
    ///   - signal: the chance that a word comes from the class vocabulary rather than the
    ///     shared one.
    static func make(
        records: Int, flipRate: Double, classes: [String], vocabularies: [String]? = nil,
        signal: Double = 0.5, seed: UInt64 = 7
    ) -> NoisyLabels {
        var rng = SplitMix(seed: seed)
        let vocab = vocabularies ?? classes
        var lines: [String] = []
        var flipped = Set<Int>()
        for r in 0..<records {
            let c = r % classes.count
            let words = (0..<10).map { _ in
                rng.unit() < signal
                    ? "\(vocab[c])\(rng.int(0..<40))" : "common\(rng.int(0..<60))"
            }
            var label = c
            if rng.unit() < flipRate {
                label = (c + 1 + rng.int(0..<(classes.count - 1))) % classes.count
                flipped.insert(r + 1)
            }
            lines.append(
                #"{"text": "\#(words.joined(separator: " "))", "label": "\#(classes[label])"}"#)
        }
        return NoisyLabels(
            jsonl: lines.joined(separator: "\n"), flipped: flipped, records: records)
    }
}

struct LabelIssuesCheckTests {
    static let classes = ["account", "billing", "delivery", "technical"]

    // MARK: - Quality on generated flips

    /// 3% of 2,000 labels flipped at random across 4 classes with their own vocabularies;
    /// `signal` is the share of words from the class vocabulary (the rest are shared), so a
    /// lower signal is a harder task. Floors are below the measured figures (printed).
    @Test(arguments: [(0.5, 0.9), (0.25, 0.6)])
    func findsGeneratedFlips(signal: Double, floor: Double) throws {
        let data = NoisyLabels.make(
            records: 2000, flipRate: 0.03, classes: Self.classes, signal: signal)
        let result = try outcome(
            LabelIssuesCheck.self, data.jsonl, options: "max_findings: 100000")
        let flagged = Set(result.findings.compactMap { $0.location?.line })
        let hits = flagged.intersection(data.flipped).count
        let precision = flagged.isEmpty ? 0 : Double(hits) / Double(flagged.count)
        let recall = Double(hits) / Double(data.flipped.count)
        print(
            "label_issues on generated flips (signal \(signal)): \(data.flipped.count) flipped of \(data.records), "
                + "\(flagged.count) flagged, precision \(precision), recall \(recall), "
                + "oos accuracy \(result.metrics["oos_accuracy"] ?? -1), estimated noise rate "
                + "\(result.metrics["estimated_noise_rate"] ?? -1)")
        #expect(precision >= floor)
        #expect(recall >= floor)
        #expect(result.metrics["flagged"] == Double(flagged.count))
        let rate = try #require(result.metrics["estimated_noise_rate"])
        #expect(abs(rate - Double(data.flipped.count) / 2000) < 0.03)
    }

    // MARK: - Findings

    static let example = LabelIssuesCheck.descriptor.examples[1]

    @Test func findingNamesBothProbabilitiesTheRankAndTheRate() throws {
        let result = try outcome(
            LabelIssuesCheck.self, Self.example.jsonl.replacingOccurrences(of: "↓", with: ""),
            options: "min_records: 10")
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(finding.code == "likely_mislabeled")
        #expect(finding.location?.line == 13)
        #expect(
            finding.message.hasPrefix("label 'delivery' looks wrong: the model trained without"))
        #expect(finding.message.contains(" and 'billing' "))
        #expect(finding.message.contains("(rank 1 of 1 by self-confidence)"))
        #expect(finding.message.contains("'warning_rate' 5.0%"))
        #expect(finding.hint?.contains("relabel as 'billing'") == true)
        #expect(finding.metrics["rank"] == 1)
        let given = try #require(finding.metrics["given_probability"])
        let suggested = try #require(finding.metrics["suggested_probability"])
        #expect(given < suggested)
        #expect(abs(finding.metrics["margin"]! - (suggested - given)) < 1e-9)
        // 1 of 20 records: about 5% estimated noise, at warning_rate 5%, below error_rate 15%.
        #expect(finding.severity == .warning)
        #expect(abs(result.metrics["estimated_noise_rate"]! - 1.0 / 20) < 0.02)
        #expect(result.metrics["records_scored"] == 20)
        #expect(result.metrics["noise_rate.billing"] != nil)
        #expect(result.summary.contains("out-of-sample accuracy"))
    }

    @Test func severityFollowsTheEstimatedNoiseRate() throws {
        let text = Self.example.jsonl.replacingOccurrences(of: "↓", with: "")
        let info = try outcome(
            LabelIssuesCheck.self, text, options: "min_records: 10\nwarning_rate: 0.1")
        #expect(info.findings.map(\.severity) == [.info])
        #expect(info.findings[0].message.contains("below 'warning_rate' 10.0%"))
        let error = try outcome(
            LabelIssuesCheck.self, text,
            options: "min_records: 10\nwarning_rate: 0.02\nerror_rate: 0.04")
        #expect(error.findings.map(\.severity) == [.error])
        // `severity: warning` in the rules caps errors at warning.
        let capped = try outcome(
            LabelIssuesCheck.self, text,
            options: "min_records: 10\nwarning_rate: 0.02\nerror_rate: 0.04\nseverity: warning")
        #expect(capped.findings.map(\.severity) == [.warning])
    }

    @Test func maxFindingsKeepsTheTopRankedAndMetricsCountAll() throws {
        let data = NoisyLabels.make(records: 400, flipRate: 0.05, classes: Self.classes)
        let all = try outcome(LabelIssuesCheck.self, data.jsonl)
        let flagged = try #require(all.metrics["flagged"])
        #expect(flagged >= 5)
        let top = try outcome(LabelIssuesCheck.self, data.jsonl, options: "max_findings: 3")
        #expect(top.findings.count == 3)
        #expect(top.metrics["flagged"] == flagged)
        #expect(Set(top.findings.compactMap { $0.metrics["rank"] }) == [1, 2, 3])
        let byRank = all.findings.sorted { $0.metrics["rank"]! < $1.metrics["rank"]! }
        #expect(
            Set(top.findings.compactMap(\.location?.line))
                == Set(byRank.prefix(3).compactMap(\.location?.line)))
        #expect(top.summary.contains("the 3 top-ranked reported"))
        let none = try outcome(LabelIssuesCheck.self, data.jsonl, options: "max_findings: 0")
        #expect(none.findings.isEmpty)
    }

    @Test func rankByOrdersTheSameFlags() throws {
        let data = NoisyLabels.make(records: 400, flipRate: 0.05, classes: Self.classes)
        let a = try outcome(LabelIssuesCheck.self, data.jsonl)
        let b = try outcome(
            LabelIssuesCheck.self, data.jsonl, options: "rank_by: normalized_margin")
        #expect(Set(a.findings.compactMap(\.location)) == Set(b.findings.compactMap(\.location)))
        #expect(b.findings.allSatisfy { $0.message.contains("by normalized margin") })
        // Self-confidence ranks ascending by the given label's probability.
        let ordered = a.findings.sorted { $0.metrics["rank"]! < $1.metrics["rank"]! }
        let given = ordered.map { $0.metrics["given_probability"]! }
        #expect(given == given.sorted())
    }

    /// Both prunings flag generated flips; prune by noise rate reads the same estimate.
    @Test func pruneByNoiseRateIsAnOption() throws {
        let data = NoisyLabels.make(records: 400, flipRate: 0.05, classes: Self.classes)
        let byClass = try outcome(LabelIssuesCheck.self, data.jsonl)
        let byRate = try outcome(
            LabelIssuesCheck.self, data.jsonl, options: "prune_by: noise_rate")
        #expect(!byClass.findings.isEmpty && !byRate.findings.isEmpty)
        #expect(byClass.metrics["estimated_noise_rate"] == byRate.metrics["estimated_noise_rate"])
    }

    @Test func sameInputAndSeedGiveTheSameRankedList() throws {
        let data = NoisyLabels.make(records: 400, flipRate: 0.05, classes: Self.classes)
        let a = try outcome(LabelIssuesCheck.self, data.jsonl)
        let b = try outcome(LabelIssuesCheck.self, data.jsonl)
        #expect(a.findings == b.findings)
        #expect(a.metrics == b.metrics)
    }

    // MARK: - When the estimate would mean little

    @Test func skipsBelowMinRecords() throws {
        let result = try outcome(
            LabelIssuesCheck.self, Self.example.jsonl.replacingOccurrences(of: "↓", with: ""))
        #expect(result.findings.isEmpty)
        #expect(
            result.skippedReason
                == "20 labelled training records, below 'min_records' 100: too few to estimate label noise meaningfully"
        )
    }

    @Test func skipsWithOneClass() throws {
        let text = jsonl((0..<120).map { ("text number \($0)", "only") })
        let result = try outcome(LabelIssuesCheck.self, text)
        #expect(result.skippedReason?.hasPrefix("fewer than 2 classes") == true)
    }

    @Test func skipsWhenTheModelIsNoBetterThanChance() throws {
        // Labels independent of the text: out-of-sample accuracy near 1/4.
        var rng = SplitMix(seed: 3)
        let rows = (0..<200).map { i in
            (
                (0..<8).map { _ in "w\(rng.int(0..<50))" }.joined(separator: " "),
                Self.classes[rng.int(0..<4)]
            )
        }
        let result = try outcome(LabelIssuesCheck.self, jsonl(rows))
        #expect(result.findings.isEmpty)
        let reason = try #require(result.skippedReason)
        #expect(reason.hasPrefix("out-of-sample accuracy"))
        #expect(reason.contains("below 'min_accuracy' 50.0%"))
        #expect(reason.contains("naive Bayes") || reason.contains("classifier"))
        #expect(result.metrics["oos_accuracy"]! < 0.5)
    }

    @Test func skipsUnlabelledDataAndHeldOutOnlyData() throws {
        let chat = #"{"messages": [{"role": "user", "content": "hi"}]}"#
        #expect(try outcome(LabelIssuesCheck.self, chat).skippedReason == "no labelled input")
        let heldOut = "--- test.jsonl\n" + jsonl([("a", "x"), ("b", "y")])
        #expect(try outcome(LabelIssuesCheck.self, heldOut).skippedReason != nil)
    }

    /// Only training records are scored: held-out records are never flagged.
    @Test func heldOutRecordsAreNotScored() throws {
        let data = NoisyLabels.make(records: 200, flipRate: 0.05, classes: Self.classes)
        let text =
            "--- train.jsonl\n\(data.jsonl)\n--- test.jsonl\n" + jsonl([("billing3", "account")])
        let result = try outcome(LabelIssuesCheck.self, text)
        #expect(result.metrics["records_scored"] == 200)
        #expect(result.findings.allSatisfy { $0.location?.split == "train" })
    }

    // MARK: - Options

    @Test(arguments: [
        "warning_rate: 0.2\nerror_rate: 0.1", "warning_rate: 0.1\nerror_rate: 0.1",
        "error_rate: 1.5", "folds: 1", "seed: -1", "min_accuracy: 2", "min_records: -1",
        "max_findings: -1", "rank_by: margin", "prune_by: both",
    ])
    func badOptionsAreRejected(_ options: String) {
        #expect(throws: RulesError.self, "\(options)") {
            try outcome(LabelIssuesCheck.self, #"{"text": "a", "label": "x"}"#, options: options)
        }
    }

    @Test func orderingErrorNamesBothKeys() {
        do {
            _ = try outcome(
                LabelIssuesCheck.self, #"{"text": "a", "label": "x"}"#,
                options: "warning_rate: 0.2\nerror_rate: 0.1")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("'warning_rate' (0.2) must be below 'error_rate' (0.1)"))
        }
    }
}

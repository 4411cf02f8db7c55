import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

struct ClassConfusionCheckTests {
    /// 'billing' and 'refund' draw from one vocabulary; 'delivery' and 'technical' have their own.
    static let overlapping = NoisyLabels.make(
        records: 800, flipRate: 0, classes: ["billing", "delivery", "refund", "technical"],
        vocabularies: ["money", "parcel", "money", "router"])

    @Test func reportsClassesTheDataCannotSeparate() throws {
        let result = try outcome(ClassConfusionCheck.self, Self.overlapping.jsonl)
        #expect(result.skippedReason == nil)
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1, "\(result.findings.map(\.message))")
        #expect(finding.code == "unclear_boundary")
        #expect(finding.location == nil)
        #expect(finding.severity == .warning)
        #expect(
            finding.message.hasPrefix(
                "unclear boundary between 'billing' and 'refund': an estimated "))
        #expect(finding.message.contains("at or above 'min_confusion' 10.0%"))
        #expect(!finding.message.contains("near-copy"))  // none: the clause is left out
        #expect(finding.metrics["rank"] == 1)
        #expect(finding.metrics["confusion"]! >= 0.1)
        #expect(finding.hint?.isEmpty == false)
        #expect(result.metrics["pairs"] == 1)
        #expect(result.summary.hasPrefix("1 class pair with an unclear boundary; built-in"))
    }

    @Test func minConfusionRaisesTheBar() throws {
        let result = try outcome(
            ClassConfusionCheck.self, Self.overlapping.jsonl, options: "min_confusion: 5")
        #expect(result.findings.isEmpty)
        #expect(result.summary.hasPrefix("no class pair with an unclear boundary"))
    }

    @Test func separableClassesPass() throws {
        let data = NoisyLabels.make(
            records: 400, flipRate: 0, classes: ["billing", "delivery", "technical"])
        let result = try outcome(ClassConfusionCheck.self, data.jsonl)
        #expect(result.findings.isEmpty)
        #expect(result.metrics["max_confusion"]! < 0.1)
    }

    /// Small data: the estimate is skipped (and the summary says why), the near part runs.
    @Test func nearCopiesAcrossLabelsStillCountWhenTheEstimateIsSkipped() throws {
        let example = ClassConfusionCheck.descriptor.examples[1].jsonl
        let result = try outcome(ClassConfusionCheck.self, example)
        #expect(result.findings.count == 1)
        let finding = result.findings[0]
        #expect(
            finding.message
                == "unclear boundary between 'billing' and 'refund': 3 near-copy pairs of training records carry one label each, at or above 'min_near_pairs' 3"
        )
        #expect(finding.metrics["near_pairs"] == 3)
        #expect(result.skippedReason == nil)
        #expect(
            result.summary
                == "1 class pair with an unclear boundary; noise estimate skipped: 7 labelled training records, below 'min_records' 100: too few to estimate label noise meaningfully"
        )
        let stricter = try outcome(ClassConfusionCheck.self, example, options: "min_near_pairs: 4")
        #expect(stricter.findings.isEmpty)
        #expect(stricter.skippedReason == nil)
        let off = try outcome(ClassConfusionCheck.self, example, options: "min_near_pairs: 0")
        #expect(off.findings.isEmpty)
        #expect(off.skippedReason?.contains("min_records") == true)
    }

    /// Near-copies across labels count only within training.
    @Test func heldOutNearCopiesDoNotCount() throws {
        let text = """
            --- train.jsonl
            {"text": "i was charged twice for the same order last week", "label": "billing"}
            {"text": "please cancel the duplicate charge on my card today", "label": "billing"}
            {"text": "the shop took my money two times for one order", "label": "billing"}
            --- test.jsonl
            {"text": "i was charged twice for the same order last month", "label": "refund"}
            {"text": "please cancel the duplicate charge on my card now", "label": "refund"}
            {"text": "the shop took my money two times for one order again", "label": "refund"}
            """
        #expect(try outcome(ClassConfusionCheck.self, text).findings.isEmpty)
    }

    @Test func skipsUnlabelledData() throws {
        let chat = #"{"messages": [{"role": "user", "content": "hi"}]}"#
        #expect(try outcome(ClassConfusionCheck.self, chat).skippedReason == "no labelled input")
    }

    @Test func sameInputSameFindings() throws {
        let a = try outcome(ClassConfusionCheck.self, Self.overlapping.jsonl)
        let b = try outcome(ClassConfusionCheck.self, Self.overlapping.jsonl)
        #expect(a.findings == b.findings)
    }

    @Test(arguments: ["min_confusion: 0", "min_near_pairs: -1", "folds: 0", "min_accuracy: -0.1"])
    func badOptionsAreRejected(_ options: String) {
        #expect(throws: RulesError.self, "\(options)") {
            try outcome(ClassConfusionCheck.self, #"{"text": "a", "label": "x"}"#, options: options)
        }
    }
}

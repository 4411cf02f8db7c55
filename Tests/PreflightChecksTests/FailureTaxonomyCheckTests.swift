import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightChecks

// MARK: - Helpers

/// Runs failure_taxonomy on example-style files with `coverage:` / `taxonomy:` sections.
private func taxonomy(_ files: String, rules: String = "", options: String = "") throws
    -> CheckOutcome
{
    let parsed = CheckExampleRunner.parse(files)
    return try CheckExampleRunner.run(
        FailureTaxonomyCheck.self, options: options, rules: rules,
        on: FixtureDataset.make(parsed.files))
}

private let splits = """
    --- train.jsonl
    {"text": "I want a refund", "label": "billing"}
    {"text": "refund me now", "label": "billing"}
    {"text": "where is my parcel", "label": "shipping"}
    --- test.jsonl
    {"text": "refund please", "label": "billing"}
    {"text": "parcel late", "label": "shipping"}
    --- regression.jsonl
    {"text": "the parcel is lost", "label": "shipping"}
    """

private let refundMode = """
    taxonomy:
      modes:
        refunds:
          description: promises refunds after 30 days
          where: {keywords: [refund]}
    """

// MARK: - No taxonomy

@Test func noTaxonomyIsAWarningWithAHowTo() throws {
    let outcome = try taxonomy(splits)
    #expect(outcome.findings.map(\.code) == ["no_taxonomy"])
    #expect(outcome.findings[0].severity == .warning)
    #expect(outcome.findings[0].hint?.contains("taxonomy: {modes:") == true)
    #expect(outcome.findings[0].hint?.contains("README: Failure taxonomy") == true)
    // The hint's snippet is a valid rule-file section.
    let hint = outcome.findings[0].hint ?? ""
    let start = hint.range(of: "'taxonomy:")!.upperBound
    let snippet = "taxonomy:" + hint[start...].dropLast()
    let rules = try RuleSet.parse("version: 1\n" + snippet + "\n", name: "hint.yaml")
    #expect(rules.taxonomy.modes.map(\.name) == ["wrong_refund_policy"])
    #expect(outcome.metrics["modes"] == 0)
}

@Test func noTaxonomySeverityIsAnOption() throws {
    #expect(try taxonomy(splits, options: "no_taxonomy_severity: off").findings.isEmpty)
    #expect(
        try taxonomy(splits, options: "no_taxonomy_severity: info").findings.map(\.severity)
            == [.info])
}

// MARK: - Requirements

@Test func regressionSplitIsPreferredOverTest() throws {
    let outcome = try taxonomy(splits, rules: refundMode)
    #expect(outcome.findings.map(\.code) == ["mode_missing_in_regression"])
    let finding = outcome.findings[0]
    #expect(
        finding.message
            == "failure mode 'refunds' ('promises refunds after 30 days') has no examples in 'regression', requires min_heldout 1"
    )
    #expect(finding.severity == .error)
    #expect(outcome.metrics["mode.refunds.train"] == 2)
    #expect(outcome.metrics["mode.refunds.regression"] == 0)
    #expect(outcome.metrics["mode.refunds.test"] == nil)
    #expect(outcome.metrics["modes_covered"] == 0)
}

@Test func testSplitIsTheFallback() throws {
    let noRegression = splits.components(separatedBy: "--- regression.jsonl")[0]
    let outcome = try taxonomy(noRegression, rules: refundMode)
    #expect(outcome.findings.isEmpty)
    #expect(outcome.metrics["mode.refunds.test"] == 1)
    #expect(outcome.metrics["modes_covered"] == 1)
    let table = try #require(outcome.tables.first { $0.id == "failure_modes" })
    #expect(table.columns == ["mode", "description", "severity", "train", "test", "status"])
    #expect(
        table.rows == [
            [
                .text("refunds"), .text("promises refunds after 30 days"), .text("error"),
                .count(2), .count(1), .text("covered"),
            ]
        ])
    let off = try taxonomy(noRegression, rules: refundMode, options: "test_fallback: false")
    #expect(off.findings.map(\.code) == ["no_regression_set"])
}

@Test func noHeldOutSplitIsReportedOnce() throws {
    let trainOnly = splits.components(separatedBy: "--- test.jsonl")[0]
    let outcome = try taxonomy(
        trainOnly,
        rules: """
            taxonomy:
              modes:
                a: {where: {keywords: [refund]}, severity: warning}
                b: {where: {keywords: [parcel]}}
                c: {where: {keywords: [parcel]}, min_heldout: 0}
            """)
    #expect(outcome.findings.map(\.code) == ["no_regression_set"])
    #expect(outcome.findings[0].severity == .error)
    #expect(outcome.findings[0].message.hasPrefix("no 'regression' or 'test' split"))
    #expect(outcome.findings[0].message.contains("2 failure modes require min_heldout"))
    #expect(outcome.metrics["modes_covered"] == 1, "c needs no held-out examples")
}

@Test func everyFindingCode() throws {
    let outcome = try taxonomy(
        splits,
        rules: """
            taxonomy:
              modes:
                missing_train: {where: {keywords: [invoice]}, min_heldout: 0}
                below_train: {where: {keywords: [refund]}, min_train: 3, min_heldout: 0}
                below_heldout: {where: {keywords: [parcel]}, min_heldout: 2}
                fine: {where: {keywords: [parcel]}, min_train: 0, min_heldout: 0}
            """)
    #expect(
        outcome.findings.map(\.code) == [
            "mode_missing_in_train", "mode_below_min_train", "mode_below_min_heldout",
        ])
    #expect(
        outcome.findings[1].message
            == "failure mode 'below_train' has 2 examples in 'train', below min_train 3")
    #expect(
        outcome.findings[2].message
            == "failure mode 'below_heldout' has 1 example in 'regression', below min_heldout 2")
    #expect(outcome.metrics["modes"] == 4)
    #expect(outcome.metrics["modes_covered"] == 1)
    let table = try #require(outcome.tables.first { $0.id == "failure_modes" })
    #expect(
        table.rows.map { $0.last } == [
            .text("missing in train"), .text("below min_train"), .text("below min_heldout"),
            .text("covered"),
        ])
}

// MARK: - Severity

@Test func modeSeverityIsCappedByTheChecksSeverity() throws {
    let rules = """
        taxonomy:
          modes:
            e: {where: {keywords: [invoice]}}
            w: {where: {keywords: [invoice]}, severity: warning}
            i: {where: {keywords: [invoice]}, severity: info}
        """
    let train = "{\"text\": \"a\"}\n"
    let byDefault = try taxonomy(train, rules: rules, options: "test_fallback: false")
    // e, w, i each miss train; no_regression_set takes the worst mode severity.
    #expect(
        byDefault.findings.map(\.severity) == [.error, .warning, .info, .error])
    let capped = try taxonomy(train, rules: rules, options: "severity: warning")
    #expect(capped.findings.map(\.severity) == [.warning, .warning, .info, .warning])
    let info = try taxonomy(train, rules: rules, options: "severity: info")
    #expect(info.findings.allSatisfy { $0.severity == .info })
}

// MARK: - Slices

@Test func namedSliceAndInlinePredicateCountTheSame() throws {
    let rules = """
        coverage:
          slices:
            refund_requests: {where: {keywords: [refund, parcel], case_insensitive: true}}
        taxonomy:
          modes:
            named: {slice: refund_requests}
            inline: {where: {keywords: [refund, parcel], case_insensitive: true}}
        """
    let outcome = try taxonomy(splits, rules: rules)
    for split in ["train", "regression"] {
        #expect(outcome.metrics["mode.named.\(split)"] != nil)
        #expect(outcome.metrics["mode.named.\(split)"] == outcome.metrics["mode.inline.\(split)"])
    }
    #expect(outcome.metrics["mode.named.train"] == 3)
}

/// Inline predicates share the memberships pass with declared slices, and adding them leaves
/// the declared slices' results unchanged.
@Test func inlinePredicatesDoNotChangeDeclaredSlices() throws {
    let parsed = CheckExampleRunner.parse(splits)
    let dataset = FixtureDataset.make(parsed.files)
    let coverageRules = """
        coverage:
          slices:
            parcels: {where: {keywords: [parcel]}, min_count: 1}
        """
    let withTaxonomy = try RuleSet.parse(
        "version: 1\n" + coverageRules + "\n" + refundMode + "\n", name: "r.yaml")
    let index = DatasetIndex(dataset: dataset)
    let input = CheckInput(
        dataset: dataset, index: index, coverage: withTaxonomy.coverage,
        taxonomy: withTaxonomy.taxonomy)
    let shared = SliceMemberships.evaluated(input)
    #expect(shared.slices.map(\.name) == ["parcels", "taxonomy:refunds"])
    let alone = SliceMemberships(dataset: dataset, slices: withTaxonomy.coverage.slices)
    let all = 0..<alone.count
    #expect(shared.count(0, in: [all]) == alone.count(0, in: [all]))
    let coverage = CoverageCheck(options: .init()).run(input)
    let coverageAlone = try CheckExampleRunner.run(
        CoverageCheck.self, rules: coverageRules, on: dataset)
    #expect(coverage.metrics == coverageAlone.metrics)
    #expect(coverage.findings == coverageAlone.findings)
}

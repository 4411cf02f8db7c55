import Foundation
import PreflightTestSupport
import Testing

/// `preflight audit` with a failure taxonomy: the acceptance criterion of issue 5 (five modes,
/// one missing from the regression set: not ready, a finding naming the mode and the split,
/// the readiness line "not met"), its passing counterpart, and the example rule files.
struct TaxonomyCommandTests {
    /// Five failure modes over the clean-intents sample; every keyword occurs in its training
    /// file, and all but `customs` in its validation file (used as the regression set).
    static func taxonomy(fifth: String) -> String {
        """
        version: 1
        taxonomy:
          modes:
            double_charge:
              description: double charges not refunded
              where: {keywords: [charged twice], case_insensitive: true}
            firmware_bricks:
              description: firmware failures blamed on the user
              where: {keywords: [firmware], case_insensitive: true}
            reset_loop:
              description: password resets sent in a loop
              where: {keywords: [password reset], case_insensitive: true}
            discount_denied:
              description: valid discount codes refused
              where: {keywords: [discount code], case_insensitive: true}
            \(fifth)
        """
    }

    static let customs = """
        customs_hold:
              description: customs holds treated as lost parcels
              where: {keywords: [customs], case_insensitive: true}
        """

    static let tracking = """
        tracking_ignored:
              description: tracking questions answered with a generic apology
              where: {keywords: [tracking page], case_insensitive: true}
        """

    /// Writes `rules` to a temporary file and audits clean-intents with its validation file as
    /// the regression set; returns the result and the JSON report.
    static func audit(_ rules: String) throws -> (CLIResult, JSONValue) {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-taxonomy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("taxonomy.yaml")
        try rules.write(to: file, atomically: true, encoding: .utf8)
        let report = dir.appendingPathComponent("audit.json")
        let result = runCLI([
            "audit", "--train", "samples/clean-intents/train.jsonl", "--regression",
            "samples/clean-intents/validation.jsonl", "--rules", file.path, "--report",
            "json=\(report.path)",
        ])
        return (result, try JSONValue.parse(Data(contentsOf: report)))
    }

    static func readiness(_ json: JSONValue, _ prerequisite: String) -> JSONValue? {
        guard case .array(let entries)? = json["readiness"] else { return nil }
        return entries.first { $0["prerequisite"] == .string(prerequisite) }
    }

    /// Acceptance (issue 5): one of five modes missing from the regression set.
    @Test func modeMissingFromRegressionSetIsNotReady() throws {
        let (result, json) = try Self.audit(Self.taxonomy(fifth: Self.customs))
        #expect(result.code == 1, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("NOT READY"))
        #expect(
            result.stdout.contains("✖ not met      An explicit failure taxonomy"),
            "\(result.stdout)")
        let message =
            "failure mode 'customs_hold' ('customs holds treated as lost parcels') has no examples in 'regression', requires min_heldout 1"
        guard case .array(let findings)? = json["findings"] else {
            Issue.record("no findings")
            return
        }
        let taxonomy = findings.filter { $0["check"] == .string("failure_taxonomy") }
        #expect(taxonomy.count == 1)
        #expect(taxonomy.first?["message"] == .string(message))
        #expect(taxonomy.first?["code"] == .string("mode_missing_in_regression"))
        #expect(taxonomy.first?["severity"] == .string("error"))
        #expect(json["verdict"] == .string("not_ready"))
        #expect(Self.readiness(json, "failure_taxonomy")?["status"] == .string("not_met"))
    }

    /// The passing counterpart: all five modes covered, the prerequisite is met and the data
    /// is ready.
    @Test func allModesCoveredMeetsThePrerequisite() throws {
        let (result, json) = try Self.audit(Self.taxonomy(fifth: Self.tracking))
        #expect(result.code == 0, "\(result.stdout)")
        #expect(result.stdout.contains("✔ met          An explicit failure taxonomy"))
        #expect(Self.readiness(json, "failure_taxonomy")?["status"] == .string("met"))
        #expect(json["verdict"] == .string("ready"))
        guard case .array(let checks)? = json["checks"],
            let check = checks.first(where: { $0["id"] == .string("failure_taxonomy") })
        else {
            Issue.record("no failure_taxonomy check in the report")
            return
        }
        #expect(check["metrics"]?["modes"] == .number(5))
        #expect(check["metrics"]?["modes_covered"] == .number(5))
        #expect(check["metrics"]?["mode.tracking_ignored.regression"] == .number(1))
        #expect(check["metrics"]?["mode.double_charge.train"] == .number(6))
    }

    @Test func undeclaredSliceExitsTwo() throws {
        let dir = FileManager.default.temporaryDirectory
        let file = dir.appendingPathComponent("preflight-taxonomy-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "version: 1\ntaxonomy:\n  modes:\n    m: {slice: refunds}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let result = runCLI(["audit", "samples/clean-intents", "--rules", file.path])
        #expect(result.code == 2)
        #expect(
            result.stderr.contains(
                "\(file.path):4:16: error: invalid value for 'taxonomy.modes.m.slice'"),
            "\(result.stderr)")
    }

    @Test func supportTicketsTaxonomyExample() {
        let result = runCLI([
            "audit", "samples/support-tickets", "--rules",
            "rules/examples/support-tickets-coverage.yaml", "--rules",
            "rules/examples/support-tickets-taxonomy.yaml",
        ])
        #expect(result.code == 1, "\(result.stderr)")
        #expect(result.stdout.contains("failure_taxonomy · Failure modes"))
        #expect(result.stdout.contains("no regression split: held-out examples counted in 'test'"))
    }
}

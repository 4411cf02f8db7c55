import Foundation
import PreflightTestSupport
import Testing

/// `preflight audit` with the example coverage rule files: exact slice counts (checked by
/// hand against the sample files, see samples/README.md), findings and exit codes.
struct CoverageCommandTests {
    @Test func supportTicketsCoverageRules() throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-coverage-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let result = runCLI([
            "audit", "samples/support-tickets", "--rules",
            "rules/examples/support-tickets-coverage.yaml", "--report", "json=\(report.path)",
        ])
        #expect(result.code == 1, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "slice 'refund_requests' has 2 records in 'test', below min_count 3"))
        #expect(
            result.stdout.contains(
                "slice 'firmware_issues' has 1 record in 'test', below min_count 2"))
        let json = try JSONValue.parse(Data(contentsOf: report))
        guard case .array(let checks)? = json["checks"],
            let coverage = checks.first(where: { $0["id"] == .string("coverage") })
        else {
            Issue.record("no coverage check in the report")
            return
        }
        let expected: [String: [Double]] = [
            "refund_requests": [6, 3, 2], "firmware_issues": [7, 2, 1],
            "billing_tickets": [31, 7, 5], "long_tickets": [11, 2, 2],
            "urgent_deadline": [2, 1, 2],
        ]
        for (slice, counts) in expected {
            for (split, n) in zip(["train", "validation", "test"], counts) {
                #expect(
                    coverage["metrics"]?["slice.\(slice).\(split)"] == .number(n),
                    "\(slice) in \(split)")
            }
        }
        #expect(coverage["metrics"]?["slices_failing"] == .number(2))
        #expect(coverage["status"] == .string("fail"))
    }

    @Test func chatAssistantCoverageRules() {
        let result = runCLI([
            "audit", "samples/chat-sft", "--rules", "rules/examples/chat-assistant-coverage.yaml",
        ])
        #expect(result.code == 1, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "slice 'multi_turn' has no records in 'train', requires min_share 5.0%"))
        #expect(
            result.stdout.contains(
                "slice 'tool_use' has no records in 'train', requires min_count 5"))
    }

    @Test func badSliceRegexExitsTwo() throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-slices-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "version: 1\ncoverage:\n  slices:\n    x:\n      where: {regex: \"(a\"}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let result = runCLI(["audit", "samples/clean-intents", "--rules", file.path])
        #expect(result.code == 2)
        #expect(
            result.stderr.contains(
                "\(file.path):5:"), "\(result.stderr)")
        #expect(result.stderr.contains("'coverage.slices.x.where.regex'"))
    }
}

import Foundation
import PreflightTestSupport
import Testing

/// End to end: every sample in `samples/` audited in-process with the built-in rules;
/// stdout, the exit code and the JSON report compared with `Golden/<sample>/`.
@Suite struct SamplesTests {
    static let samples = [
        "support-tickets", "clean-intents", "malformed", "chat-sft", "compressed",
        "near-duplicates", "chat-format", "preference",
    ]

    @Test(arguments: samples)
    func sampleMatchesGolden(_ sample: String) throws {
        let folder = RepositoryPaths.tests("PreflightCLITests").appendingPathComponent(
            "Golden/\(sample)")
        let reportURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-\(sample)-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: reportURL) }

        let result = runCLI(["audit", "samples/\(sample)", "--report", "json=\(reportURL.path)"])

        #expect(result.stderr == "", "unexpected diagnostics: \(result.stderr)")
        assertGolden(Data(result.stdout.utf8), path: folder.appendingPathComponent("stdout.txt"))
        assertGolden(
            Data("\(result.code)\n".utf8), path: folder.appendingPathComponent("exit-code"))
        let report = try Data(contentsOf: reportURL)
        assertGolden(report, path: folder.appendingPathComponent("report.json"))

        // The real report honours the published contract.
        let validator = try JSONSchemaValidator(
            contentsOf: RepositoryPaths.root.appendingPathComponent("schemas/report-v1.schema.json")
        )
        let errors = validator.validate(try JSONValue.parse(report))
        #expect(errors.isEmpty, "schema violations: \(errors)")
    }

    @Test func sameInputsGiveIdenticalReports() throws {
        let tmp = FileManager.default.temporaryDirectory
        let a = tmp.appendingPathComponent("preflight-det-a-\(UUID().uuidString).json")
        let b = tmp.appendingPathComponent("preflight-det-b-\(UUID().uuidString).json")
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        let first = runCLI(["audit", "samples/support-tickets", "--report", "json=\(a.path)"])
        let second = runCLI(["audit", "samples/support-tickets", "--report", "json=\(b.path)"])
        #expect(first.stdout == second.stdout)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    }
}

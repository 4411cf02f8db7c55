import Foundation
import PreflightTestSupport
import Testing

/// The SARIF and Markdown reports of real sample audits: SARIF validates against the OASIS
/// schema and lists every registered check; Markdown stays within GitHub's comment limit.
@Suite struct ReportFormatsTests {
    @Test(arguments: ["support-tickets", "malformed", "chat-format"])
    func sampleAuditWritesValidSARIFAndMarkdown(_ sample: String) throws {
        let tmp = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let sarif = tmp.appendingPathComponent("preflight-\(sample)-\(id).sarif.json")
        let markdown = tmp.appendingPathComponent("preflight-\(sample)-\(id).md")
        let json = tmp.appendingPathComponent("preflight-\(sample)-\(id).json")
        defer {
            for url in [sarif, markdown, json] { try? FileManager.default.removeItem(at: url) }
        }

        let result = runCLI([
            "audit", "samples/\(sample)", "--report", sarif.path, "--report", markdown.path,
            "--report", "json=\(json.path)",
        ])
        #expect(result.stderr == "", "unexpected diagnostics: \(result.stderr)")

        let validator = try JSONSchemaValidator(
            contentsOf: RepositoryPaths.root.appendingPathComponent(
                "schemas/sarif-2.1.0.schema.json"))
        let log = try JSONValue.parse(Data(contentsOf: sarif))
        let errors = validator.validate(log)
        #expect(errors.isEmpty, "SARIF schema violations: \(errors)")

        // Every check of the JSON report is a rule; every finding a result, same fingerprint.
        let report = try JSONValue.parse(Data(contentsOf: json))
        guard case .array(let checks)? = report["checks"],
            case .array(let findings)? = report["findings"],
            case .array(let rules)? = log["runs"]?[0]?["tool"]?["driver"]?["rules"],
            case .array(let results)? = log["runs"]?[0]?["results"]
        else {
            Issue.record("missing checks, findings, rules or results")
            return
        }
        #expect(rules.map { $0["id"] } == checks.map { $0["id"] })
        #expect(rules.allSatisfy { $0["shortDescription"]?["text"] != nil })
        #expect(results.count == findings.count)
        #expect(
            results.map { $0["partialFingerprints"]?["preflight/v1"] }
                == findings.map { $0["fingerprint"] })

        let text = try String(contentsOf: markdown, encoding: .utf8)
        #expect(text.utf8.count <= 65_536)
        #expect(text.hasPrefix("## "))
    }
}

/// The HTML report of a real sample audit: one self-contained page with the verdict, charts
/// and the text of the records findings name.
@Suite struct HTMLReportTests {
    @Test func sampleAuditWritesHTML() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-\(UUID().uuidString)/r.html")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)

        let result = runCLI(["audit", "samples/support-tickets", "--report", url.path])
        #expect(result.code == 1)
        #expect(result.stderr == "", "unexpected diagnostics: \(result.stderr)")
        let data = try Data(contentsOf: url)
        let page = try #require(String(data: data, encoding: .utf8))
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(page.hasSuffix("</html>\n"))
        #expect(page.contains(#"<div class="label">Not ready</div>"#))
        #expect(page.contains("Content-Security-Policy"))
        #expect(!page.lowercased().contains("<script"))
        // Charts: class distribution and length per split, coverage, leakage.
        #expect(page.components(separatedBy: "<svg ").count - 1 == 8)
        // Duplicates are shown with their records' text.
        #expect(page.contains(#"<div class="excerpt">"#))
        // It parses back with libxml2's HTML parser, inert, with the verdict as text.
        let parsed = try HTMLPage(data)
        parsed.expectInert()
        #expect(parsed.text.contains("Not ready"))
        #expect(parsed.count("svg") == 8)
    }
}

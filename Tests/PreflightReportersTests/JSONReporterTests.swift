import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct JSONReporterTests {
    private func render(_ report: AuditReport = CanonicalReport.report) throws -> JSONValue {
        try JSONValue.parse(JSONReporter().render(report))
    }

    @Test func canonicalGolden() throws {
        assertGolden(
            try JSONReporter().render(CanonicalReport.report), path: Goldens.url("canonical.json"))
    }

    @Test func rendersTheSameBytesTwice() throws {
        #expect(
            try JSONReporter().render(CanonicalReport.report)
                == JSONReporter().render(CanonicalReport.report))
    }

    @Test func canonicalOutputMatchesTheSchema() throws {
        let validator = try JSONSchemaValidator(contentsOf: Goldens.schema)
        let errors = validator.validate(try JSONReporter().render(CanonicalReport.report))
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func emptyReportMatchesTheSchema() throws {
        let report = AuditReport(
            metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [], checks: [],
            statistics: [], findings: [])
        let validator = try JSONSchemaValidator(contentsOf: Goldens.schema)
        let errors = validator.validate(try JSONReporter().render(report))
        #expect(errors.isEmpty, "\(errors)")
        let json = try render(report)
        #expect(json["generated_at"] == .null)
        #expect(json["findings"] == .array([]))
        #expect(json["statistics"] == .object([:]))
    }

    @Test func topLevelFollowsTheContract() throws {
        let json = try render()
        #expect(json["schema_version"] == .number(1))
        #expect(
            json["tool"] == .object(["name": .string("preflight"), "version": .string("0.1.0")]))
        #expect(json["verdict"] == .string("not_ready"))
        #expect(json["fail_on"] == .string("error"))
        #expect(json["generated_at"] == .string("2025-01-15T09:30:00Z"))
        #expect(
            json["summary"]
                == .object([
                    "errors": .number(12), "warnings": .number(6), "infos": .number(3),
                    "findings": .number(21),
                ]))
        #expect(json["rules"]?["sources"]?[1] == .string("rules/team café.yaml"))
        #expect(json["statistics"]?["train"]?["labels"]?["日本語"] == .number(20))
        #expect(json["inputs"]?[0]?["compression"] == .null)
        #expect(json["inputs"]?[1]?["compression"] == .string("gzip"))
        #expect(
            json["checks"]?[0]?["counts"]
                == .object(["error": .number(2), "warning": .number(0), "info": .number(0)]))
    }

    @Test func datasetLevelFindingsHaveNoLocationAndAbsentKeysAreOmittedInLocations() throws {
        let findings = try #require(try render()["findings"])
        guard case .array(let items) = findings else {
            Issue.record("not an array")
            return
        }
        let datasetLevel = items.filter { $0["location"] == nil }
        #expect(datasetLevel.count == 2)
        #expect(datasetLevel.allSatisfy { $0["hint"] != nil })
        let noLine = items.first { $0["location"]?["line"] == nil && $0["location"] != nil }
        #expect(
            noLine?["location"]
                == .object([
                    "path": .string(CanonicalReport.regression), "split": .string("regression"),
                    "record": .number(7), "field": .string("text"),
                ]))
        #expect(items.contains { $0["hint"] == .null })
    }

    @Test func findingsKeepReportOrderAndFingerprints() throws {
        let report = CanonicalReport.report
        let json = try render(report)
        for (index, finding) in report.findings.enumerated() {
            #expect(json["findings"]?[index]?["fingerprint"] == .string(finding.fingerprint))
            #expect(json["findings"]?[index]?["message"] == .string(finding.message))
        }
    }

    @Test func numbersRenderDeterministically() throws {
        let text = String(
            decoding: try JSONReporter().render(CanonicalReport.report), as: UTF8.self)
        #expect(text.contains(#""budget_tokens" : 10000000000000000,"#))
        #expect(text.contains(#""max_tokens" : 812,"#))
        #expect(text.contains(#""mean_tokens" : 37.25"#))
        #expect(text.contains(#""validation_ratio" : null"#))
        #expect(!text.contains("e+"))
        #expect(!text.contains(".0,") && !text.contains(".0\n"))
    }

    @Test func textIsNotOverEscaped() throws {
        let text = String(
            decoding: try JSONReporter().render(CanonicalReport.report), as: UTF8.self)
        #expect(text.contains(#""path" : "data/日本語/validation.jsonl.gz""#))
        #expect(text.contains(#"markup '<b>' & quotes \"x\", commas\nand a line break"#))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func emptyContainersAreCompact() throws {
        let text = String(
            decoding: try JSONReporter().render(CanonicalReport.report), as: UTF8.self)
        #expect(text.contains(#""related" : [],"#))
        #expect(text.contains(#""metrics" : {},"#))
        #expect(!text.contains("[\n\n") && !text.contains("{\n\n"))
        #expect(
            JSONReporter.compactEmptyContainers("{\n  \"a\" : [\n\n  ],\n  \"b\" : \"[\\n\\n]\"\n}")
                == "{\n  \"a\" : [],\n  \"b\" : \"[\\n\\n]\"\n}")
    }

    @Test func duplicateSplitInStatisticsIsARenderError() {
        var report = CanonicalReport.report
        report.statistics.append(report.statistics[0])
        #expect(
            throws: ReportError.renderFailed(
                format: "json", reason: "split 'train' appears twice in statistics")
        ) {
            try JSONReporter().render(report)
        }
    }
}

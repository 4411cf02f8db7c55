import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct SARIFReporterTests {
    /// The OASIS SARIF 2.1.0 schema, `schemas/sarif-2.1.0.schema.json`.
    static let schema = RepositoryPaths.root.appendingPathComponent(
        "schemas/sarif-2.1.0.schema.json")

    private func render(_ report: AuditReport = CanonicalReport.report) throws -> JSONValue {
        try JSONValue.parse(SARIFReporter().render(report))
    }

    private func results(_ log: JSONValue) -> [JSONValue] {
        guard case .array(let items)? = log["runs"]?[0]?["results"] else { return [] }
        return items
    }

    @Test func canonicalGolden() throws {
        assertGolden(
            try SARIFReporter().render(CanonicalReport.report),
            path: Goldens.url("canonical.sarif"))
    }

    @Test func rendersTheSameBytesTwice() throws {
        #expect(
            try SARIFReporter().render(CanonicalReport.report)
                == SARIFReporter().render(CanonicalReport.report))
    }

    @Test func canonicalOutputMatchesTheOASISSchema() throws {
        let validator = try JSONSchemaValidator(contentsOf: Self.schema)
        let errors = validator.validate(try SARIFReporter().render(CanonicalReport.report))
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func emptyReportMatchesTheOASISSchema() throws {
        let report = AuditReport(
            metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [], checks: [],
            statistics: [], findings: [])
        let validator = try JSONSchemaValidator(contentsOf: Self.schema)
        let errors = validator.validate(try SARIFReporter().render(report))
        #expect(errors.isEmpty, "\(errors)")
        let log = try render(report)
        #expect(log["runs"]?[0]?["results"] == .array([]))
        // Without inputs, a dataset-level finding has nothing to anchor at.
        var lone = report
        lone.findings = [Finding(checkID: "volume", code: "c", severity: .error, message: "m")]
        #expect(results(try render(lone))[0]["locations"] == nil)
        #expect(validator.validate(try SARIFReporter().render(lone)).isEmpty)
        #expect(log["runs"]?[0]?["invocations"]?[0]?["endTimeUtc"] == nil)
    }

    @Test func theValidatorRejectsABrokenLog() throws {
        let validator = try JSONSchemaValidator(contentsOf: Self.schema)
        let log = try render()
        #expect(!validator.validate(log.setting("version", to: .string("2.0.0"))).isEmpty)
        #expect(!validator.validate(log.setting("runs", to: .string("none"))).isEmpty)
        #expect(!validator.validate(log.setting("extra", to: .number(1))).isEmpty)
    }

    @Test func oneRunWithEveryCheckAsARule() throws {
        let report = CanonicalReport.report
        let log = try render(report)
        #expect(log["version"] == .string("2.1.0"))
        #expect(log["$schema"] == .string(SARIFReporter.schemaURI))
        guard case .array(let runs)? = log["runs"] else {
            Issue.record("no runs")
            return
        }
        #expect(runs.count == 1)
        let driver = try #require(log["runs"]?[0]?["tool"]?["driver"])
        #expect(driver["name"] == .string("preflight"))
        #expect(driver["version"] == .string("0.1.0"))
        // No published project page: no informationUri or helpUri (both optional in SARIF).
        #expect(driver["informationUri"] == nil)
        for (index, check) in report.checks.enumerated() {
            let rule = try #require(driver["rules"]?[index])
            #expect(rule["id"] == .string(check.id.rawValue))
            #expect(rule["helpUri"] == nil)
        }
        // With a page, both point at it.
        let page = "https://example.org/preflight"
        let linked = try JSONValue.parse(
            SARIFReporter(informationURI: page).render(report))
        let linkedDriver = try #require(linked["runs"]?[0]?["tool"]?["driver"])
        #expect(linkedDriver["informationUri"] == .string(page))
        #expect(linkedDriver["rules"]?[0]?["helpUri"] == .string(page + "#checks"))
        #expect(driver["rules"]?[report.checks.count] == nil)
        let first = try #require(driver["rules"]?[0])
        #expect(first["name"] == .string("MalformedRecord"))
        #expect(
            first["shortDescription"]?["text"]
                == .string("Flags records that cannot be parsed or lack a required field."))
        #expect(first["defaultConfiguration"]?["level"] == .string("error"))
        // chat_format has no purpose in the canonical report: the title stands in.
        let chat = try #require(driver["rules"]?[7])
        #expect(chat["id"] == .string("chat_format"))
        #expect(chat["shortDescription"]?["text"] == .string("Chat format"))
        // Info-level checks map to `note`.
        #expect(driver["rules"]?[9]?["defaultConfiguration"]?["level"] == .string("note"))
    }

    @Test func everyFindingIsAResultInReportOrder() throws {
        let report = CanonicalReport.report
        let items = results(try render(report))
        #expect(items.count == report.findings.count)
        let ruleIDs = report.checks.map(\.id)
        for (finding, result) in zip(report.findings, items) {
            #expect(result["ruleId"] == .string(finding.checkID.rawValue))
            #expect(
                result["ruleIndex"]
                    == ruleIDs.firstIndex(of: finding.checkID).map { .number(Double($0)) })
            #expect(
                result["partialFingerprints"]?[SARIFReporter.fingerprintKey]
                    == .string(finding.fingerprint))
            let level: String =
                switch finding.severity {
                case .error: "error"
                case .warning: "warning"
                case .info: "note"
                }
            #expect(result["level"] == .string(level))
            #expect(result["properties"]?["code"] == .string(finding.code))
        }
    }

    @Test func messagesCarryTheHint() throws {
        let items = results(try render())
        let texts = items.compactMap { item -> String? in
            if case .string(let text)? = item["message"]?["text"] { text } else { nil }
        }
        #expect(
            texts.contains(
                "record has no 'label' field. Fix: add the 'label' field or set "
                    + "dataset.label_field in the rules"))
        // The first duplicate has no hint: the message alone.
        #expect(texts.contains("input repeats an earlier record after normalization"))
    }

    @Test func locationsUseRelativeURIsAndLines() throws {
        let items = results(try render())
        // Dataset-level findings come first in report order; GitHub needs a location, so
        // they sit at the first training file, without a region, marked as dataset-level.
        for item in items.prefix(2) {
            #expect(
                item["locations"]
                    == .array([
                        .object([
                            "physicalLocation": .object([
                                "artifactLocation": .object([
                                    "uri": .string("data/train.jsonl"),
                                    "uriBaseId": .string("%SRCROOT%"),
                                ])
                            ]),
                            "properties": .object(["datasetLevel": .bool(true)]),
                        ])
                    ]))
        }
        #expect(items.allSatisfy { $0["locations"]?[0]?["physicalLocation"] != nil })
        let located = Array(items.dropFirst(2))
        let train = try #require(
            located.first { $0["ruleId"] == .string("malformed_record") }?["locations"]?[0])
        #expect(
            train["physicalLocation"]
                == .object([
                    "artifactLocation": .object([
                        "uri": .string("data/train.jsonl"), "uriBaseId": .string("%SRCROOT%"),
                    ]),
                    "region": .object(["startLine": .number(57)]),
                ]))
        #expect(train["properties"]?["record"] == .number(57))
        #expect(train["properties"]?["split"] == .string("train"))
        // The location without a line has the file but no region.
        let noLine = try #require(
            located.first {
                $0["locations"]?[0]?["properties"]?["record"] == .number(7)
            }?["locations"]?[0]?["physicalLocation"])
        #expect(noLine["region"] == nil)
        #expect(
            noLine["artifactLocation"]?["uri"]
                == .string("data/regression%20%22v2%22%2C%20%3Ca%26b%3E.csv"))
    }

    @Test func relatedRecordsAreRelatedLocations() throws {
        let items = results(try render())
        let leak = try #require(items.first { $0["ruleId"] == .string("split_leakage") })
        #expect(
            leak["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"]
                == .string("data/%E6%97%A5%E6%9C%AC%E8%AA%9E/validation.jsonl.gz"))
        let related = try #require(leak["relatedLocations"]?[0])
        #expect(related["id"] == .number(1))
        #expect(related["message"]?["text"] == .string("related record"))
        #expect(related["physicalLocation"]?["region"]?["startLine"] == .number(17))
        #expect(related["properties"]?["id"] == .string("train/17"))
        let many = try #require(
            items.first { $0["relatedLocations"]?[3] != nil }?["relatedLocations"])
        #expect(many[3]?["id"] == .number(4))
    }

    @Test func verdictAndCountsAreRunProperties() throws {
        let properties = try #require(try render()["runs"]?[0]?["properties"])
        #expect(properties["verdict"] == .string("not_ready"))
        #expect(properties["failOn"] == .string("error"))
        #expect(
            properties["counts"]
                == .object(["error": .number(12), "warning": .number(1240), "info": .number(3)]))
        #expect(
            try render()["runs"]?[0]?["invocations"]?[0]
                == .object([
                    "executionSuccessful": .bool(true),
                    "endTimeUtc": .string("2025-01-15T09:30:00Z"),
                ]))
    }

    @Test(arguments: [
        ("data/train.jsonl", "data/train.jsonl", true),
        ("a b/c:d.csv", "a%20b/c%3Ad.csv", true),
        ("café/100%.jsonl", "caf%C3%A9/100%25.jsonl", true),
        ("../up/x#1?.jsonl", "../up/x%231%3F.jsonl", true),
        ("/abs/data set.jsonl", "file:///abs/data%20set.jsonl", false),
    ])
    func pathsBecomeURIReferences(path: String, uri: String, relative: Bool) {
        let result = SARIFReporter.uri(forPath: path)
        #expect(result.uri == uri)
        #expect(result.relative == relative)
    }

    @Test func absolutePathsHaveNoBase() throws {
        var report = CanonicalReport.report
        report.findings = [
            Finding(
                checkID: "pii", code: "email", severity: .info, message: "m",
                location: DataLocation(path: "/srv/data.jsonl", split: "train", line: 3))
        ]
        let location = results(try render(report))[0]["locations"]?[0]?["physicalLocation"]
        #expect(
            location?["artifactLocation"] == .object(["uri": .string("file:///srv/data.jsonl")]))
        let validator = try JSONSchemaValidator(contentsOf: Self.schema)
        #expect(validator.validate(try SARIFReporter().render(report)).isEmpty)
    }

    @Test(arguments: [
        ("exact_duplicates", "ExactDuplicates"), ("pii", "Pii"), ("a__b", "AB"),
    ])
    func ruleNamesArePascalCase(id: String, name: String) {
        #expect(SARIFReporter.ruleName(CheckID(rawValue: id)) == name)
    }
}

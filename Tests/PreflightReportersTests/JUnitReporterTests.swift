import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct JUnitReporterTests {
    static let schema = RepositoryPaths.root.appendingPathComponent(
        "schemas/junit-preflight.xsd")

    @Test func canonicalGolden() throws {
        assertGolden(
            try JUnitReporter().render(CanonicalReport.report), path: Goldens.url("canonical.xml"))
    }

    @Test func rendersTheSameBytesTwice() throws {
        #expect(
            try JUnitReporter().render(CanonicalReport.report)
                == JUnitReporter().render(CanonicalReport.report))
    }

    @Test(arguments: ["canonical", "hostile", "empty", "failOnInfo"])
    func outputMatchesTheSchema(name: String) throws {
        let validator = try XMLSchemaValidator(contentsOf: Self.schema)
        let errors = validator.validate(try JUnitReporter().render(Self.report(name)))
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func schemaRejectsWhatItShould() throws {
        let validator = try XMLSchemaValidator(contentsOf: Self.schema)
        let bad = #"""
            <?xml version="1.0"?>
            <testsuites name="x" tests="1" failures="0" errors="0" skipped="0" time="0">
              <testsuite name="a" tests="1" failures="0" errors="0" skipped="0" time="0">
                <testcase name="Bad-Id" classname="preflight.x" time="0">
                  <failure message="1 error" type="fatal">x</failure>
                  <skipped message="both"/>
                </testcase>
              </testsuite>
            </testsuites>
            """#
        let errors = validator.validate(Data(bad.utf8))
        #expect(errors.count >= 3, "\(errors)")
        #expect(!validator.validate(Data("<testsuites".utf8)).isEmpty)
    }

    @Test(arguments: ["canonical", "hostile", "failOnInfo"])
    func parsingBackYieldsTheFindings(name: String) throws {
        let report = Self.report(name)
        let root = try XMLDocumentReader.root(try JUnitReporter().render(report))
        var recovered: [String] = []
        for suite in root.children(named: "testsuite") {
            for testCase in suite.children(named: "testcase") {
                for element in testCase.children
                where element.name == "failure" || element.name == "system-out" {
                    recovered += Self.entries(element.text)
                }
            }
        }
        var expected: [String] = []
        for suiteName in Self.suiteNames(report) {
            for check in report.checks {
                let mine = report.findings.filter {
                    $0.checkID == check.id
                        && ($0.location?.path ?? JUnitReporter.datasetSuiteName) == suiteName
                }
                expected += mine.filter { $0.severity >= report.failOn }.map(Self.expectedText)
                expected += mine.filter { $0.severity < report.failOn }.map(Self.expectedText)
            }
        }
        #expect(recovered.count == report.findings.count)
        #expect(recovered == expected)
    }

    @Test(arguments: ["canonical", "hostile", "empty", "failOnInfo"])
    func countsMatchTheElements(name: String) throws {
        let report = Self.report(name)
        let root = try XMLDocumentReader.root(try JUnitReporter().render(report))
        var totals = (tests: 0, failures: 0, skipped: 0)
        let suites = root.children(named: "testsuite")
        #expect(suites.map { $0.attributes["name"] } == Self.suiteNames(report))
        for suite in suites {
            let cases = suite.children(named: "testcase")
            let failures = cases.filter { !$0.children(named: "failure").isEmpty }.count
            let skipped = cases.filter { !$0.children(named: "skipped").isEmpty }.count
            #expect(cases.count == report.checks.count)
            #expect(suite.attributes["tests"] == String(cases.count))
            #expect(suite.attributes["failures"] == String(failures))
            #expect(suite.attributes["skipped"] == String(skipped))
            #expect(suite.attributes["errors"] == "0")
            totals.tests += cases.count
            totals.failures += failures
            totals.skipped += skipped
        }
        #expect(root.attributes["tests"] == String(totals.tests))
        #expect(root.attributes["failures"] == String(totals.failures))
        #expect(root.attributes["skipped"] == String(totals.skipped))
    }

    @Test func canonicalCounts() throws {
        let root = try XMLDocumentReader.root(try JUnitReporter().render(CanonicalReport.report))
        // 4 suites ((dataset), 3 inputs) x 11 checks; chat_format skipped in each.
        #expect(root.attributes["tests"] == "44")
        #expect(root.attributes["skipped"] == "4")
        // fail_on error: malformed_record + exact_duplicates in train, split_leakage in
        // validation.
        #expect(root.attributes["failures"] == "3")
        let train = try #require(
            root.children(named: "testsuite").first {
                $0.attributes["name"] == CanonicalReport.train
            })
        let duplicates = try #require(
            train.children(named: "testcase").first { $0.attributes["name"] == "exact_duplicates" })
        #expect(duplicates.attributes["classname"] == "preflight.exact_duplicates")
        let failure = try #require(duplicates.children(named: "failure").first)
        #expect(failure.attributes["message"] == "9 errors")
        #expect(failure.attributes["type"] == "error")
        let skipped = try #require(
            train.children(named: "testcase").first { $0.attributes["name"] == "chat_format" }?
                .children(named: "skipped").first)
        #expect(
            skipped.attributes["message"]
                == "skipped: no chat inputs (every input is classification)")
    }

    @Test func failOnLowersTheThreshold() throws {
        let root = try XMLDocumentReader.root(try JUnitReporter().render(Self.report("failOnInfo")))
        let dataset = try #require(root.children(named: "testsuite").first)
        #expect(dataset.attributes["name"] == "(dataset)")
        let balance = try #require(
            dataset.children(named: "testcase").first { $0.attributes["name"] == "class_balance" })
        let failure = try #require(balance.children(named: "failure").first)
        #expect(failure.attributes["type"] == "warning")
        #expect(failure.attributes["message"] == "1 warning")
        #expect(balance.children(named: "system-out").isEmpty)
    }

    @Test func hostileTextIsEscapedAndReplaced() throws {
        let data = try JUnitReporter().render(Self.report("hostile"))
        let xml = String(decoding: data, as: UTF8.self)
        #expect(!xml.contains("<script>"))
        #expect(!xml.contains("]]>"))
        #expect(!xml.contains(#"" onmouseover="#))
        #expect(xml.contains("&lt;script&gt;"))
        for scalar in xml.unicodeScalars {
            let value = scalar.value
            #expect(value >= 0x20 || value == 0x9 || value == 0xA, "U+\(value) in output")
            #expect(value != 0xFFFE && value != 0xFFFF)
        }
        #expect(xml.contains("\u{10FFFF}"))
        #expect(xml.contains("&#13;"))
    }

    @Test func sanitizedReplacesWhatXMLCannotCarry() {
        #expect(
            XMLWriter.sanitized("a\u{0}b\u{1}\u{8}\u{B}\u{C}\u{1F}c")
                == "a\u{FFFD}b\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}c")
        #expect(XMLWriter.sanitized("\u{FFFE}\u{FFFF}") == "\u{FFFD}\u{FFFD}")
        let kept = "tab\t lf\n cr\r del\u{7F} é 日本語 \u{10FFFF} 😀"
        #expect(XMLWriter.sanitized(kept) == kept)
    }

    @Test func countSummaryNamesEachSeverity() {
        func finding(_ severity: Severity) -> Finding {
            Finding(checkID: "x", code: "c", severity: severity, message: "m")
        }
        #expect(JUnitReporter.countSummary([finding(.error)]) == "1 error")
        #expect(
            JUnitReporter.countSummary([
                finding(.info), finding(.error), finding(.warning), finding(.error),
            ]) == "2 errors, 1 warning, 1 info")
    }

    // MARK: - Helpers

    static func report(_ name: String) -> AuditReport {
        switch name {
        case "hostile": HostileReport.report
        case "empty":
            AuditReport(
                metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [],
                checks: [], statistics: [], findings: [])
        case "failOnInfo":
            {
                var report = CanonicalReport.report
                report.failOn = .info
                return report
            }()
        default: CanonicalReport.report
        }
    }

    static func suiteNames(_ report: AuditReport) -> [String] {
        var names = [JUnitReporter.datasetSuiteName]
        for path in report.inputs.map(\.path) + report.findings.compactMap(\.location?.path)
        where !names.contains(path) {
            names.append(path)
        }
        return names
    }

    /// A failure or system-out body split into findings: a line indented by two spaces
    /// continues the previous finding. Split on LF scalars: "\r\n" is one `Character`.
    static func entries(_ body: String) -> [String] {
        var entries: [String] = []
        for bytes in body.utf8.split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        {
            let line = String(decoding: bytes, as: UTF8.self)
            if line.hasPrefix("  "), !entries.isEmpty {
                entries[entries.count - 1] += "\n" + line.dropFirst(2)
            } else if !line.isEmpty {
                entries.append(line)
            }
        }
        return entries
    }

    /// What the body should say about a finding, written independently of the reporter.
    static func expectedText(_ finding: Finding) -> String {
        var prefix = ""
        if let location = finding.location {
            prefix = location.path
            if let line = location.line {
                prefix += ":\(line)"
            } else if let record = location.record {
                prefix += " record \(record)"
            }
            prefix += ": "
        }
        let hint = finding.hint.map { " (hint: \($0))" } ?? ""
        return XMLWriter.sanitized(
            "\(prefix)\(finding.severity.rawValue): \(finding.message) [\(finding.code)]\(hint)")
    }
}

/// A report whose text tries to break out of XML and of workflow commands.
enum HostileReport {
    static let path = #"data/<script>alert("x")</script> & ]]>.jsonl"#
    static let message =
        #"<script>alert(1)</script> ]]> <![CDATA[x]]> " onmouseover="alert(1) 'q' &amp; %0A"#
        + " ctl:\u{0}\u{1}\u{8}\u{B}\u{C}\u{1B}\u{7F} cr:\r crlf:\r\n tab:\t"
        + " high:\u{10FFFF}\u{FFFE}\u{FFFF} lone:"
        + String(decoding: [0xED, 0xA0, 0x80], as: UTF8.self) + " :, 100% done"

    static var report: AuditReport {
        let findings = [
            Finding(
                checkID: "text_quality", code: "markup", severity: .error, message: message,
                hint: "strip </system-out> and \u{1}",
                location: DataLocation(path: path, split: "train", line: 3, record: 3)),
            Finding(
                checkID: "text_quality", code: "markup", severity: .warning,
                message: "dataset-level: " + message),
            Finding(
                checkID: "text_quality", code: "markup", severity: .info, message: "\n" + message,
                location: DataLocation(path: "other, file:1.csv", split: "train", record: 9)),
        ].sorted(by: Finding.reportOrder)
        let check = CheckSummary(
            id: "text_quality", title: "Text <quality>", category: .content, status: .fail,
            severity: .error, summary: message, metrics: [:], counts: [.error: 1, .warning: 1])
        let skipped = CheckSummary(
            id: "chat_format", title: "Chat", category: .format, status: .skipped,
            severity: .error, summary: "skipped: " + message, metrics: [:], counts: [:])
        return AuditReport(
            metadata: ReportMetadata(generatedAt: "2025-01-15T09:30:00Z"),
            verdict: Verdict(findings: findings), failOn: .error, inputs: [],
            checks: [check, skipped], statistics: [], findings: findings)
    }
}

import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct GitHubReporterTests {
    @Test func canonicalGolden() throws {
        assertGolden(
            try GitHubReporter().render(CanonicalReport.report),
            path: Goldens.url("canonical.github.txt"))
    }

    @Test func oneLinePerFindingWithTheRightCommand() throws {
        let report = CanonicalReport.report
        let text = String(decoding: try GitHubReporter().render(report), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == report.findings.count + 1)
        #expect(lines.last == "")
        for (line, finding) in zip(lines, report.findings) {
            let command = ["error": "::error ", "warning": "::warning ", "info": "::notice "]
            #expect(line.hasPrefix(command[finding.severity.rawValue]!))
            #expect(line.contains("title=preflight \(finding.checkID.rawValue)::"))
            #expect(line.contains("file=") == (finding.location != nil))
            #expect(line.contains(",line=") == (finding.location?.line != nil))
        }
    }

    @Test func emptyReportRendersNothing() throws {
        let report = AuditReport(
            metadata: ReportMetadata(), verdict: .ready, failOn: .error, inputs: [], checks: [],
            statistics: [], findings: [])
        #expect(try GitHubReporter().render(report).isEmpty)
    }

    @Test func messagesEscapePercentAndLineBreaks() {
        #expect(GitHubReporter.escapeData("100% a\r\nb\nc: d, e") == "100%25 a%0D%0Ab%0Ac: d, e")
        #expect(GitHubReporter.escapeData("%0A") == "%250A")
    }

    @Test func propertiesAlsoEscapeColonAndComma() {
        #expect(
            GitHubReporter.escapeProperty("a:b,c%d\re\nf") == "a%3Ab%2Cc%25d%0De%0Af")
    }

    @Test func hostileFindingStaysOnOneCommand() throws {
        let finding = Finding(
            checkID: "text_quality", code: "markup", severity: .error,
            message: "::error::injected\n::warning file=x::y %0A",
            location: DataLocation(path: "data/a,b:c.jsonl", split: "train", line: 4, record: 4))
        #expect(
            GitHubReporter.command(finding)
                == "::error file=data/a%2Cb%3Ac.jsonl,line=4,title=preflight text_quality::"
                + "::error::injected%0A::warning file=x::y %250A")
    }

    @Test func recordWithoutLineHasFileOnly() {
        let finding = Finding(
            checkID: "pii", code: "email", severity: .info, message: "m",
            location: DataLocation(path: "a.csv", split: "train", line: nil, record: 7))
        #expect(GitHubReporter.command(finding) == "::notice file=a.csv,title=preflight pii::m")
    }
}

import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct ReportFormatTests {
    @Test func reporterMatchesFormat() {
        #expect(ReportFormat.text.reporter is TextReporter)
        #expect(ReportFormat.json.reporter is JSONReporter)
        #expect(ReportFormat.junit.reporter is JUnitReporter)
        #expect(ReportFormat.github.reporter is GitHubReporter)
        #expect(ReportFormat.markdown.reporter is MarkdownReporter)
        #expect(ReportFormat.sarif.reporter is SARIFReporter)
        #expect(ReportFormat.html.reporter is HTMLReporter)
    }

    @Test(arguments: [
        ("out/a.json", ReportFormat.json), ("A.JSON", .json), ("report.txt", .text),
        ("logs/run.log", .text), ("dir.v2/report.json", .json), ("out/junit.xml", .junit),
        ("REPORT.XML", .junit), ("out/a.sarif", .sarif),
        ("A.SARIF", .sarif), ("out/a.sarif.json", .sarif), ("A.Sarif.JSON", .sarif),
        ("summary.md", .markdown), ("PR.MD", .markdown), ("out/sarif.json", .json),
        (".sarif.json", .json), ("out/report.html", .html), ("REPORT.HTM", .html),
    ])
    func infersFormatFromExtension(path: String, format: ReportFormat) {
        #expect(ReportFormat.infer(fromPath: path) == format)
    }

    @Test(arguments: [
        "report", ".json", "dir.json/report", "a.json.gz", "", ".md", ".sarif", "a.sarif.gz",
        "dir.sarif/report", ".html", "a.html.gz",
    ])
    func infersNothingFromOtherPaths(path: String) {
        #expect(ReportFormat.infer(fromPath: path) == nil)
    }

    @Test(arguments: ReportFormat.allCases)
    func everyFormatHasAGolden(format: ReportFormat) {
        let url = Goldens.url("canonical.\(format.fileExtension)")
        #expect(
            FileManager.default.fileExists(atPath: url.path),
            "no golden for '\(format.rawValue)': add a test recording \(url.lastPathComponent)")
    }
}

struct ReportSpecTests {
    @Test func parsesFormatAndPath() throws {
        #expect(
            try ReportSpec.parse("json=out/a.json") == ReportSpec(format: .json, path: "out/a.json")
        )
        #expect(
            try ReportSpec.parse("text=out/a.json") == ReportSpec(format: .text, path: "out/a.json")
        )
        #expect(try ReportSpec.parse("JSON=report") == ReportSpec(format: .json, path: "report"))
        #expect(
            try ReportSpec.parse("github=out/annotations.txt")
                == ReportSpec(format: .github, path: "out/annotations.txt"))
        #expect(
            try ReportSpec.parse("junit=out/a.json")
                == ReportSpec(format: .junit, path: "out/a.json")
        )
        #expect(
            try ReportSpec.parse("sarif=out/a.json")
                == ReportSpec(format: .sarif, path: "out/a.json"))
        #expect(
            try ReportSpec.parse("markdown=$GITHUB_STEP_SUMMARY")
                == ReportSpec(format: .markdown, path: "$GITHUB_STEP_SUMMARY"))
        #expect(try ReportSpec.parse("json=a=b") == ReportSpec(format: .json, path: "a=b"))
    }

    @Test func infersFormatFromBarePath() throws {
        #expect(try ReportSpec.parse("out/a.json") == ReportSpec(format: .json, path: "out/a.json"))
        #expect(try ReportSpec.parse("run.log") == ReportSpec(format: .text, path: "run.log"))
        #expect(
            try ReportSpec.parse("out/junit.xml")
                == ReportSpec(format: .junit, path: "out/junit.xml"))
        // An `=` after a `/` or `.` belongs to the path.
        #expect(
            try ReportSpec.parse("out/a=b.json") == ReportSpec(format: .json, path: "out/a=b.json"))
        #expect(try ReportSpec.parse("v1.2=x.txt") == ReportSpec(format: .text, path: "v1.2=x.txt"))
    }

    @Test func unknownFormatSuggestsTheClosest() {
        #expect(
            throws: ReportError.unknownFormat(
                "jsn", known: ["text", "json", "junit", "github", "markdown", "sarif", "html"])
        ) {
            try ReportSpec.parse("jsn=out/a.json")
        }
        do {
            _ = try ReportSpec.parse("jsno=a.json")
            Issue.record("expected an error")
        } catch {
            #expect(
                error.description
                    == "unknown report format 'jsno'; use one of text, json, junit, github, markdown, sarif, "
                    + "html; did you mean 'json'?")
        }
    }

    @Test func pathWithoutKnownExtensionNeedsAFormat() {
        #expect(throws: ReportError.cannotInferFormat(path: "out/report.pdf")) {
            try ReportSpec.parse("out/report.pdf")
        }
        #expect(throws: ReportError.cannotInferFormat(path: "report")) {
            try ReportSpec.parse("report")
        }
    }

    @Test func emptyPathIsRejected() {
        #expect(throws: ReportError.self) { try ReportSpec.parse("json=") }
        #expect(throws: ReportError.self) { try ReportSpec.parse("") }
    }
}

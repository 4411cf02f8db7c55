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
    }

    @Test(arguments: [
        ("out/a.json", ReportFormat.json), ("A.JSON", .json), ("report.txt", .text),
        ("logs/run.log", .text), ("dir.v2/report.json", .json), ("out/junit.xml", .junit),
        ("REPORT.XML", .junit),
    ])
    func infersFormatFromExtension(path: String, format: ReportFormat) {
        #expect(ReportFormat.infer(fromPath: path) == format)
    }

    @Test(arguments: ["out/a.sarif", "report", ".json", "dir.json/report", "a.json.gz", ""])
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
            throws: ReportError.unknownFormat("jsn", known: ["text", "json", "junit", "github"])
        ) {
            try ReportSpec.parse("jsn=out/a.json")
        }
        do {
            _ = try ReportSpec.parse("jsno=a.json")
            Issue.record("expected an error")
        } catch {
            #expect(
                error.description
                    == "unknown report format 'jsno'; use one of text, json, junit, github; "
                    + "did you mean 'json'?")
        }
    }

    @Test func pathWithoutKnownExtensionNeedsAFormat() {
        #expect(throws: ReportError.cannotInferFormat(path: "out/report.sarif")) {
            try ReportSpec.parse("out/report.sarif")
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

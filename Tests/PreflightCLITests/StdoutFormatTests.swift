import Foundation
import PreflightTestSupport
import Testing

@testable import preflight

/// `preflight audit --format` chooses what standard output carries; exit codes do not change.
struct StdoutFormatTests {
    private let sample = "samples/malformed"

    @Test func defaultIsTheTextReport() {
        let plain = runCLI(["audit", sample])
        let text = runCLI(["audit", sample, "--format", "text"])
        #expect(plain.code == text.code)
        #expect(plain.stdout == text.stdout)
        #expect(!plain.stdout.hasPrefix("::"))
    }

    @Test func jsonPrintsTheJSONReport() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-format-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("audit.json")
        let result = runCLI(["audit", sample, "--format", "json", "--report", file.path])
        #expect(result.code == runCLI(["audit", sample]).code)
        #expect(result.stdout == (try String(contentsOf: file, encoding: .utf8)))
        #expect(try JSONValue.parse(Data(result.stdout.utf8))["schema_version"] == .number(1))
    }

    @Test func githubPrintsOneAnnotationPerFinding() throws {
        let result = runCLI(["audit", sample, "--format", "github"])
        #expect(result.code == runCLI(["audit", sample]).code)
        let lines = result.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(
                line.hasPrefix("::error ") || line.hasPrefix("::warning ")
                    || line.hasPrefix("::notice "), "\(line)")
        }
    }

    @Test func quietWinsOverFormat() {
        let result = runCLI(["audit", sample, "--format", "github", "--quiet"])
        #expect(result.stdout.isEmpty)
        #expect(result.code == runCLI(["audit", sample]).code)
    }

    @Test func unknownFormatIsAUsageError() {
        let result = runCLI(["audit", sample, "--format", "sarif"])
        #expect(result.code == 2)
    }

    @Test func xmlReportPathWritesJUnit() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-junit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("junit.xml")
        let result = runCLI(["audit", sample, "--quiet", "--report", file.path])
        #expect(result.code == 0 || result.code == 1, "\(result.stderr)")
        let xml = try String(contentsOf: file, encoding: .utf8)
        #expect(xml.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
        #expect(xml.contains(#"<testsuites name="preflight""#))
    }
}

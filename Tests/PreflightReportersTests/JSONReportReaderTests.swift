import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

struct JSONReportReaderTests {
    private static let path = "out/audit.json"

    private func read(_ text: String) throws(ReportReadError) -> AuditReport {
        try JSONReportReader.read(Data(text.utf8), path: Self.path)
    }

    /// The error reading `text` throws, or nil when it reads.
    private func readError(_ text: String) -> ReportReadError? {
        do {
            _ = try read(text)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Round trips

    @Test func canonicalReportRoundTripsToTheSameBytes() throws {
        let written = try JSONReporter().render(CanonicalReport.report)
        let report = try JSONReportReader.read(written, path: Self.path)
        #expect(try JSONReporter().render(report) == written)
    }

    @Test func canonicalReportReadsBackItsFields() throws {
        let original = CanonicalReport.report
        let report = try JSONReportReader.read(
            try JSONReporter().render(original), path: Self.path)
        #expect(report.metadata == original.metadata)
        #expect(report.verdict == original.verdict)
        #expect(report.failOn == original.failOn)
        #expect(report.inputs == original.inputs)
        #expect(report.statistics == original.statistics)
        // Metrics hold NaN after a non-finite value, which is never equal to itself.
        let finite = { (metrics: [String: Double]) in metrics.filter { $0.value.isFinite } }
        #expect(report.findings.count == original.findings.count)
        for (read, written) in zip(report.findings, original.findings) {
            var expected = written
            expected.metrics = finite(written.metrics)
            var actual = read
            actual.metrics = finite(read.metrics)
            #expect(actual == expected)
        }
        #expect(report.checks.map(\.id) == original.checks.map(\.id))
        for (read, written) in zip(report.checks, original.checks) {
            #expect(read.counts == written.counts)
            #expect(read.prerequisites == written.prerequisites)
            #expect(read.status == written.status)
            #expect(read.tables.map(\.columns) == written.tables.map(\.columns))
            #expect(finite(read.metrics) == finite(written.metrics))
            #expect(read.purpose == "", "not in the JSON report")
        }
        #expect(report.readiness.map(\.status) == original.readiness.map(\.status))
        #expect(
            report.readiness.map { $0.topFindings.map(\.fingerprint) }
                == original.readiness.map { $0.topFindings.map(\.fingerprint) })
    }

    /// Every sample's recorded report (a real audit through the pipeline) reads back and
    /// renders to the same bytes.
    @Test(arguments: [
        "chat-format", "chat-sft", "clean-intents", "compressed", "malformed",
        "near-duplicates", "preference", "support-tickets",
    ])
    func sampleReportRoundTrips(sample: String) throws {
        let url = RepositoryPaths.tests("PreflightCLITests")
            .appendingPathComponent("Golden/\(sample)/report.json")
        let written = try Data(contentsOf: url)
        let report = try JSONReportReader.read(written, path: url.path)
        #expect(try JSONReporter().render(report) == written)
    }

    @Test(arguments: ["clean-intents", "near-duplicates", "malformed", "chat-sft"])
    func fingerprintsRecomputedFromReadFindingsMatchTheFile(sample: String) throws {
        let url = RepositoryPaths.tests("PreflightCLITests")
            .appendingPathComponent("Golden/\(sample)/report.json")
        let data = try Data(contentsOf: url)
        let report = try JSONReportReader.read(data, path: url.path)
        guard case .array(let items)? = try JSONValue.parse(data)["findings"] else {
            Issue.record("no findings array")
            return
        }
        #expect(!items.isEmpty || sample == "clean-intents")
        #expect(items.count == report.findings.count)
        for (item, finding) in zip(items, report.findings) {
            #expect(item["fingerprint"] == .string(finding.fingerprint))
        }
    }

    @Test func canonicalFingerprintsMatchTheFile() throws {
        let data = try JSONReporter().render(CanonicalReport.report)
        let report = try JSONReportReader.read(data, path: Self.path)
        guard case .array(let items)? = try JSONValue.parse(data)["findings"] else {
            Issue.record("no findings array")
            return
        }
        #expect(items.map { $0["fingerprint"] } == report.findings.map { .string($0.fingerprint) })
    }

    @Test func recordSketchesRoundTripAsZeroPaddedHex() throws {
        var report = CanonicalReport.report
        report.statistics[0].distinctRecords = 1_150
        report.statistics[0].recordSketch = [1, 0xABC, 0xFFFF_FFFF_FFFF_FFFF]
        let written = try JSONReporter().render(report)
        let json = try JSONValue.parse(written)
        #expect(json["statistics"]?["train"]?["distinct_records"] == .number(1_150))
        #expect(
            json["statistics"]?["train"]?["record_sketch"]
                == .array([
                    .string("0000000000000001"), .string("0000000000000abc"),
                    .string("ffffffffffffffff"),
                ]))
        #expect(json["statistics"]?["validation"]?["record_sketch"] == nil)
        let validator = try JSONSchemaValidator(contentsOf: Goldens.schema)
        #expect(validator.validate(written).isEmpty)
        let read = try JSONReportReader.read(written, path: Self.path)
        #expect(read.statistics == report.statistics)
        #expect(try JSONReporter().render(read) == written)
    }

    @Test func reportWithoutOptionalSectionsReads() throws {
        // A report of an earlier build: no readiness, no tables or prerequisites per check.
        let report = try read(
            """
            {"checks": [{"category": "volume", "counts": {"error": 0, "info": 1, "warning": 0},
              "id": "volume", "metrics": {"x": null}, "severity": "error", "status": "pass",
              "summary": "ok", "title": "Volume"}],
             "fail_on": "warning", "findings": [], "generated_at": null, "inputs": [],
             "rules": {"digest": "", "sources": []}, "schema_version": 1, "statistics": {},
             "summary": {"errors": 0, "findings": 0, "infos": 0, "warnings": 0},
             "tool": {"name": "preflight", "version": "0.0.9"}, "verdict": "ready"}
            """)
        #expect(report.failOn == .warning)
        #expect(report.readiness.isEmpty)
        #expect(report.checks.first?.counts == [.info: 1])
        #expect(report.checks.first?.metrics["x"]?.isNaN == true)
        #expect(report.metadata.toolVersion == "0.0.9")
    }

    // MARK: - Errors

    @Test func truncatedFileNamesLineAndColumn() throws {
        let written = try JSONReporter().render(CanonicalReport.report)
        let truncated = String(decoding: written.prefix(written.count / 2), as: UTF8.self)
        let error = try #require(readError(truncated))
        guard case .invalidJSON(let path, let line, let column, _) = error else {
            Issue.record("expected invalidJSON, got \(error)")
            return
        }
        #expect(path == Self.path)
        #expect(line > 1 && column >= 1)
        #expect(!error.isInputError)
        #expect(
            error.description.hasPrefix("\(Self.path):\(line):\(column): error: invalid JSON: "))
        #expect(
            error.description.hasSuffix(
                "'out/audit.json' is not a Preflight JSON report (schema_version 1); "
                    + "write one with --report json=PATH"))
    }

    @Test func syntaxErrorPositionIsExact() {
        #expect(
            readError("{\n  \"schema_version\": 1,\n  \"tool\" 3}")
                == .invalidJSON(
                    path: Self.path, line: 3, column: 10,
                    message: "expected ':' after a field name"))
    }

    @Test func wrongSchemaVersionIsClear() {
        let error = readError(#"{"schema_version": 2, "findings": [{"unknown": true}]}"#)
        #expect(error == .unsupportedSchemaVersion(path: Self.path, version: "2"))
        #expect(
            error?.description
                == "out/audit.json: error: schema_version 2 is not supported; this build reads "
                + "schema_version 1 (write the report again with this build: --report json=PATH)")
    }

    @Test func missingKeyNamesTheKeyAndItsPath() throws {
        let written = String(
            decoding: try JSONReporter().render(CanonicalReport.report), as: UTF8.self)
        // The first finding's message key, renamed.
        let broken = written.replacingOccurrences(
            of: #""message""#, with: #""massage""#, options: [],
            range: try #require(written.range(of: #""findings""#)).upperBound..<written.endIndex)
        let error = try #require(readError(broken))
        #expect(error == .missingKey(path: Self.path, key: "message", jsonPath: "$.findings[0]"))
        #expect(
            error.description.hasPrefix(
                "out/audit.json: error: missing key 'message' in $.findings[0]; "))
    }

    @Test func missingNestedKeyAndWrongValueNameTheirPaths() throws {
        let written = String(
            decoding: try JSONReporter().render(CanonicalReport.report), as: UTF8.self)
        let noSplit = written.replacingOccurrences(of: #""split_source""#, with: #""splitsource""#)
        #expect(
            readError(noSplit)
                == .missingKey(path: Self.path, key: "split_source", jsonPath: "$.inputs[0]"))
        let badSeverity = written.replacingOccurrences(
            of: #""severity" : "warning""#, with: #""severity" : "fatal""#)
        guard case .invalidValue(_, let jsonPath, let reason)? = readError(badSeverity) else {
            Issue.record("expected invalidValue")
            return
        }
        #expect(jsonPath.hasSuffix(".severity"))
        #expect(reason == "expected one of info, warning, error, found 'fatal'")
    }

    @Test func notJSON() {
        let error = readError("line,label\nhello,greeting\n")
        #expect(
            error
                == .invalidJSON(
                    path: Self.path, line: 1, column: 1, message: "expected a value"))
    }

    @Test func aJSONArrayIsNotAReport() {
        let error = readError(#"[{"schema_version": 1}]"#)
        #expect(
            error
                == .notAReport(
                    path: Self.path,
                    reason: "the file holds a JSON array, not an object with 'schema_version'"))
        #expect(
            error?.description
                == "out/audit.json: error: the file holds a JSON array, not an object with "
                + "'schema_version'; 'out/audit.json' is not a Preflight JSON report "
                + "(schema_version 1); write one with --report json=PATH")
    }

    @Test func anObjectWithoutSchemaVersionIsNotAReport() {
        #expect(
            readError(#"{"messages": []}"#)
                == .notAReport(path: Self.path, reason: "the file has no 'schema_version' key"))
        #expect(readError("") == .notAReport(path: Self.path, reason: "the file is empty"))
    }

    @Test func missingFileIsAnInputError() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("preflight-no-such-report-\(UUID()).json").path
        do {
            _ = try JSONReportReader.read(contentsOfFile: path)
            Issue.record("read a missing file")
        } catch {
            #expect(error == .cannotRead(path: path, reason: "no such file"))
            #expect(error.isInputError)
            #expect(error.description == "\(path): error: cannot read the report: no such file")
        }
    }
}

/// A report with 1,000,000 findings (`JSONReporterPerformance.report`) read back. Run with
/// `PREFLIGHT_PERF=1 swift test -c release -Xswiftc -enable-testing`
/// `--filter JSONReportReaderPerformance`.
@Suite(
    .tags(.performance), .enabled(if: ProcessInfo.processInfo.environment["PREFLIGHT_PERF"] == "1"))
struct JSONReportReaderPerformance {
    @Test func oneMillionFindings() throws {
        let written = try JSONReporter().render(JSONReporterPerformance.report(findings: 1_000_000))
        let clock = ContinuousClock()
        let before = PeakMemory.reset()
        var report: AuditReport?
        let time = try clock.measure {
            report = try JSONReportReader.read(written, path: "perf.json")
        }
        let peak = PeakMemory.read()
        print(
            "read \(written.count) bytes, \(report?.findings.count ?? 0) findings in \(time), "
                + "peak RSS \(peak / 1_048_576) MiB (+\((peak - before) / 1_048_576) MiB)")
        #expect(try report.map { try JSONReporter().render($0) } == written)
    }
}

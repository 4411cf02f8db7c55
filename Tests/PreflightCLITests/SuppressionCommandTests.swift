import Foundation
import PreflightTestSupport
import Testing

/// `preflight audit --ignore-file` and `.preflight-ignore.yaml`, end to end on a sample.
struct SuppressionCommandTests {
    /// A fresh folder for one test's files.
    func folder(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "preflight-suppressions-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    func json(_ url: URL) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: url))
    }

    func array(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let items)? = value { return items }
        return []
    }

    @Test func hidesFindingsReportsExpiredAndUnmatchedEntries() throws {
        let dir = try folder()
        let ignore = dir.appendingPathComponent("ignore.yaml")
        try write(
            """
            version: 1
            suppressions:
              - check: split_leakage
                path: samples/support-tickets/*
                reason: the shared tickets are reviewed, kept on purpose
                expires: 2999-12-31
              - check: conflicting_labels
                reason: relabelling is scheduled
                expires: 2001-01-01
              - check: pii
                reason: no personal data left
            """, to: ignore)
        let before = dir.appendingPathComponent("before.json")
        let after = dir.appendingPathComponent("after.json")
        let plain = runCLI([
            "audit", "samples/support-tickets", "--quiet", "--report", "json=\(before.path)",
        ])
        let run = runCLI([
            "audit", "samples/support-tickets", "--ignore-file", ignore.path, "--report",
            "json=\(after.path)",
        ])
        #expect(plain.code == 1)
        #expect(run.code == 1, "conflicting_labels and malformed records still fail")

        let old = array(try json(before)["findings"])
        let new = try json(after)
        let findings = array(new["findings"])
        let leaks = old.filter { $0["check"] == .string("split_leakage") }.count
        #expect(leaks == 4)
        #expect(!findings.contains { $0["check"] == .string("split_leakage") })
        // The expired entry hides nothing: the conflict is still reported.
        #expect(findings.contains { $0["check"] == .string("conflicting_labels") })
        let own = findings.filter { $0["check"] == .string("suppressions") }.map { $0["code"] }
        #expect(own == [.string("expired_suppression"), .string("unmatched_suppression")])
        #expect(findings.count == old.count - leaks + 2)
        let suppressed = array(new["suppressions"]?["suppressed"])
        #expect(suppressed.count == leaks)
        #expect(suppressed.allSatisfy { $0["entry"] == .number(0) })
        #expect(
            array(new["suppressions"]?["entries"]).map { $0["suppressed"] }
                == [.number(Double(leaks)), .number(0), .number(0)])
        // The check table says what happened.
        #expect(run.stdout.contains("SUPPRESSED  4 findings by"))
        #expect(run.stdout.contains("expired on 2001-01-01"))
    }

    @Test func aFingerprintFromTheReportSuppressesExactlyThatFinding() throws {
        let dir = try folder()
        let before = dir.appendingPathComponent("before.json")
        _ = runCLI([
            "audit", "samples/support-tickets", "--quiet", "--report", "json=\(before.path)",
        ])
        let old = array(try json(before)["findings"])
        let target = try #require(old.first { $0["check"] == .string("malformed_record") })
        guard case .string(let fingerprint)? = target["fingerprint"] else {
            Issue.record("no fingerprint")
            return
        }
        let ignore = dir.appendingPathComponent("ignore.yaml")
        try write(
            "suppressions:\n  - fingerprint: \(fingerprint)\n    reason: known broken line\n",
            to: ignore)
        let after = dir.appendingPathComponent("after.json")
        _ = runCLI([
            "audit", "samples/support-tickets", "--quiet", "--ignore-file", ignore.path,
            "--report", "json=\(after.path)",
        ])
        let findings = array(try json(after)["findings"])
        #expect(!findings.contains { $0["fingerprint"] == .string(fingerprint) })
        #expect(findings.count == old.count - 1)
    }

    @Test func badAndMissingFilesAreClearErrors() throws {
        let dir = try folder()
        let ignore = dir.appendingPathComponent("ignore.yaml")
        try write("suppressions:\n  - check: near_duplicate\n    reason: x\n", to: ignore)
        let bad = runCLI(["audit", "samples/support-tickets", "--ignore-file", ignore.path])
        #expect(bad.code == 2)
        #expect(
            bad.stderr.contains(
                "\(ignore.path):2:12: error: unknown check 'near_duplicate'; did you mean 'near_duplicates'?"
            ))
        #expect(bad.stdout.isEmpty)
        let missing = runCLI([
            "audit", "samples/support-tickets", "--ignore-file",
            dir.appendingPathComponent("nope.yaml").path,
        ])
        #expect(missing.code == 3)
        #expect(missing.stderr.contains("nope.yaml"))
        let overwrite = runCLI([
            "audit", "samples/support-tickets", "--ignore-file", ignore.path, "--report",
            "json=\(ignore.path)",
        ])
        #expect(overwrite.code == 2)
        #expect(try String(contentsOf: ignore, encoding: .utf8).hasPrefix("suppressions:"))
        let both = runCLI([
            "audit", "samples/support-tickets", "--ignore-file", ignore.path, "--no-ignore-file",
        ])
        #expect(both.code == 2)
    }

    @Test func theExampleFileMatchesTheSample() throws {
        let report = try folder().appendingPathComponent("r.json")
        let run = runCLI([
            "audit", "samples/support-tickets", "--quiet", "--ignore-file",
            "rules/examples/support-tickets-ignore.yaml", "--report", "json=\(report.path)",
        ])
        #expect(run.code == 1)
        let document = try json(report)
        #expect(
            array(document["suppressions"]?["entries"]).map { $0["suppressed"] }
                == [.number(3), .number(1)])
        // Every entry is live and matches: no finding about the file itself.
        #expect(!array(document["findings"]).contains { $0["check"] == .string("suppressions") })
    }

    @Test func theDefaultFileIsReadFromTheWorkingFolder() throws {
        let binary = try #require(ProcessTests.binary)
        let dir = try folder()
        try write(
            "suppressions:\n  - check: split_leakage\n    reason: reviewed\n",
            to: dir.appendingPathComponent(".preflight-ignore.yaml"))
        let sample = RepositoryPaths.root.appendingPathComponent("samples/support-tickets").path
        func audit(_ extra: [String]) throws -> String {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["audit", sample, "--no-color"] + extra
            process.currentDirectoryURL = dir
            let output = Pipe()
            process.standardOutput = output
            process.standardError = Pipe()
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(try audit([]).contains("SUPPRESSED  4 findings by .preflight-ignore.yaml"))
        #expect(try !audit(["--no-ignore-file"]).contains("SUPPRESSED"))
    }
}

import Testing

@testable import PreflightCore

struct SuppressionsTests {
    static let checkIDs = ["scripted", "opt_in", "all_kinds", "near_duplicates"]

    func parse(_ text: String) throws -> SuppressionFile {
        try SuppressionFile.parse(text, path: ".preflight-ignore.yaml", checkIDs: Self.checkIDs)
    }

    func parseError(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return (error as? RulesError)?.description
        }
    }

    func finding(
        check: CheckID = "scripted", code: String = "scripted_error", line: Int? = 3,
        path: String = "data/train.jsonl", message: String = "scripted error finding"
    ) -> Finding {
        Finding(
            checkID: check, code: code, severity: .error, message: message,
            location: line.map { DataLocation(path: path, split: "train", line: $0, record: $0) })
    }

    // MARK: - Parsing

    @Test func parsesEveryKindOfEntry() throws {
        let fingerprint = finding().fingerprint
        let file = try parse(
            """
            version: 1
            suppressions:
              - fingerprint: \(fingerprint)
                reason: the greeting is repeated on purpose
                expires: 2027-03-31
              - check: near_duplicates
                path: "data/**/train*.jsonl"
                message: "*thank you*"
                reason: templated thank-you replies are intended
            """)
        #expect(file.entries.count == 2)
        #expect(file.entries[0].fingerprint == fingerprint)
        #expect(file.entries[0].expires == "2027-03-31")
        #expect(file.entries[0].mark.line == 3)
        #expect(file.entries[1].check == "near_duplicates")
        #expect(file.entries[1].path == "data/**/train*.jsonl")
        #expect(file.entries[1].expires == nil)
        #expect(try parse("").entries.isEmpty)
        #expect(try parse("suppressions: []\n").entries.isEmpty)
    }

    @Test(arguments: [
        (
            "suppressions:\n  - check: scripted\n",
            ".preflight-ignore.yaml:2:5: error: invalid value for 'suppressions[0]': every suppression needs a 'reason': say why these findings are accepted"
        ),
        (
            "suppressions:\n  - check: scripted\n    reason: \"  \"\n",
            ".preflight-ignore.yaml:3:13: error: invalid value for 'suppressions[0].reason': the reason is empty; say why these findings are accepted"
        ),
        (
            "suppressions:\n  - reason: because\n",
            ".preflight-ignore.yaml:2:5: error: invalid value for 'suppressions[0]': the entry selects nothing; give a 'fingerprint' (from the JSON or SARIF report) or any of 'check', 'code', 'path', 'message'"
        ),
        (
            "suppressions:\n  - check: scriptd\n    reason: x\n",
            ".preflight-ignore.yaml:2:12: error: unknown check 'scriptd'; did you mean 'scripted'?"
        ),
        (
            "suppressions:\n  - check: scripted\n    reason: x\n    expire: 2027-01-01\n",
            ".preflight-ignore.yaml:4:5: error: unknown suppression key 'expire'; did you mean 'expires'?"
        ),
        (
            "suppressions:\n  - check: scripted\n    reason: x\n    expires: 2027-02-30\n",
            ".preflight-ignore.yaml:4:14: error: invalid value for 'suppressions[0].expires': '2027-02-30' is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31"
        ),
        (
            "suppressions:\n  - fingerprint: ABC\n    reason: x\n",
            ".preflight-ignore.yaml:2:18: error: invalid value for 'suppressions[0].fingerprint': 'ABC' is not a finding fingerprint (32 lowercase hex digits, as in the JSON report's 'fingerprint')"
        ),
        (
            "version: 2\n",
            nil
        ),
    ])
    func rejectsMistakesWithTheirPlace(text: String, expected: String?) {
        let error = parseError(text)
        if let expected {
            #expect(error == expected)
        } else {
            #expect(error?.contains(".preflight-ignore.yaml:1:10") == true)
        }
    }

    // MARK: - Matching

    @Test func selectorsMustAllMatch() {
        let mark = YAMLMark(file: "f", line: 1, column: 1)
        let f = finding()
        #expect(Suppression(mark: mark, fingerprint: f.fingerprint, reason: "r").matches(f))
        #expect(
            !Suppression(mark: mark, fingerprint: finding(line: 4).fingerprint, reason: "r")
                .matches(f))
        #expect(
            Suppression(mark: mark, check: "scripted", code: "scripted_error", reason: "r").matches(
                f))
        #expect(!Suppression(mark: mark, check: "scripted", code: "other", reason: "r").matches(f))
        #expect(Suppression(mark: mark, path: "data/*.jsonl", reason: "r").matches(f))
        #expect(!Suppression(mark: mark, path: "*.jsonl", reason: "r").matches(f))
        #expect(Suppression(mark: mark, path: "**/*.jsonl", reason: "r").matches(f))
        #expect(Suppression(mark: mark, message: "*error*", reason: "r").matches(f))
        #expect(!Suppression(mark: mark, message: "error*", reason: "r").matches(f))
        // A path selector never matches a dataset-level finding.
        #expect(!Suppression(mark: mark, path: "**", reason: "r").matches(finding(line: nil)))
    }

    @Test func globsFollowShellRules() {
        #expect(Glob.matches("data/*.jsonl", "data/train.jsonl", segments: true))
        #expect(!Glob.matches("data/*.jsonl", "data/a/train.jsonl", segments: true))
        #expect(Glob.matches("data/**/train.jsonl", "data/train.jsonl", segments: true))
        #expect(Glob.matches("data/**/train.jsonl", "data/a/b/train.jsonl", segments: true))
        #expect(Glob.matches("**", "a/b/c", segments: true))
        #expect(Glob.matches("tr?in.csv", "train.csv", segments: true))
        #expect(!Glob.matches("tr?in.csv", "tr/in.csv", segments: true))
        #expect(Glob.matches("*", "a/b", segments: false))
        #expect(Glob.matches("", "", segments: true))
        #expect(!Glob.matches("", "x", segments: true))
        #expect(Glob.matches("日本*", "日本語.jsonl", segments: true))
        // No exponential blow-up on many stars.
        let text = String(repeating: "a", count: 2_000)
        #expect(!Glob.matches(String(repeating: "*a", count: 60) + "b", text, segments: false))
    }

    // MARK: - Applying

    @Test func expiredEntriesStopHidingAndUnmatchedOnesAreReported() throws {
        let file = try parse(
            """
            suppressions:
              - check: scripted
                code: scripted_error
                reason: accepted errors
              - check: scripted
                code: scripted_warning
                reason: old warnings
                expires: 2026-01-31
              - path: nowhere/*.csv
                reason: stale entry
            """)
        let findings = [
            finding(line: 1), finding(line: 2),
            finding(code: "scripted_warning", line: 5),
        ]
        let applied = SuppressionOutcome.apply(file, to: findings, today: "2026-02-01")
        #expect(applied.kept == [findings[2]])
        #expect(applied.outcome.suppressed.map(\.entry) == [0, 0])
        #expect(applied.outcome.entries.map(\.suppressed) == [2, 0, 0])
        #expect(applied.outcome.entries.map(\.expired) == [false, true, false])
        #expect(applied.outcome.entries.map(\.matchedWhileExpired) == [0, 1, 0])
        #expect(applied.findings.map(\.code) == ["expired_suppression", "unmatched_suppression"])
        #expect(applied.findings.map(\.severity) == [.warning, .info])
        #expect(
            applied.findings[0].message
                == "suppression at .preflight-ignore.yaml:5 (check 'scripted', code 'scripted_warning') expired on 2026-01-31; 1 finding it matches is reported again"
        )
        // The last day of an entry still counts.
        let onTheDay = SuppressionOutcome.apply(file, to: findings, today: "2026-01-31")
        #expect(onTheDay.kept.isEmpty)
        #expect(onTheDay.findings.map(\.code) == ["unmatched_suppression"])
    }

    @Test func auditorHidesFindingsAndRecountsChecks() throws {
        let checks = try configure(
            "version: 1\nchecks:\n  scripted: { severity: error, emit: [error, warning], lines: [1, 2] }\n"
        )
        let file = try SuppressionFile.parse(
            "suppressions:\n  - code: scripted_error\n    reason: known\n", path: "ignore.yaml",
            checkIDs: Self.checkIDs)
        let plain = try Auditor.run(
            AuditRequest(dataset: sampleDataset(), checks: checks, metadata: ReportMetadata()))
        #expect(plain.verdict == .notReady)
        let report = try Auditor.run(
            AuditRequest(
                dataset: sampleDataset(), checks: checks, metadata: ReportMetadata(),
                suppressions: file, today: "2026-11-25"))
        // The scripted check re-rates both findings to error; the suppressed one is gone.
        #expect(report.findings.map(\.code) == ["scripted_warning"])
        #expect(report.suppressions?.suppressed.map(\.finding.code) == ["scripted_error"])
        let scripted = try #require(report.checks.first { $0.id == "scripted" })
        #expect(scripted.counts == [.error: 1])
        let row = try #require(report.checks.last)
        #expect(row.id == SuppressionOutcome.checkID)
        #expect(row.summary == "1 entry in ignore.yaml hid 1 finding")
        #expect(row.status == .pass)
    }

    @Test func baselineRatchetFailsOnlyOnNewOrWorse() throws {
        let before = try Auditor.run(
            AuditRequest(
                dataset: sampleDataset(),
                checks: try configure(
                    "version: 1\nchecks:\n  scripted: { severity: error, emit: [error, warning], lines: [1, 2] }\n"
                ), metadata: ReportMetadata()))
        func rerun(_ options: String) throws -> AuditReport {
            try Auditor.run(
                AuditRequest(
                    dataset: sampleDataset(),
                    checks: try configure("version: 1\nchecks:\n  scripted: \(options)\n"),
                    metadata: ReportMetadata(),
                    baseline: BaselineInput(path: "before.json", findings: before.findings)))
        }
        let same = try rerun("{ severity: error, emit: [error, warning], lines: [1, 2] }")
        #expect(same.verdict == .notReady)
        #expect(!same.fails)
        #expect(same.baseline?.counts == [.unchanged: 2])
        let fixedOne = try rerun("{ severity: error, emit: [error], lines: [1] }")
        #expect(!fixedOne.fails)
        #expect(fixedOne.baseline?.fixed.map(\.code) == ["scripted_warning"])
        let newError = try rerun(
            "{ severity: error, emit: [error, warning, error], lines: [1, 2, 7] }")
        #expect(newError.fails)
        #expect(newError.baseline?.changes == [.unchanged, .unchanged, .new])
        // The check re-rated to warning: the two old findings improved, the new one is
        // below --fail-on.
        let newWarning = try rerun("{ emit: [error, warning, warning], lines: [1, 2, 7] }")
        #expect(newWarning.baseline?.changes == [.improved, .improved, .new])
        #expect(!newWarning.fails)
    }

    @Test func aSuppressedBaselineFindingIsNotFixed() throws {
        let checks = try configure(
            "version: 1\nchecks:\n  scripted: { severity: error, emit: [error, warning], lines: [1, 2] }\n"
        )
        let before = try Auditor.run(
            AuditRequest(dataset: sampleDataset(), checks: checks, metadata: ReportMetadata()))
        let file = try SuppressionFile.parse(
            "suppressions:\n  - code: scripted_error\n    reason: known\n", path: "ignore.yaml",
            checkIDs: Self.checkIDs)
        let report = try Auditor.run(
            AuditRequest(
                dataset: sampleDataset(), checks: checks, metadata: ReportMetadata(),
                suppressions: file, today: "2026-11-25",
                baseline: BaselineInput(path: "before.json", findings: before.findings)))
        #expect(report.baseline?.changes == [.unchanged])
        #expect(report.baseline?.fixed.isEmpty == true)
    }
}

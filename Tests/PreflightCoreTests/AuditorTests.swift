import Testing

@testable import PreflightCore

struct AuditorTests {
    func configureError(_ text: String) throws -> String? {
        let parsed = try rules(text)
        return rulesError { () throws(RulesError) in
            _ = try Auditor.configure(parsed, registry: TestRegistry.checks)
        }
    }

    func audit(_ text: String, failOn: Severity = .error) throws -> AuditReport {
        let checks = try configure(text)
        return try Auditor.run(
            AuditRequest(
                dataset: sampleDataset(), checks: checks, failOn: failOn, metadata: ReportMetadata()
            ))
    }

    // MARK: - configure

    @Test func defaultsGiveOneCheckPerRegistryEntryInOrder() throws {
        let checks = try configure("version: 1\n")
        #expect(checks.map(\.descriptor.id) == ["all_kinds", "scripted", "opt_in"])
        #expect(checks.map(\.severity) == [.error, .warning, .error])
        #expect(checks.allSatisfy { $0.aliasUsed == nil })
        #expect(
            optionRows(checks[1]) == [
                "emit=list([])", "lines=list([])", "dataset_level=scalar(\"\")",
                "skip=scalar(\"\")",
            ])
    }

    @Test func unknownCheckIsRejectedWithASuggestion() throws {
        #expect(
            try configureError("version: 1\nchecks:\n  scripted: true\n  optin: true\n")
                == "test.yaml:4:3: error: unknown check 'optin'; did you mean 'opt_in'?")
    }

    @Test func unknownOptionIsRejectedWithASuggestion() throws {
        #expect(
            try configureError("version: 1\nchecks:\n  scripted:\n    emitt: [info]\n")
                == "test.yaml:4:5: error: unknown option 'emitt' for check 'scripted'; did you mean 'emit'?"
        )
        #expect(
            try configureError("version: 1\nchecks:\n  scripted:\n    severty: info\n")
                == "test.yaml:4:5: error: unknown option 'severty' for check 'scripted'; did you mean 'severity'?"
        )
    }

    @Test(arguments: [
        ("strict: 1", "expected true or false, found number '1'"),
        ("limit: 2.5", "expected an integer, found number '2.5'"),
        ("limit: \"3\"", "expected an integer, found string '3'"),
        ("threshold: high", "expected a number, found string 'high'"),
        ("threshold: .nan", "expected a number, found string '.nan'"),
        ("field: [a]", "expected a string, found list"),
        ("field: ~", "expected a string, found null"),
        ("fields: text", "expected a list, found string"),
        ("modes: [fast, slow]", "expected one of fast, thorough, paranoid, found 'slow'"),
        ("slices: []", "expected a mapping, found list"),
    ])
    func wrongTypesAreRejected(line: String, message: String) throws {
        let error = try configureError("version: 1\nchecks:\n  all_kinds:\n    \(line)\n")
        let key = line.prefix { $0 != ":" }
        #expect(error?.hasPrefix("test.yaml:4:") == true)
        #expect(
            error?.hasSuffix("error: invalid value for 'checks.all_kinds.\(key)': \(message)")
                == true, "\(error ?? "nil")")
    }

    @Test func wrongTypeInsideAListPointsAtTheItem() throws {
        #expect(
            try configureError("version: 1\nchecks:\n  all_kinds:\n    modes: [fast, slow]\n")?
                .hasPrefix("test.yaml:4:19:") == true)
    }

    @Test func failedValidatePointsAtTheOffendingKey() throws {
        #expect(
            try configureError(
                "version: 1\nchecks:\n  all_kinds:\n    error_ratio: 1\n    limit: 2\n")
                == "test.yaml:4:18: error: invalid value for 'checks.all_kinds.error_ratio': must be above warning_ratio"
        )
    }

    @Test func failedValidateOfAKeyNotWrittenPointsAtTheCheck() throws {
        // warning_ratio raised above the default error_ratio: error_ratio was not written.
        #expect(
            try configureError("version: 1\nchecks:\n  all_kinds:\n    warning_ratio: 9\n")
                == "test.yaml:3:3: error: invalid value for 'checks.all_kinds.error_ratio': must be above warning_ratio"
        )
    }

    @Test func aliasesSelectTheCheckAndAreRecorded() throws {
        let checks = try configure("version: 1\nchecks:\n  old_scripted:\n    severity: error\n")
        let scripted = try check("scripted", in: checks)
        #expect(scripted.severity == .error)
        #expect(scripted.aliasUsed == "old_scripted")
    }

    @Test func aliasAndIDTogetherMergeAndKeepTheAlias() throws {
        let checks = try configure(
            "version: 1\nchecks:\n  old_scripted:\n    severity: error\n    skip: old\n  scripted:\n    skip: new\n"
        )
        let scripted = try check("scripted", in: checks)
        #expect(scripted.severity == .error)
        #expect(scripted.effectiveOptions.first { $0.key == "skip" }?.value == .scalar("new"))
        #expect(scripted.aliasUsed == "old_scripted")
    }

    @Test func optInChecksAreOffUntilEnabled() throws {
        #expect(try check("opt_in", in: configure("version: 1\n")).enabled == false)
        #expect(try check("opt_in", in: configure("version: 1\nchecks:\n  opt_in: true\n")).enabled)
        #expect(
            try check("opt_in", in: configure("version: 1\nchecks:\n  opt_in: { enabled: true }\n"))
                .enabled)
        #expect(
            try check(
                "opt_in", in: configure("version: 1\nchecks:\n  opt_in: { severity: info }\n")
            ).enabled == false)
        #expect(try check("scripted", in: configure("version: 1\n")).enabled)
        #expect(
            try check("scripted", in: configure("version: 1\nchecks:\n  scripted: false\n")).enabled
                == false)
    }

    @Test func optionsDecodeIntoEffectiveOptions() throws {
        let checks = try configure(
            """
            version: 1
            checks:
              all_kinds:
                strict: true
                limit: 1_000
                threshold: 0.25
                field: "null"
                fields: []
                mode: paranoid
                modes: [thorough]
                slices: { a: { match: [x], min_count: 1 } }
            """)
        let rows = try optionRows(check("all_kinds", in: checks))
        #expect(
            rows == [
                "strict=scalar(\"true\")", "limit=scalar(\"1000\")", "threshold=scalar(\"0.25\")",
                "warning_ratio=scalar(\"2\")", "error_ratio=scalar(\"5\")",
                "field=scalar(\"null\")",
                "fields=list([])", "mode=scalar(\"paranoid\")", "modes=list([\"thorough\"])",
                "slices=map([(\"a\", PreflightCore.YAMLValue.map([(\"match\", PreflightCore.YAMLValue.list([\"x\"])), (\"min_count\", PreflightCore.YAMLValue.scalar(\"1\"))]))])",
            ])
    }

    // MARK: - run

    @Test func defaultSeverityCapsAndReplaces() throws {
        // scripted defaults to warning: its warnings stay, its errors are capped, infos stay.
        let report = try audit(
            "version: 1\nchecks:\n  scripted: { emit: [info, warning, error] }\n")
        #expect(report.findings.map(\.severity) == [.info, .warning, .warning])
        #expect(report.findings.allSatisfy { $0.checkID == "scripted" })
    }

    @Test func raisedSeverityRaisesDefaultLevelFindingsOnly() throws {
        let report = try audit(
            "version: 1\nchecks:\n  scripted: { severity: error, emit: [info, warning, error] }\n")
        #expect(report.findings.map(\.severity) == [.info, .error, .error])
        #expect(report.checks[1].severity == .error)
    }

    @Test func loweredSeverityCapsEverything() throws {
        let report = try audit(
            "version: 1\nchecks:\n  scripted: { severity: info, emit: [info, warning, error] }\n")
        #expect(report.findings.map(\.severity) == [.info, .info, .info])
        #expect(report.verdict == .ready)
    }

    @Test func adjustFollowsItsDocumentation() throws {
        let warningCheck = try check(
            "scripted", in: configure("version: 1\nchecks:\n  scripted: { severity: error }\n"))
        #expect(warningCheck.adjust(.warning) == .error)
        #expect(warningCheck.adjust(.info) == .info)
        #expect(warningCheck.adjust(.error) == .error)
        let lowered = try check(
            "all_kinds", in: configure("version: 1\nchecks:\n  all_kinds: { severity: warning }\n"))
        #expect(lowered.adjust(.error) == .warning)
        #expect(lowered.adjust(.warning) == .warning)
        #expect(lowered.adjust(.info) == .info)
    }

    @Test(arguments: [
        ("scripted: { emit: [] }", CheckStatus.pass, Verdict.ready),
        ("scripted: { emit: [info] }", .pass, .ready),
        ("scripted: { emit: [info, warning] }", .warn, .readyWithWarnings),
        ("scripted: { severity: error, emit: [warning] }", .fail, .notReady),
        ("scripted: { dataset_level: error, severity: error }", .fail, .notReady),
        ("scripted: { skip: no labels }", .skipped, .ready),
        ("scripted: false", .skipped, .ready),
    ])
    func statusAndVerdict(rule: String, status: CheckStatus, verdict: Verdict) throws {
        let report = try audit("version: 1\nchecks:\n  \(rule)\n")
        let summary = try #require(report.checks.first { $0.id == "scripted" })
        #expect(summary.status == status)
        #expect(report.verdict == verdict)
    }

    @Test func skippedAndDisabledChecksSaySo() throws {
        let report = try audit("version: 1\nchecks:\n  scripted: { skip: no labels in the data }\n")
        #expect(report.checks.map(\.status) == [.pass, .skipped, .skipped])
        #expect(report.checks[1].summary == "no labels in the data")
        #expect(report.checks[2].summary == "opt-in: enable it with 'opt_in: true' in the rules")
        #expect(report.checks.map(\.id) == ["all_kinds", "scripted", "opt_in"])
        let disabled = try audit("version: 1\nchecks:\n  scripted: false\n")
        #expect(disabled.checks[1].status == .skipped)
        #expect(disabled.checks[1].summary == "disabled by the rules")
    }

    @Test func countsAndMetricsArePerCheck() throws {
        let report = try audit(
            "version: 1\nchecks:\n  scripted: { emit: [info, warning, warning] }\n  opt_in: { enabled: true, emit: [error] }\n"
        )
        #expect(report.checks[1].counts == [.info: 1, .warning: 2])
        #expect(report.checks[1].metrics == ["emitted": 3])
        #expect(report.checks[2].counts == [.error: 1])
        #expect(report.checks[2].status == .fail)
        #expect(report.counts == [.info: 1, .warning: 2, .error: 1])
    }

    @Test func findingsAreSortedInReportOrder() throws {
        let report = try audit(
            "version: 1\nchecks:\n  scripted: { emit: [info, info, info], lines: [3, 1, 2], dataset_level: warning }\n  opt_in: { enabled: true, emit: [error], lines: [2] }\n"
        )
        #expect(report.findings.map { $0.location?.line } == [nil, 1, 2, 2, 3])
        #expect(
            report.findings.map(\.checkID) == [
                "scripted", "scripted", "opt_in", "scripted", "scripted",
            ])
        #expect(report.findings == report.findings.sorted(by: Finding.reportOrder))
    }

    @Test(arguments: [
        (Severity.error, false), (.warning, true), (.info, true),
    ])
    func failsWithFailOn(failOn: Severity, fails: Bool) throws {
        let report = try audit(
            "version: 1\nchecks:\n  scripted: { emit: [info, warning] }\n", failOn: failOn)
        #expect(report.failOn == failOn)
        #expect(report.fails == fails)
    }

    @Test func reportCarriesInputsAndStatistics() throws {
        let report = try audit("version: 1\n")
        #expect(report.inputs.map(\.path) == ["train.jsonl"])
        #expect(report.inputs.first?.records == 3)
        #expect(report.statistics.first?.labels.map(\.label) == ["even", "odd"])
        #expect(report.statistics.first?.labels.map(\.count) == [1, 2])
    }

    @Test func checkThatCannotRunThrows() throws {
        let checks = try Auditor.configure(RuleSet(), registry: [BrokenCheck.self])
        #expect(throws: CheckError("broken", "cannot run")) {
            try Auditor.run(
                AuditRequest(dataset: sampleDataset(), checks: checks, metadata: ReportMetadata()))
        }
    }
}

extension AuditorTests {
    // MARK: - timing callback

    /// `checkFinished` names each enabled check once, in execution order, and nothing else:
    /// what `--timings` builds its per-check lines from.
    @Test func checkFinishedNamesEachEnabledCheckInOrder() throws {
        let checks = try configure("version: 1\nchecks:\n  opt_in: true\n  scripted: false\n")
        var finished: [CheckID] = []
        let report = try Auditor.run(
            AuditRequest(
                dataset: sampleDataset(), checks: checks, metadata: ReportMetadata()),
            checkFinished: { finished.append($0) })
        #expect(finished == ["all_kinds", "opt_in"])
        let plain = try Auditor.run(
            AuditRequest(dataset: sampleDataset(), checks: checks, metadata: ReportMetadata()))
        #expect(report.findings == plain.findings)
    }
}

import Testing

@testable import PreflightCore

// MARK: - Test checks that bear on prerequisites

/// An error-level check bearing on enough examples and held-out sets; findings scripted.
private struct BearingCheck: Check {
    static let descriptor = CheckDescriptor(
        id: "bearing", title: "Bearing", summary: "Bears on two prerequisites.",
        category: .volume, defaultSeverity: .error, prerequisites: [.enoughExamples, .heldOutSets])
    let options: ScriptOptions
    func run(_ input: CheckInput) throws -> CheckOutcome { options.outcome(Self.descriptor.id) }
}

/// A second check on enough examples, so findings of two checks add up.
private struct OtherCheck: Check {
    static let descriptor = CheckDescriptor(
        id: "other", title: "Other", summary: "Bears on enough examples.", category: .labels,
        defaultSeverity: .error, prerequisites: [.enoughExamples])
    let options: ScriptOptions
    func run(_ input: CheckInput) throws -> CheckOutcome { options.outcome(Self.descriptor.id) }
}

/// An opt-in check on clear task boundaries.
private struct BoundaryCheck: OptInCheck {
    static let descriptor = CheckDescriptor(
        id: "boundary", title: "Boundary", summary: "Runs only when enabled.", category: .labels,
        defaultSeverity: .error, prerequisites: [.clearBoundaries])
    let options: ScriptOptions
    func run(_ input: CheckInput) throws -> CheckOutcome { options.outcome(Self.descriptor.id) }
}

/// A check on consistent targets that can skip itself (`skip: reason`).
private struct TargetsCheck: Check {
    static let descriptor = CheckDescriptor(
        id: "targets", title: "Targets", summary: "Skips when told.", category: .format,
        defaultSeverity: .error, prerequisites: [.consistentTargets])
    let options: ScriptOptions
    func run(_ input: CheckInput) throws -> CheckOutcome { options.outcome(Self.descriptor.id) }
}

/// A check on the representative prerequisite.
private struct BalanceCheck: Check {
    static let descriptor = CheckDescriptor(
        id: "balance", title: "Balance", summary: "Bears on representativeness.",
        category: .distribution, defaultSeverity: .error, prerequisites: [.representative])
    let options: ScriptOptions
    func run(_ input: CheckInput) throws -> CheckOutcome { options.outcome(Self.descriptor.id) }
}

/// A check whose error findings bear only on held-out sets, its others on both of its
/// prerequisites (`codePrerequisites`).
private struct CodedCheck: Check {
    static let descriptor = CheckDescriptor(
        id: "coded", title: "Coded", summary: "Attributes findings by code.", category: .volume,
        defaultSeverity: .error, prerequisites: [.enoughExamples, .heldOutSets],
        codePrerequisites: ["scripted_error": [.heldOutSets]])
    let options: ScriptOptions
    func run(_ input: CheckInput) throws -> CheckOutcome { options.outcome(Self.descriptor.id) }
}

/// Readiness as the Auditor computes it. No check here bears on the failure taxonomy.
struct ReadinessTests {
    private static let registry: [any Check.Type] = [
        BearingCheck.self, OtherCheck.self, BoundaryCheck.self, TargetsCheck.self,
        BalanceCheck.self,
    ]

    private func audit(_ yaml: String, failOn: Severity = .error) throws -> AuditReport {
        let checks = try Auditor.configure(rules("version: 1\n" + yaml), registry: Self.registry)
        return try Auditor.run(
            AuditRequest(
                dataset: sampleDataset(), checks: checks, failOn: failOn,
                metadata: ReportMetadata()))
    }

    private func entry(_ prerequisite: Prerequisite, in report: AuditReport) throws
        -> PrerequisiteStatus
    {
        try #require(report.readiness.first { $0.prerequisite == prerequisite })
    }

    @Test func findingCodesCanBearOnFewerPrerequisitesThanTheirCheck() throws {
        let checks = try Auditor.configure(
            rules("version: 1\nchecks:\n  coded: { emit: [error, warning] }\n"),
            registry: [CodedCheck.self])
        let report = try Auditor.run(
            AuditRequest(
                dataset: sampleDataset(), checks: checks, failOn: .error,
                metadata: ReportMetadata()))
        let heldOut = try entry(.heldOutSets, in: report)
        #expect(heldOut.status == .notMet)
        #expect(heldOut.counts == [.error: 1, .warning: 1])
        let enough = try entry(.enoughExamples, in: report)
        #expect(enough.status == .atRisk)
        #expect(enough.counts == [.warning: 1])
    }

    @Test func onePerPrerequisiteInOrder() throws {
        let report = try audit("")
        #expect(report.readiness.map(\.prerequisite) == Prerequisite.allCases)
    }

    @Test func metWhenChecksRanWithInfosOnly() throws {
        let report = try audit("checks:\n  bearing: { emit: [info] }\n")
        let enough = try entry(.enoughExamples, in: report)
        #expect(enough.status == .met)
        #expect(enough.checks == ["bearing", "other"])
        #expect(enough.skippedChecks == [])
        #expect(enough.counts == [.info: 1])
        #expect(enough.topFindings == [])
        #expect(enough.summary == "no warnings or errors from bearing and other; 1 info")
        #expect(
            try entry(.representative, in: report).summary == "no warnings or errors from balance")
        #expect(report.verdict == .ready)
    }

    @Test func atRiskWhenOnlyWarnings() throws {
        let report = try audit("checks:\n  bearing: { emit: [warning, info] }\n")
        let enough = try entry(.enoughExamples, in: report)
        #expect(enough.status == .atRisk)
        #expect(enough.counts == [.warning: 1, .info: 1])
        #expect(enough.topFindings.map(\.severity) == [.warning])
        #expect(enough.topFindings.map(\.checkID) == ["bearing"])
        #expect(enough.summary == "scripted warning finding (bearing)")
        // The same finding bears on every prerequisite its check declares.
        #expect(try entry(.heldOutSets, in: report).status == .atRisk)
        #expect(try entry(.representative, in: report).status == .met)
        #expect(report.verdict == .readyWithWarnings)
    }

    @Test func notMetWhenAnErrorBearsOnIt() throws {
        let report = try audit(
            """
            checks:
              bearing: { emit: [warning, error, error], lines: [1, 5, 2] }
              other: { emit: [error, info], lines: [3, 4] }
            """)
        let enough = try entry(.enoughExamples, in: report)
        #expect(enough.status == .notMet)
        #expect(enough.counts == [.error: 3, .warning: 1, .info: 1])
        // Most severe first, then report order (by line); at most three.
        #expect(enough.topFindings.map(\.location?.line) == [2, 3, 5])
        #expect(enough.topFindings.allSatisfy { $0.severity == .error })
        #expect(enough.summary == "3 errors from bearing (2) and other (1); also 1 warning")
        let heldOut = try entry(.heldOutSets, in: report)
        #expect(heldOut.status == .notMet)
        #expect(heldOut.checks == ["bearing"])
        #expect(heldOut.summary == "2 errors from bearing; also 1 warning")
        #expect(report.verdict == .notReady)
    }

    @Test func notCheckedWhenNoCheckBearingOnItRan() throws {
        let report = try audit("checks:\n  targets: { skip: no generative input }\n")
        let taxonomy = try entry(.failureTaxonomy, in: report)
        #expect(taxonomy.status == .notChecked)
        #expect(
            taxonomy.summary == "no check for it ran: none of this build's checks covers it yet")
        #expect(taxonomy.checks == [] && taxonomy.skippedChecks == [])
        let boundaries = try entry(.clearBoundaries, in: report)
        #expect(boundaries.status == .notChecked)
        #expect(boundaries.skippedChecks == ["boundary"])
        #expect(
            boundaries.summary
                == "no check for it ran: boundary skipped (opt-in: enable it with 'boundary: true' in the rules)"
        )
        let targets = try entry(.consistentTargets, in: report)
        #expect(targets.status == .notChecked)
        #expect(targets.summary == "no check for it ran: targets skipped (no generative input)")
    }

    @Test func disabledChecksDoNotCount() throws {
        let report = try audit(
            "checks:\n  balance: false\n  boundary: { enabled: true, emit: [error] }\n")
        let representative = try entry(.representative, in: report)
        #expect(representative.status == .notChecked)
        #expect(
            representative.summary == "no check for it ran: balance skipped (disabled by the rules)"
        )
        // Enabling an opt-in check brings its prerequisite in.
        let boundaries = try entry(.clearBoundaries, in: report)
        #expect(boundaries.status == .notMet)
        #expect(boundaries.checks == ["boundary"])
    }

    @Test func aFindingOfASkippedCheckStillCounts() throws {
        // A check that reports findings is not `skipped`, even with a skip reason.
        let checks = [
            CheckSummary(
                id: "targets", title: "T", category: .format, status: .warn, severity: .error,
                summary: "s", metrics: [:], counts: [.warning: 1],
                prerequisites: [.consistentTargets])
        ]
        let finding = Finding(checkID: "targets", code: "c", severity: .warning, message: "m")
        let readiness = PrerequisiteStatus.assess(
            checks: checks, findings: [finding], failOn: .error)
        #expect(
            readiness.map(\.status) == [
                .notChecked, .notChecked, .notChecked, .notChecked, .notChecked, .atRisk,
            ])
    }

    @Test func failOnWarningTurnsAtRiskIntoNotMet() throws {
        let yaml = "checks:\n  bearing: { emit: [warning] }\n"
        let gated = try audit(yaml, failOn: .warning)
        #expect(try entry(.enoughExamples, in: gated).status == .notMet)
        #expect(
            try entry(.enoughExamples, in: gated).summary == "scripted warning finding (bearing)")
        #expect(gated.fails)
        let lenient = try audit(yaml, failOn: .error)
        #expect(try entry(.enoughExamples, in: lenient).status == .atRisk)
        #expect(!lenient.fails)
    }

    @Test func failOnInfoTurnsInfosIntoNotMet() throws {
        let report = try audit("checks:\n  bearing: { emit: [info, info] }\n", failOn: .info)
        let enough = try entry(.enoughExamples, in: report)
        #expect(enough.status == .notMet)
        #expect(enough.summary == "2 infos from bearing")
        #expect(enough.topFindings.count == 2)
    }

    /// Not met exactly when the run fails on a finding of a check that bears on it; at risk
    /// never where the run fails.
    @Test(arguments: [
        ("[]", Severity.error), ("[info]", .error), ("[warning]", .error), ("[error]", .error),
        ("[info]", .warning), ("[warning]", .warning), ("[warning, error]", .warning),
        ("[info]", .info),
    ])
    func statusAgreesWithTheGate(emit: String, failOn: Severity) throws {
        let report = try audit("checks:\n  bearing: { emit: \(emit) }\n", failOn: failOn)
        let enough = try entry(.enoughExamples, in: report)
        #expect((enough.status == .notMet) == report.fails)
        if report.verdict == .ready && !report.fails { #expect(enough.status == .met) }
        if enough.status == .atRisk { #expect(report.verdict == .readyWithWarnings) }
    }

    @Test func summaryNamesAtMostThreeChecks() {
        let ids: [CheckID] = ["a", "b", "c", "d", "e"]
        let checks = ids.map {
            CheckSummary(
                id: $0, title: "", category: .labels, status: .pass, severity: .error,
                summary: "", metrics: [:], counts: [:], prerequisites: [.enoughExamples])
        }
        let met = PrerequisiteStatus.assess(checks: checks, findings: [], failOn: .error)[0]
        #expect(met.summary == "no warnings or errors from a, b, c and 2 more checks")
        let findings = ids.map { Finding(checkID: $0, code: "x", severity: .error, message: "m") }
        let notMet = PrerequisiteStatus.assess(checks: checks, findings: findings, failOn: .error)[
            0]
        #expect(notMet.summary == "5 errors from a (1), b (1), c (1) and 2 more")
        #expect(notMet.topFindings.map(\.checkID) == ["a", "b", "c"])
    }

    @Test func aLongMessageIsCountedNotQuoted() {
        let checks = [
            CheckSummary(
                id: "a", title: "", category: .labels, status: .warn, severity: .error,
                summary: "", metrics: [:], counts: [:], prerequisites: [.representative])
        ]
        let long = String(repeating: "x", count: PrerequisiteStatus.messageLimit + 1)
        let finding = Finding(checkID: "a", code: "x", severity: .warning, message: long)
        let entry = PrerequisiteStatus.assess(checks: checks, findings: [finding], failOn: .error)[
            1]
        #expect(entry.summary == "1 warning from a")
        #expect(entry.topFindings == [finding])
    }
}

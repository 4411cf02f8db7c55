import PreflightChecks
import PreflightCore
import PreflightTestSupport
import Testing

@Test func runnerParsesFilesAndMarks() {
    let parsed = CheckExampleRunner.parse(
        """
        --- train.jsonl
        {"text": "a", "label": "x"}
        ↓{"text": "b", "label": "y"}
        --- validation.jsonl
        ↓{"text": "c", "label": "x"}
        """)
    #expect(parsed.files.map(\.name) == ["train.jsonl", "validation.jsonl"])
    #expect(parsed.files.map(\.split) == [.train, .validation])
    #expect(
        parsed.marks == [
            .init(file: "train.jsonl", line: 2), .init(file: "validation.jsonl", line: 1),
        ])
    #expect(!parsed.files[0].jsonl.contains("↓"))
}

@Test func runnerReportsMissingAndUnexpectedFindings() throws {
    // A duplicate on line 3 but the mark on line 2: both directions must be reported.
    let example = CheckExample.fails(
        jsonl: """
            {"text": "a", "label": "x"}
            ↓{"text": "b", "label": "x"}
            {"text": "a", "label": "x"}
            """)
    let findings = try CheckExampleRunner.run(example, of: ExactDuplicatesCheck.self)
    let problems = CheckExampleRunner.mismatches(example, findings: findings)
    #expect(problems.count == 2)
    #expect(problems.contains { $0.hasPrefix("expected a finding at train.jsonl:2") })
    #expect(problems.contains { $0.hasPrefix("unexpected finding at train.jsonl:3") })
}

@Test func runnerCountsDatasetLevelFindings() throws {
    let example = CheckExample.passes(jsonl: #"{"text": "a", "label": "x"}"#)
    let findings = try CheckExampleRunner.run(example, of: VolumeCheck.self)
    #expect(!CheckExampleRunner.mismatches(example, findings: findings).isEmpty)
}

@Test func runnerRejectsBadOptions() {
    #expect(throws: RulesError.self) {
        try CheckExampleRunner.run(
            .passes(jsonl: #"{"text": "a"}"#, options: "warning_share: 0.5\nerror_share: 0.1"),
            of: ExactDuplicatesCheck.self)
    }
}
